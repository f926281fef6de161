// How `consume` prints a record: a kcat-style format string, or JSON lines.
//
//   %t topic   %p partition   %o offset   %T timestamp (ms)
//   %k key     %K key length  %s or %v value   %S or %V value length
//   %h headers (k=v,k2=v2)    %% a '%'   escapes: \n \t \r \\ (backslash)
//
// A null key or value prints as nothing; its length as -1.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace gregor::cli {

struct RecordView {
  std::string_view topic;
  int partition = -1;
  int64_t offset = -1;
  int64_t timestamp_ms = -1;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  std::vector<std::pair<std::string_view, std::optional<std::string_view>>> headers;
};

class RecordFormat {
 public:
  // Throws a usage error for an unknown %-directive or a trailing '%'.
  static RecordFormat parse(const std::string& spec);
  void render(const RecordView& record, std::string& out) const;

 private:
  struct Token {
    char field = 0;  // 0: literal text
    std::string literal;
  };
  std::vector<Token> tokens_;
};

nlohmann::json record_json(const RecordView& record);

}  // namespace gregor::cli
