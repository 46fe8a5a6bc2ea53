#include "ingest/datadog_srcmap.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace srclink {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ReadData(const std::string& name) {
  std::ifstream in(std::string(SRCLINK_TEST_DATA) + "/datadog_ci/" + name, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

constexpr char kSha[] = "c67dfb7670963718af2f0fdd1e857ca3a6275cb0";
constexpr char kEvent[] =
    R"({"cli_version":"5.25.0","git_commit_sha":"c67dfb7670963718af2f0fdd1e857ca3a6275cb0",)"
    R"("git_repository_url":"https://github.com/acme/shop.git","type":"repository"})";

std::string Repository(const std::string& files, const std::string& hash = kSha) {
  return R"({"data":[{"files":)" + files + R"(,"hash":")" + hash +
         R"(","repository_url":"https://github.com/acme/shop.git"}],"version":1})";
}

// Parses and expects failure; returns the message and checks the field.
std::string Error(std::string_view event, std::string_view repository, const std::string& field) {
  std::string got_field;
  Result<DatadogSrcmap> result = ParseDatadogSrcmap(event, repository, &got_field);
  EXPECT_FALSE(result.ok());
  if (result.ok()) return "";
  EXPECT_EQ(result.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(got_field, field);
  return result.status().message();
}

TEST(DatadogSrcmapTest, ParsesCapturedDatadogCiPayload) {
  Result<DatadogSrcmap> result =
      ParseDatadogSrcmap(ReadData("event.json"), ReadData("repository.json"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->repository_url, "https://github.com/acme/shop.git");
  EXPECT_EQ(result->commit_sha, kSha);
  EXPECT_EQ(result->cli_version, "5.25.0");
  // git ls-files quotes the non-ASCII path; it arrives unquoted.
  EXPECT_THAT(result->paths,
              ElementsAre("README.md", "dir with space/\xc3\xbc.txt", "src/main.cc"));
}

TEST(DatadogSrcmapTest, SortsMergesDuplicatesAndLowercasesSha) {
  Result<DatadogSrcmap> result = ParseDatadogSrcmap(
      R"({"type":"repository"})",
      Repository(R"(["b.txt","a.txt","b.txt"])", "C67DFB7670963718AF2F0FDD1E857CA3A6275CB0"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->commit_sha, kSha);
  EXPECT_EQ(result->cli_version, "");
  EXPECT_THAT(result->paths, ElementsAre("a.txt", "b.txt"));
}

TEST(DatadogSrcmapTest, AcceptsEmptyFileList) {
  Result<DatadogSrcmap> result = ParseDatadogSrcmap(kEvent, Repository("[]"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->paths.empty());
}

TEST(DatadogSrcmapTest, RejectsMalformedJson) {
  EXPECT_EQ(Error("{\"type\":", Repository("[]"), "event"),
            "event part: is not valid JSON (error at byte 9)");
  EXPECT_EQ(Error(kEvent, "{\"data\":[}", "repository"),
            "repository part: is not valid JSON (error at byte 10)");
  EXPECT_EQ(Error("", Repository("[]"), "event"), "event part: is empty; expected a JSON object");
  EXPECT_EQ(Error(kEvent, "[1]", "repository"),
            "repository part: must be a JSON object, got an array");
}

TEST(DatadogSrcmapTest, RejectsMissingFields) {
  EXPECT_EQ(Error("{}", Repository("[]"), "event.type"),
            "event part: field \"type\" is missing; expected \"repository\"");
  EXPECT_EQ(Error(kEvent, R"({"data":[]})", "repository.version"),
            "repository part: field \"version\" is missing; expected 1");
  EXPECT_EQ(Error(kEvent, R"({"version":1})", "repository.data"),
            "repository part: field \"data\" is missing; expected an array of one commit");
  EXPECT_EQ(Error(kEvent, R"({"version":1,"data":[{"files":[],"repository_url":"x"}]})",
                  "repository.data[0].hash"),
            "repository part: field \"data[0].hash\" is missing");
  EXPECT_EQ(
      Error(
          kEvent,
          R"({"version":1,"data":[{"files":[],"hash":"c67dfb7670963718af2f0fdd1e857ca3a6275cb0"}]})",
          "repository.data[0].repository_url"),
      "repository part: field \"data[0].repository_url\" is missing");
  EXPECT_EQ(Error(kEvent,
                  R"({"version":1,"data":[{"hash":"c67dfb7670963718af2f0fdd1e857ca3a6275cb0",)"
                  R"("repository_url":"https://github.com/acme/shop.git"}]})",
                  "repository.data[0].files"),
            "repository part: field \"data[0].files\" is missing");
}

TEST(DatadogSrcmapTest, RejectsWrongTypes) {
  EXPECT_EQ(Error(R"({"type":1})", Repository("[]"), "event.type"),
            "event part: field \"type\" must be a string, got a number");
  EXPECT_EQ(Error(R"({"type":"ios_symbols"})", Repository("[]"), "event.type"),
            "event part: field \"type\" must be \"repository\" (a git-metadata upload), got "
            "\"ios_symbols\"");
  EXPECT_EQ(
      Error(R"({"type":"repository","cli_version":5})", Repository("[]"), "event.cli_version"),
      "event part: field \"cli_version\" must be a string, got a number");
  EXPECT_EQ(Error(kEvent, R"({"version":2,"data":[]})", "repository.version"),
            "repository part: field \"version\" must be 1, got 2");
  EXPECT_EQ(Error(kEvent, R"({"version":1,"data":{}})", "repository.data"),
            "repository part: field \"data\" must be an array, got an object");
  EXPECT_EQ(Error(kEvent, R"({"version":1,"data":[]})", "repository.data"),
            "repository part: field \"data\" must hold exactly one commit, got 0");
  EXPECT_EQ(Error(kEvent, R"({"version":1,"data":[null]})", "repository.data[0]"),
            "repository part: field \"data[0]\" must be an object, got null");
  EXPECT_EQ(Error(kEvent, Repository(R"("a.txt")"), "repository.data[0].files"),
            "repository part: field \"data[0].files\" must be an array of paths, got a string");
  EXPECT_EQ(Error(kEvent, Repository(R"(["a.txt",7])"), "repository.data[0].files[1]"),
            "repository part: field \"data[0].files[1]\" must be a string, got a number");
  EXPECT_EQ(
      Error(R"({"type":"repository"})", Repository("[]", "abc123"), "repository.data[0].hash"),
      "repository part: field \"data[0].hash\" must be a 40-digit hex commit SHA, got \"abc123\"");
  EXPECT_EQ(
      Error(R"({"type":"repository"})",
            R"({"version":1,"data":[{"files":[],"hash":"c67dfb7670963718af2f0fdd1e857ca3a6275cb0",)"
            R"("repository_url":""}]})",
            "repository.data[0].repository_url"),
      "repository part: field \"data[0].repository_url\" is empty; the repository has no origin "
      "remote: pass --repository-url to datadog-ci");
}

TEST(DatadogSrcmapTest, RejectsDisagreeingEvent) {
  EXPECT_EQ(
      Error(R"({"type":"repository","git_commit_sha":"0000000000000000000000000000000000000000"})",
            Repository("[]"), "event.git_commit_sha"),
      "event part: field \"git_commit_sha\" \"0000000000000000000000000000000000000000\" does not "
      "match the repository part's data[0].hash \"c67dfb7670963718af2f0fdd1e857ca3a6275cb0\"");
  EXPECT_EQ(
      Error(
          R"({"type":"repository","git_repository_url":"https://u:secret@github.com/acme/other"})",
          Repository("[]"), "event.git_repository_url"),
      "event part: field \"git_repository_url\" does not match the repository part's "
      "data[0].repository_url");
}

TEST(DatadogSrcmapTest, RejectsBadPaths) {
  EXPECT_EQ(Error(kEvent, Repository(R"([""])"), "repository.data[0].files[0]"),
            "repository part: field \"data[0].files[0]\" is empty");
  EXPECT_EQ(
      Error(kEvent, Repository(R"(["/etc/passwd"])"), "repository.data[0].files[0]"),
      "repository part: field \"data[0].files[0]\" must be relative to the repository root, got "
      "\"/etc/passwd\"");
  EXPECT_THAT(Error(kEvent, Repository(R"(["a/../b"])"), "repository.data[0].files[0]"),
              HasSubstr("must not have empty, \".\" or \"..\" components"));
  EXPECT_THAT(Error(kEvent, Repository(R"(["a//b"])"), "repository.data[0].files[0]"),
              HasSubstr("must not have empty"));
  EXPECT_EQ(Error(kEvent, Repository(R"(["a\u0000b"])"), "repository.data[0].files[0]"),
            "repository part: field \"data[0].files[0]\" holds a NUL byte");
  EXPECT_EQ(Error(kEvent, Repository(R"(["\"latin\\351.txt\""])"), "repository.data[0].files[0]"),
            "repository part: field \"data[0].files[0]\" is not valid UTF-8");
  EXPECT_THAT(Error(kEvent, Repository(R"(["\"bad\\q\""])"), "repository.data[0].files[0]"),
              HasSubstr("is not a valid git-quoted path: quoted path"));
  const std::string long_path(kDatadogSrcmapMaxPathBytes + 1, 'a');
  EXPECT_EQ(Error(kEvent, Repository("[\"" + long_path + "\"]"), "repository.data[0].files[0]"),
            "repository part: field \"data[0].files[0]\" is 4097 bytes long; the limit is 4096");
  const std::string max_path(kDatadogSrcmapMaxPathBytes, 'a');
  EXPECT_TRUE(ParseDatadogSrcmap(kEvent, Repository("[\"" + max_path + "\"]")).ok());
}

TEST(DatadogSrcmapTest, RejectsTooManyFiles) {
  std::string files = "[";
  for (size_t i = 0; i <= kDatadogSrcmapMaxFiles; ++i) files += i == 0 ? "\"a\"" : ",\"a\"";
  files += "]";
  EXPECT_EQ(Error(kEvent, Repository(files), "repository.data[0].files"),
            "repository part: field \"data[0].files\" holds 2000001 paths; the limit is 2000000");
}

TEST(DatadogSrcmapTest, UnquotesGitPaths) {
  EXPECT_EQ(*UnquoteGitPath("plain name.txt"), "plain name.txt");
  EXPECT_EQ(*UnquoteGitPath("\"a\\tb\\n\\\"q\\\"\\\\\\303\\274\""), "a\tb\n\"q\"\\\xc3\xbc");
  EXPECT_EQ(*UnquoteGitPath("\""), "\"");
  EXPECT_FALSE(UnquoteGitPath("\"x\\9\"").ok());
  EXPECT_FALSE(UnquoteGitPath("\"x\\\"").ok());
}

}  // namespace
}  // namespace srclink
