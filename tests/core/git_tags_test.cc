#include "core/git_tags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace srclink {
namespace {

using ::testing::HasSubstr;

struct Case {
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string want;  // GitTags::Dump()
};

const std::string kSha = "3f2c1ab0e5d4c3b2a1908f7e6d5c4b3a29180706";
const std::string kSha2 = "9a1b2c3d4e5f60718293a4b5c6d7e8f901234567";

TEST(GitTagsTest, PrecedenceTable) {
  const Case cases[] = {
      {{}, "url=- commit=-"},
      // Each source alone.
      {{{"vcs.repository.url.full", "https://github.com/acme/shop"},
        {"vcs.ref.head.revision", kSha}},
       "url=github.com/acme/shop (vcs.repository.url.full) commit=" + kSha +
           " (vcs.ref.head.revision)"},
      {{{"vcs.repository.ref.revision", kSha}},
       "url=- commit=" + kSha + " (vcs.repository.ref.revision)"},
      {{{"_dd.git.repository_url", "git@github.com:acme/shop.git"}, {"_dd.git.commit.sha", kSha}},
       "url=github.com/acme/shop (_dd.git.repository_url) commit=" + kSha +
           " (_dd.git.commit.sha)"},
      {{{"git.repository_url", "github.com/acme/shop"}, {"git.commit.sha", kSha}},
       "url=github.com/acme/shop (git.repository_url) commit=" + kSha + " (git.commit.sha)"},
      {{{"DD_TAGS", "env:prod,git.repository_url:github.com/acme/shop,git.commit.sha:" + kSha}},
       "url=github.com/acme/shop (DD_TAGS git.repository_url) commit=" + kSha +
           " (DD_TAGS git.commit.sha)"},
      {{{"DD_TAGS", "env:prod git.repository_url:github.com/acme/shop"}},
       "url=github.com/acme/shop (DD_TAGS git.repository_url) commit=-"},
      {{{"DD_GIT_REPOSITORY_URL", "https://gitlab.com/g/sub/app.git"}, {"dd_git_commit_sha", kSha}},
       "url=gitlab.com/g/sub/app (DD_GIT_REPOSITORY_URL) commit=" + kSha + " (DD_GIT_COMMIT_SHA)"},
      {{{"org.opencontainers.image.source", "git-provider.example/me/my-repo"},
        {"org.opencontainers.image.revision", kSha}},
       "url=git-provider.example/me/my-repo (org.opencontainers.image.source) commit=" + kSha +
           " (org.opencontainers.image.revision)"},
      {{{"service_repository", "https://github.com/acme/shop"},
        {"service_git_ref", "refs/heads/main"},
        {"service_root_path", "/services/api/"}},
       "url=github.com/acme/shop (service_repository) commit=refs/heads/main (service_git_ref) "
       "root=services/api"},
      {{{"ad.datadoghq.com/tags",
         R"({"git.commit.sha": ")" + kSha +
             R"(", "git.repository_url": "git-provider.example/me/my-repo"})"}},
       "url=git-provider.example/me/my-repo (ad.datadoghq.com/tags git.repository_url) commit=" +
           kSha + " (ad.datadoghq.com/tags git.commit.sha)"},
      // Precedence, whatever the order of the attributes.
      {{{"service_repository", "https://github.com/old/one"},
        {"git.repository_url", "github.com/acme/shop"},
        {"vcs.repository.url.full", "https://github.com/acme/otel"}},
       "url=github.com/acme/otel (vcs.repository.url.full) commit=-"},
      {{{"git.commit.sha", kSha2}, {"_dd.git.commit.sha", kSha}},
       "url=- commit=" + kSha + " (_dd.git.commit.sha)"},
      {{{"DD_GIT_COMMIT_SHA", kSha2}, {"DD_TAGS", "git.commit.sha:" + kSha}},
       "url=- commit=" + kSha + " (DD_TAGS git.commit.sha)"},
      {{{"ad.datadoghq.com/tags", R"({"git.commit.sha": ")" + kSha2 + R"("})"},
        {"org.opencontainers.image.revision", kSha}},
       "url=- commit=" + kSha + " (org.opencontainers.image.revision)"},
      // A ref only when no revision; revision from a lower source still beats a ref.
      {{{"vcs.ref.head.name", "main"}}, "url=- commit=main (vcs.ref.head.name)"},
      {{{"vcs.ref.head.name", "main"}, {"git.commit.sha", kSha}},
       "url=- commit=" + kSha + " (git.commit.sha)"},
      // Short SHA and upper case.
      {{{"git.commit.sha", "3F2C1AB"}}, "url=- commit=3f2c1ab (git.commit.sha)"},
      // An invalid value falls through to the next source.
      {{{"vcs.repository.url.full", "/home/me/src/shop"},
        {"git.repository_url", "github.com/acme/shop"}},
       "url=github.com/acme/shop (git.repository_url) commit=-"},
      {{{"git.commit.sha", "main"}, {"service_git_ref", "v1.2.3"}},
       "url=- commit=v1.2.3 (service_git_ref)"},
      {{{"service_git_ref", "a b"}, {"vcs.ref.head.name", "main"}},
       "url=- commit=main (vcs.ref.head.name)"},
      // Credentials never survive.
      {{{"git.repository_url", "https://user:hunter2@github.com/acme/shop.git"}},
       "url=github.com/acme/shop (git.repository_url) commit=-"},
      // Root paths are repository-relative and cannot escape.
      {{{"service_root_path", "./svc/"}}, "url=- commit=- root=svc"},
      {{{"service_root_path", "../etc"}}, "url=- commit=-"},
  };
  for (const auto& c : cases) {
    std::string input;
    for (const auto& [k, v] : c.attributes) input += std::string(k) + "=" + std::string(v) + " ";
    std::vector<Attribute> attributes(c.attributes.begin(), c.attributes.end());
    EXPECT_EQ(ExtractGitTags(attributes).Dump(), c.want) << input;
  }
}

