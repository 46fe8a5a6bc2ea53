#include "core/json_text.h"

#include <gtest/gtest.h>

namespace srclink {
namespace {

TEST(JsonTextTest, AppendJsonString) {
  struct Case {
    std::string in;
    std::string out;
  };
  const Case cases[] = {
      {"", "\"\""},
      {"src/app/views.py", "\"src/app/views.py\""},
      {"a\"b\\c", "\"a\\\"b\\\\c\""},
      {"line\nnext\r\ttab", "\"line\\nnext\\r\\ttab\""},
      {std::string("\x01\x1f", 2), "\"\\u0001\\u001f\""},
      {"naïve café ✓ 😀", "\"naïve café ✓ 😀\""},
      {"bad\xff"
       "byte",
       "\"bad\\ufffdbyte\""},                         // invalid byte → U+FFFD
      {"\xc0\xaf", "\"\\ufffd\\ufffd\""},             // overlong '/'
      {"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""},  // a surrogate
      {"cut\xe2\x9c", "\"cut\\ufffd\\ufffd\""},       // truncated sequence
  };
  for (const Case& c : cases) {
    std::string out = "x";
    AppendJsonString(&out, c.in);
    EXPECT_EQ(out, "x" + c.out) << c.in;
  }
}

}  // namespace
}  // namespace srclink
