// A reader and writer for Java .properties text, the format of Kafka's
// server.properties and meta.properties, following java.util.Properties.load:
//   - lines end with \n, \r or \r\n; a line whose first non-blank character is
//     '#' or '!' is a comment; blank lines are skipped;
//   - a line ending in an odd number of backslashes continues on the next line,
//     whose leading whitespace is dropped;
//   - the key ends at the first unescaped '=', ':' or whitespace; blanks around
//     the separator are skipped; the rest of the line is the value (trailing
//     blanks are kept, as in Java);
//   - escapes: \t \n \r \f, \uXXXX (written out as UTF-8; a surrogate pair
//     becomes one code point), and a backslash before any other character
//     stands for that character (\= \: \# \! \\ and "\ ").
// Bytes outside ASCII are passed through unchanged (files are expected in UTF-8).
// Deviations from Java, both to catch mistakes in a broker config: a malformed
// \uXXXX and a line with an empty key are errors naming the line.
//
// Pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace gregor::config {

struct Property {
  std::string key;
  std::string value;
  int line = 0;  // 1-based line where the entry starts
};

// Entries in file order; a key may repeat (the caller decides; Java keeps the last).
Result<std::vector<Property>, std::string> parse_properties(std::string_view text);

// Reads and parses a file. Errors name the file (and the line, for syntax errors).
Result<std::vector<Property>, std::string> read_properties_file(const std::string& path);

// Writes entries as "key=value" lines, escaping what Properties.load would read
// differently, after an optional "#"-prefixed comment line.
std::string format_properties(const std::vector<std::pair<std::string, std::string>>& entries,
                              std::string_view comment = {});

}  // namespace gregor::config
