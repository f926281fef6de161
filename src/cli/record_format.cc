#include "cli/record_format.h"

#include <cstring>

#include "cli/command_error.h"

namespace gregor::cli {
namespace {

constexpr const char* kFields = "tpoTkKsvSVh";

char unescape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    default:
      return c;  // "\\" and any other escaped character stand for themselves
  }
}

std::string length_of(const std::optional<std::string_view>& data) {
  return data ? std::to_string(data->size()) : "-1";
}

void append_headers(const RecordView& record, std::string& out) {
  for (size_t i = 0; i < record.headers.size(); ++i) {
    if (i > 0) out += ',';
    out += record.headers[i].first;
    out += '=';
    if (record.headers[i].second) out += *record.headers[i].second;
  }
}

void append_field(char field, const RecordView& r, std::string& out) {
  switch (field) {
    case 't':
      out += r.topic;
      break;
    case 'p':
      out += std::to_string(r.partition);
      break;
    case 'o':
      out += std::to_string(r.offset);
      break;
    case 'T':
      out += std::to_string(r.timestamp_ms);
      break;
    case 'k':
      if (r.key) out += *r.key;
      break;
    case 'K':
      out += length_of(r.key);
      break;
    case 's':
    case 'v':
      if (r.value) out += *r.value;
      break;
    case 'S':
    case 'V':
      out += length_of(r.value);
      break;
    case 'h':
      append_headers(r, out);
      break;
    default:
      break;
  }
}

nlohmann::json nullable(const std::optional<std::string_view>& data) {
  return data ? nlohmann::json(std::string(*data)) : nlohmann::json();
}

}  // namespace

RecordFormat RecordFormat::parse(const std::string& spec) {
  RecordFormat format;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) format.tokens_.push_back({0, std::move(literal)});
    literal.clear();
  };
  for (size_t i = 0; i < spec.size(); ++i) {
    char c = spec[i];
    if ((c == '%' || c == '\\') && i + 1 == spec.size()) {
      usage_error(std::string("format: trailing '") + c + "' in '" + spec + "'");
    }
    if (c == '\\') {
      literal += unescape(spec[++i]);
    } else if (c == '%' && spec[i + 1] == '%') {
      literal += '%';
      ++i;
    } else if (c == '%') {
      char field = spec[++i];
      if (std::strchr(kFields, field) == nullptr) {
        usage_error(std::string("format: unknown directive %") + field + " in '" + spec + "'");
      }
      flush();
      format.tokens_.push_back({field, {}});
    } else {
      literal += c;
    }
  }
  flush();
  return format;
}

void RecordFormat::render(const RecordView& record, std::string& out) const {
  for (const auto& token : tokens_) {
    if (token.field == 0) {
      out += token.literal;
    } else {
      append_field(token.field, record, out);
    }
  }
}

nlohmann::json record_json(const RecordView& r) {
  nlohmann::json headers = nlohmann::json::array();
  for (const auto& [key, value] : r.headers) {
    headers.push_back({{"key", std::string(key)}, {"value", nullable(value)}});
  }
  return {{"topic", std::string(r.topic)},
          {"partition", r.partition},
          {"offset", r.offset},
          {"timestamp", r.timestamp_ms},
          {"key", nullable(r.key)},
          {"value", nullable(r.value)},
          {"headers", headers}};
}

}  // namespace gregor::cli
