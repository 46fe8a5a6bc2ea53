// `srclink trace`: a pasted trace in, exceptions and frames out, resolved
// against a list of tracked paths when one is given.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/cli_runner.h"

namespace srclink::cli {
namespace {

using ::testing::HasSubstr;

const std::string kSha = "0123456789abcdef0123456789abcdef01234567";

const std::string kPythonTrace =
    "Traceback (most recent call last):\n"
    "  File \"/srv/app/shop/views.py\", line 42, in checkout\n"
    "    total = cart.total()\n"
    "  File \"/usr/lib/python3.11/json/decoder.py\", line 337, in decode\n"
    "    obj, end = self.raw_decode(s, idx=_w(s, 0).end())\n"
    "ValueError: bad cart\n"
    "\n"
    "The above exception was the direct cause of the following exception:\n"
    "\n"
    "Traceback (most recent call last):\n"
    "  File \"/srv/app/shop/api.py\", line 7, in handler\n"
    "    return checkout()\n"
    "RuntimeError: checkout failed\n";

TEST(TraceCommandTest, JsonHasExceptionsFramesAndResolutionsInTextOrder) {
  TempDir dir;
  std::string files = dir.Write("files.txt", "shop/views.py\nshop/api.py\nREADME.md\n");
  std::string trace = dir.Write("trace.txt", kPythonTrace);
  Outcome o = RunCli({"trace", trace, "--files", files, "--repository-url",
                      "https://github.com/acme/shop", "--commit", kSha, "--json"});
  ASSERT_EQ(o.code, 0) << o.err;
  nlohmann::json j = nlohmann::json::parse(o.out);
  EXPECT_EQ(j["language"], "python");
  ASSERT_EQ(j["exceptions"].size(), 2u) << j;
  const auto& first = j["exceptions"][0];
  EXPECT_EQ(first["type"], "ValueError");
  EXPECT_EQ(first["message"], "bad cart");
  ASSERT_EQ(first["frames"].size(), 2u);
  EXPECT_EQ(first["frames"][0]["file"], "/srv/app/shop/views.py");
  EXPECT_EQ(first["frames"][0]["line"], 42);
  EXPECT_EQ(first["frames"][0]["function"], "checkout");
  EXPECT_EQ(first["frames"][0]["in_app"], true);
  EXPECT_EQ(first["frames"][0]["resolution"]["status"], "resolved");
  EXPECT_EQ(first["frames"][0]["resolution"]["path"], "shop/views.py");
  EXPECT_EQ(first["frames"][0]["resolution"]["links"]["file"],
            "https://github.com/acme/shop/blob/" + kSha + "/shop/views.py#L42");
  EXPECT_EQ(first["frames"][1]["in_app"], false);
  EXPECT_EQ(first["frames"][1]["resolution"]["status"], "unknown");
  const auto& second = j["exceptions"][1];
  EXPECT_EQ(second["type"], "RuntimeError");
  EXPECT_EQ(second["relation"], "cause");
  EXPECT_EQ(second["frames"][0]["resolution"]["path"], "shop/api.py");
}

TEST(TraceCommandTest, HumanOutputFromStdinWithoutResolution) {
  Outcome o = RunCli({"trace"}, kPythonTrace);
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_THAT(o.out, HasSubstr("python: 2 exceptions, 3 frames\n"));
  EXPECT_THAT(o.out, HasSubstr("ValueError: bad cart\n"));
  EXPECT_THAT(o.out, HasSubstr("/srv/app/shop/views.py:42 in checkout\n"));
  EXPECT_THAT(o.out, HasSubstr("(cause) RuntimeError: checkout failed\n"));
}

TEST(TraceCommandTest, ForcedLanguageAndErrors) {
  Outcome bad = RunCli({"trace", "--language", "cobol"}, kPythonTrace);
  EXPECT_EQ(bad.code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--language \"cobol\" is not one of python, java"));

  Outcome none = RunCli({"trace"}, "just a log line\nand another\n");
  EXPECT_EQ(none.code, 1);
  EXPECT_THAT(none.err, HasSubstr("no stack frames found; if this is a stack trace, name its "
                                  "language with --language"));

  Outcome missing = RunCli({"trace", "/nonexistent/trace.txt"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_THAT(missing.err, HasSubstr("cannot read /nonexistent/trace.txt"));

  Outcome java = RunCli({"trace", "--language", "java", "--json"},
                        "java.lang.IllegalStateException: boom\n"
                        "\tat com.acme.shop.Cart.total(Cart.java:12)\n");
  ASSERT_EQ(java.code, 0) << java.err;
  nlohmann::json j = nlohmann::json::parse(java.out);
  EXPECT_EQ(j["language"], "java");
  EXPECT_EQ(j["exceptions"][0]["frames"][0]["module"], "com.acme.shop.Cart");
  EXPECT_EQ(j["exceptions"][0]["frames"][0]["function"], "total");
}

}  // namespace
}  // namespace srclink::cli
