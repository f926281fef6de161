// Result<T, E>: a value or an error, for expected failures (C++20 has no
// std::expected). Errors are module-specific enums or ErrorCode.
#pragma once

#include <utility>
#include <variant>

#include "base/assert.h"

namespace gregor {

template <typename E>
struct Err {
  explicit Err(E e) : error(std::move(e)) {}
  E error;
};
template <typename E>
Err(E) -> Err<E>;

template <typename T, typename E>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  template <typename F>
  Result(Err<F> e) : v_(std::in_place_index<1>, E(std::move(e.error))) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    GREGOR_ASSERT(ok(), "value() on an error Result");
    return std::get<0>(v_);
  }
  const T& value() const& {
    GREGOR_ASSERT(ok(), "value() on an error Result");
    return std::get<0>(v_);
  }
  T&& value() && {
    GREGOR_ASSERT(ok(), "value() on an error Result");
    return std::get<0>(std::move(v_));
  }
  const E& error() const {
    GREGOR_ASSERT(!ok(), "error() on an ok Result");
    return std::get<1>(v_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, E> v_;
};

// Result without a value.
struct Ok {};

}  // namespace gregor
