#include "core/percent_encoding.h"

#include <string>

#include <gtest/gtest.h>

namespace srclink {
namespace {

struct EncodeCase {
  std::string input;
  std::string path;   // EncodePath(input)
  std::string query;  // EncodeQueryValue(input)
};

TEST(PercentEncodingTest, EncodesPathsAndQueryValues) {
  const EncodeCase kCases[] = {
      {"", "", ""},
      {"src/main.cc", "src/main.cc", "src/main.cc"},
      {"AZaz09-._~", "AZaz09-._~", "AZaz09-._~"},
      // Sub-delims, ':' and '@' are path characters; a query value encodes
      // the ones that split or rewrite parameters.
      {"!$'()*,:@", "!$'()*,:@", "!$'()*,:@"},
      {"a&b=c+d;e", "a&b=c+d;e", "a%26b%3Dc%2Bd%3Be"},
      {"a b", "a%20b", "a%20b"},
      {"x#y?z%w", "x%23y%3Fz%25w", "x%23y%3Fz%25w"},
      {"\"<>\\^`{|}", "%22%3C%3E%5C%5E%60%7B%7C%7D", "%22%3C%3E%5C%5E%60%7B%7C%7D"},
      {std::string("\x01\t\n\x7f", 4), "%01%09%0A%7F", "%01%09%0A%7F"},
      {std::string("nul\0byte", 8), "nul%00byte", "nul%00byte"},
      // UTF-8 bytes one by one, uppercase hex.
      {"docs/naïve café.md", "docs/na%C3%AFve%20caf%C3%A9.md", "docs/na%C3%AFve%20caf%C3%A9.md"},
      {"日本/語.txt", "%E6%97%A5%E6%9C%AC/%E8%AA%9E.txt", "%E6%97%A5%E6%9C%AC/%E8%AA%9E.txt"},
      {"\xff\x80", "%FF%80", "%FF%80"},
      // Already-encoded text is encoded again: these functions take raw text.
      {"a%20b", "a%2520b", "a%2520b"},
      {"/leading/slash/", "/leading/slash/", "/leading/slash/"},
  };
  for (const EncodeCase& c : kCases) {
    EXPECT_EQ(EncodePath(c.input), c.path) << "EncodePath(\"" << c.input << "\")";
    EXPECT_EQ(EncodeQueryValue(c.input), c.query) << "EncodeQueryValue(\"" << c.input << "\")";
  }
}

TEST(PercentEncodingTest, EveryByteIsKeptOrEncodedAsDocumented) {
  const std::string kPathKept =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/!$&'()*+,;=:@";
  const std::string kQueryEncodedExtra = "&=+;";
  for (int b = 0; b < 256; ++b) {
    std::string in(1, static_cast<char>(b));
    bool path_kept = kPathKept.find(static_cast<char>(b)) != std::string::npos && b != 0;
    bool query_kept =
        path_kept && kQueryEncodedExtra.find(static_cast<char>(b)) == std::string::npos;
    char hex[4];
    snprintf(hex, sizeof(hex), "%%%02X", b);
    EXPECT_EQ(EncodePath(in), path_kept ? in : std::string(hex)) << "byte " << b;
    EXPECT_EQ(EncodeQueryValue(in), query_kept ? in : std::string(hex)) << "byte " << b;
    // Decoding an encoded byte gives it back.
    EXPECT_EQ(PercentDecode(EncodePath(in)), in) << "byte " << b;
  }
}

struct DecodeCase {
  std::string input;
  std::string expected;
};

TEST(PercentEncodingTest, Decodes) {
  const DecodeCase kCases[] = {
      {"", ""},
      {"plain/path.js", "plain/path.js"},
      {"a%20b", "a b"},
      {"%2f%2F", "//"},
      {"%e6%97%a5", "日"},
      {"na%C3%AFve%20caf%C3%A9", "naïve café"},
      {"100%25", "100%"},
      {"%2520", "%20"},  // one level only
      {"a+b", "a+b"},    // not form decoding
      // Malformed escapes stay as they are.
      {"%", "%"},
      {"%4", "%4"},
      {"abc%", "abc%"},
      {"%zz", "%zz"},
      {"%4g", "%4g"},
      {"%%41", "%A"},
      {"%G1%41", "%G1A"},
      {std::string("%00", 3), std::string("\0", 1)},
  };
  for (const DecodeCase& c : kCases) {
    EXPECT_EQ(PercentDecode(c.input), c.expected) << "PercentDecode(\"" << c.input << "\")";
  }
}

}  // namespace
}  // namespace srclink
