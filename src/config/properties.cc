#include "config/properties.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace gregor::config {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\f';
}

// Splits text into natural lines, remembering where each line ends.
class LineSource {
 public:
  explicit LineSource(std::string_view text) : text_(text) {}
  bool done() const { return pos_ >= text_.size(); }
  int line_number() const { return line_; }
  std::string_view next() {
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
    std::string_view line = text_.substr(start, pos_ - start);
    if (pos_ < text_.size()) {
      if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
      ++pos_;
    }
    ++line_;
    return line;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 0;
};

std::string_view strip_leading_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  return s;
}

// True if the line ends in an odd number of backslashes (a continuation).
bool continues(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && s[s.size() - 1 - n] == '\\') ++n;
  return n % 2 == 1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Reads the 4 hex digits of a \uXXXX escape starting at s[i]; -1 if malformed.
int32_t read_hex4(std::string_view s, size_t i) {
  if (i + 4 > s.size()) return -1;
  int32_t v = 0;
  for (size_t k = i; k < i + 4; ++k) {
    char c = s[k];
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

// Resolves the escapes of a key or value; false on a malformed \uXXXX.
bool unescape(std::string_view s, std::string& out) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i >= s.size()) break;  // a lone trailing backslash is dropped, as in Java
    c = s[i];
    if (c != 'u') {
      out.push_back(c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c == 'f' ? '\f' : c);
      continue;
    }
    int32_t unit = read_hex4(s, i + 1);
    if (unit < 0) return false;
    i += 4;
    uint32_t cp = static_cast<uint32_t>(unit);
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 2 < s.size() && s[i + 1] == '\\' && s[i + 2] == 'u') {
      int32_t low = read_hex4(s, i + 3);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<uint32_t>(low) - 0xDC00);
        i += 6;
      }
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // a lone surrogate has no UTF-8 form
    append_utf8(out, cp);
  }
  return true;
}

// Splits a logical line into its raw (still escaped) key and value, as Properties.load does.
std::pair<std::string_view, std::string_view> split_entry(std::string_view line) {
  size_t key_len = 0;
  size_t value_start = line.size();
  bool has_separator = false;
  bool escaped = false;
  for (; key_len < line.size(); ++key_len) {
    char c = line[key_len];
    if (!escaped && (c == '=' || c == ':')) {
      value_start = key_len + 1;
      has_separator = true;
      break;
    }
    if (!escaped && is_blank(c)) {
      value_start = key_len + 1;
      break;
    }
    escaped = (c == '\\') ? !escaped : false;
  }
  while (value_start < line.size()) {
    char c = line[value_start];
    if (!is_blank(c)) {
      if (has_separator || (c != '=' && c != ':')) break;
      has_separator = true;
    }
    ++value_start;
  }
  return {line.substr(0, key_len), line.substr(std::min(value_start, line.size()))};
}

void escape_into(std::string& out, std::string_view s, bool is_key) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    switch (c) {
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\\':
      case '=':
      case ':':
      case '#':
      case '!':
        out.push_back('\\');
        out.push_back(c);
        break;
      case ' ':
        if (is_key || i == 0) out.push_back('\\');
        out.push_back(' ');
        break;
      default:
        out.push_back(c);
    }
  }
}

}  // namespace

Result<std::vector<Property>, std::string> parse_properties(std::string_view text) {
  std::vector<Property> out;
  LineSource lines(text);
  while (!lines.done()) {
    std::string_view first = strip_leading_blanks(lines.next());
    if (first.empty() || first.front() == '#' || first.front() == '!') continue;
    int start_line = lines.line_number();
    std::string logical(first);
    while (continues(logical)) {
      logical.pop_back();
      if (lines.done()) break;
      logical += strip_leading_blanks(lines.next());
    }
    auto [raw_key, raw_value] = split_entry(logical);
    if (raw_key.empty())
      return Err(fmt::format("line {}: missing key before the value", start_line));
    Property p;
    p.line = start_line;
    if (!unescape(raw_key, p.key) || !unescape(raw_value, p.value))
      return Err(fmt::format("line {}: malformed \\uxxxx encoding", start_line));
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<Property>, std::string> read_properties_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Err(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Err(fmt::format("{}: read error", path));
  auto parsed = parse_properties(buf.str());
  if (!parsed) return Err(fmt::format("{}: {}", path, parsed.error()));
  return std::move(parsed).value();
}

std::string format_properties(const std::vector<std::pair<std::string, std::string>>& entries,
                              std::string_view comment) {
  std::string out;
  if (!comment.empty()) {
    out += '#';
    for (char c : comment) {
      out.push_back(c);
      if (c == '\n') out.push_back('#');
    }
    out += '\n';
  }
  for (const auto& [key, value] : entries) {
    escape_into(out, key, true);
    out.push_back('=');
    escape_into(out, value, false);
    out.push_back('\n');
  }
  return out;
}

}  // namespace gregor::config