TEST(GitTagsTest, SkippedValuesAreExplainedWithoutCredentials) {
  GitTags tags = ExtractGitTags({{"vcs.repository.url.full", "ftp://user:hunter2@example.com/x"},
                                 {"git.commit.sha", "zz"},
                                 {"ad.datadoghq.com/tags", "{not json"}});
  ASSERT_EQ(tags.problems.size(), 3u);
  EXPECT_THAT(tags.problems[0], HasSubstr("vcs.repository.url.full"));
  EXPECT_THAT(tags.problems[1],
              HasSubstr("git.commit.sha \"zz\" skipped: not a commit SHA (7 to 40 hex digits)"));
  EXPECT_THAT(tags.problems[2], HasSubstr("ad.datadoghq.com/tags skipped: not a JSON object"));
  for (const auto& p : tags.problems) EXPECT_THAT(p, ::testing::Not(HasSubstr("hunter2")));
  EXPECT_FALSE(tags.has_repository());
  EXPECT_FALSE(tags.has_commit());
}

TEST(GitTagsTest, NestedJsonInTheAnnotationIsIgnoredNotRecursedInto) {
  std::string deep = R"({"x": )" + std::string(100000, '[');
  GitTags tags = ExtractGitTags({{"ad.datadoghq.com/tags", deep}});
  EXPECT_FALSE(tags.has_commit());
  GitTags ok = ExtractGitTags(
      {{"ad.datadoghq.com/tags",
        R"({"nested": {"git.commit.sha": "abcdef1"}, "git.commit.sha": "1234567"})"}});
  EXPECT_EQ(ok.commit, "1234567");
}

TEST(GitTagsTest, GitTagAttributeNames) {
  for (const char* name : {"vcs.repository.url.full", "vcs.ref.head.revision", "_dd.git.commit.sha",
                           "git.repository_url", "DD_GIT_COMMIT_SHA", "dd_git_repository_url",
                           "DD_TAGS", "org.opencontainers.image.revision", "service_repository",
                           "service_git_ref", "service_root_path", "ad.datadoghq.com/tags"}) {
    EXPECT_TRUE(IsGitTagAttribute(name)) << name;
  }
  for (const char* name : {"service.name", "git.commit", "http.route", "", "vcs"}) {
    EXPECT_FALSE(IsGitTagAttribute(name)) << name;
  }
}

TEST(GitTagsTest, CommitOrRef) {
  EXPECT_TRUE(IsCommitOrRef("abcdef1"));
  EXPECT_TRUE(IsCommitOrRef(kSha));
  EXPECT_TRUE(IsCommitOrRef("refs/tags/v1.0"));
  EXPECT_TRUE(IsCommitOrRef("release/2026-11"));
  EXPECT_FALSE(IsCommitOrRef(""));
  EXPECT_FALSE(IsCommitOrRef("abc"));  // all hex: a SHA prefix, too short to be unambiguous
  EXPECT_FALSE(IsCommitOrRef(kSha + "0"));
  EXPECT_FALSE(IsCommitOrRef("a b"));
  EXPECT_FALSE(IsCommitOrRef("main..dev"));
  EXPECT_FALSE(IsCommitOrRef("HEAD~1"));
  EXPECT_FALSE(IsCommitOrRef(std::string(300, 'x')));
}

}  // namespace
}  // namespace srclink
