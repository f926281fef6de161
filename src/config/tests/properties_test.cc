#include "config/properties.h"

#include <gtest/gtest.h>

#include <map>

namespace gregor::config {
namespace {

std::map<std::string, std::string> parse_map(std::string_view text) {
  auto r = parse_properties(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
  std::map<std::string, std::string> out;
  if (r.ok())
    for (const auto& p : *r) out[p.key] = p.value;
  return out;
}

TEST(Properties, SeparatorsAndWhitespace) {
  auto m = parse_map(
      "a=1\n"
      "b: 2\n"
      "c 3\n"
      "  d   =   4\n"
      "e\t:\tfive six\n"
      "f\n"
      "g = = x\n"
      "h=trailing  \n");
  EXPECT_EQ(m["a"], "1");
  EXPECT_EQ(m["b"], "2");
  EXPECT_EQ(m["c"], "3");
  EXPECT_EQ(m["d"], "4");
  EXPECT_EQ(m["e"], "five six");
  ASSERT_TRUE(m.count("f"));
  EXPECT_EQ(m["f"], "");
  EXPECT_EQ(m["g"], "= x");         // only the first separator is skipped
  EXPECT_EQ(m["h"], "trailing  ");  // Java keeps trailing blanks of a value
}

TEST(Properties, CommentsAndBlankLines) {
  auto m = parse_map(
      "# comment=1\n"
      "   ! also a comment\n"
      "\n"
      "   \t\n"
      "x=1 # not a comment\n"
      "# a comment ending in a backslash does not continue \\\n"
      "y=2\n");
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m["x"], "1 # not a comment");
  EXPECT_EQ(m["y"], "2");
}

TEST(Properties, LineContinuations) {
  auto m = parse_map(
      "listeners=PLAINTEXT://a:1,\\\n"
      "          SSL://b:2\n"
      "even=ends with two\\\\\n"
      "next=3\n"
      "key\\\n"
      "  part=v\n"
      "cont=one\\\n"
      "# this line is content, not a comment\n"
      "last=eof\\");
  EXPECT_EQ(m["listeners"], "PLAINTEXT://a:1,SSL://b:2");
  EXPECT_EQ(m["even"], "ends with two\\");
  EXPECT_EQ(m["next"], "3");
  EXPECT_EQ(m["keypart"], "v");
  EXPECT_EQ(m["cont"], "one# this line is content, not a comment");
  EXPECT_EQ(m["last"], "eof");
}

TEST(Properties, LineEndings) {
  auto m = parse_map("a=1\r\nb=2\rc=3\n\r\nd=4");
  EXPECT_EQ(m["a"], "1");
  EXPECT_EQ(m["b"], "2");
  EXPECT_EQ(m["c"], "3");
  EXPECT_EQ(m["d"], "4");
}

TEST(Properties, Escapes) {
  auto m = parse_map(
      "tabs=a\\tb\\nc\\rd\\fe\n"
      "key\\=with\\:seps\\ and\\ space=v\n"
      "unicode=\\u0041\\u00e9\\u20AC\n"
      "pair=\\uD83D\\uDE00\n"
      "lone=\\uD83D!\n"
      "other=\\q\\#\\!\\\\\n"
      "lead=\\  two\n");
  EXPECT_EQ(m["tabs"], "a\tb\nc\rd\fe");
  EXPECT_EQ(m["key=with:seps and space"], "v");
  EXPECT_EQ(m["unicode"], "A\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(m["pair"], "\xF0\x9F\x98\x80");
  EXPECT_EQ(m["lone"], "\xEF\xBF\xBD!");
  EXPECT_EQ(m["other"], "q#!\\");
  EXPECT_EQ(m["lead"], "  two");
}

TEST(Properties, KeepsOrderDuplicatesAndLines) {
  auto r = parse_properties("a=1\n\n# c\nb=2\na=3\n");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].key, "a");
  EXPECT_EQ((*r)[0].line, 1);
  EXPECT_EQ((*r)[1].key, "b");
  EXPECT_EQ((*r)[1].line, 4);
  EXPECT_EQ((*r)[2].value, "3");
  EXPECT_EQ((*r)[2].line, 5);
}

TEST(Properties, ErrorsNameTheLine) {
  auto bad_unicode = parse_properties("a=1\nb=\\u12G4\n");
  ASSERT_FALSE(bad_unicode.ok());
  EXPECT_NE(bad_unicode.error().find("line 2"), std::string::npos) << bad_unicode.error();
  auto short_unicode = parse_properties("a=\\u12");
  ASSERT_FALSE(short_unicode.ok());
  EXPECT_NE(short_unicode.error().find("line 1"), std::string::npos);
  auto no_key = parse_properties("a=1\n\n=value\n");
  ASSERT_FALSE(no_key.ok());
  EXPECT_NE(no_key.error().find("line 3"), std::string::npos) << no_key.error();
}

TEST(Properties, MissingFileIsAnErrorNamingIt) {
  auto r = read_properties_file("/nonexistent-dir-for-gregor-test/server.properties");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("server.properties"), std::string::npos);
}

TEST(Properties, FormatRoundTrips) {
  std::vector<std::pair<std::string, std::string>> entries = {
      {"plain", "value"},
      {"key with space", " leading and trailing "},
      {"seps=:#!", "a=b:c#d!e\\f"},
      {"controls", "tab\tnl\ncr\rff\f"},
      {"empty", ""},
      {"utf8", "\xC3\xA9t\xC3\xA9"},
  };
  std::string text = format_properties(entries, "\nSome date");
  EXPECT_EQ(text.rfind("#\n#Some date\n", 0), 0u) << text;
  auto r = parse_properties(text);
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ((*r)[i].key, entries[i].first);
    EXPECT_EQ((*r)[i].value, entries[i].second);
  }
}

}  // namespace
}  // namespace gregor::config
