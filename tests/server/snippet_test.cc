#include "server/snippet.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace srclink::server {
namespace {

std::string Join(const Snippet& s) {
  std::string out = std::to_string(s.start_line) + ":";
  for (size_t i = 0; i < s.lines.size(); ++i) out += (i ? "|" : "") + std::string(s.lines[i]);
  return out;
}

TEST(FileLinesTest, CountsLines) {
  struct Case {
    std::string text;
    size_t lines;
  };
  for (const Case& c : std::vector<Case>{{"", 0},
                                         {"a", 1},
                                         {"a\n", 1},
                                         {"a\nb", 2},
                                         {"a\nb\n", 2},
                                         {"\n", 1},
                                         {"\n\n", 2},
                                         {"a\r\nb\r\n", 2},
                                         {"a\r\n\r\nc", 3}}) {
    EXPECT_EQ(FileLines(c.text).size(), c.lines) << "text: " << c.text;
  }
}

TEST(SnippetTest, Table) {
  const std::string text = "l1\nl2\nl3\nl4\nl5\nl6\nl7";  // no final newline
  struct Case {
    int line, before, after;
    std::string want;
  };
  FileLines file(text);
  for (const Case& c : std::vector<Case>{
           {4, 1, 1, "3:l3|l4|l5"},
           {1, 3, 3, "1:l1|l2|l3|l4"},  // clamped at the start
           {7, 2, 5, "5:l5|l6|l7"},     // clamped at the end; last line has no newline
           {4, 0, 0, "4:l4"},
           {2, 50, 50, "1:l1|l2|l3|l4|l5|l6|l7"},
       }) {
    Result<Snippet> s = MakeSnippet(file, "f.txt", c.line, c.before, c.after);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(Join(*s), c.want) << "line " << c.line;
    EXPECT_EQ(s->line, c.line);
  }
}

TEST(SnippetTest, CrLfAndEmptyLines) {
  FileLines file("a\r\n\r\nc\r\n");
  Result<Snippet> s = MakeSnippet(file, "f", 2, 1, 1);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(Join(*s), "1:a||c");
}

TEST(SnippetTest, Errors) {
  FileLines file("a\nb\nc\n");
  Result<Snippet> past = MakeSnippet(file, "src/x.py", 4, 2, 2);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(past.status().message().find("line 4 is past the end of src/x.py, which has 3 lines"),
            std::string::npos)
      << past.status().message();
  EXPECT_FALSE(MakeSnippet(file, "f", 0, 1, 1).ok());
  EXPECT_FALSE(MakeSnippet(file, "f", 1, -1, 1).ok());
  Result<Snippet> empty = MakeSnippet(FileLines(""), "e", 1, 0, 0);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("which has 0 lines"), std::string::npos);
  Result<Snippet> one = MakeSnippet(FileLines("x"), "e", 2, 0, 0);
  EXPECT_NE(one.status().message().find("which has 1 line:"), std::string::npos);
}

}  // namespace
}  // namespace srclink::server
