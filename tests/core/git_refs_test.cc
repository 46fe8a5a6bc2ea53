#include "core/git_refs.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace srclink {
namespace {

TEST(GitRefsTest, ValidNames) {
  struct Case {
    std::string name;
    bool valid;
  };
  const Case cases[] = {
      {"refs/heads/main", true},
      {"refs/tags/v1.4.2", true},
      {"main", true},
      {"feature/JIRA-12_x", true},
      {"refs/heads/ünïcode", true},
      {"", false},
      {"@", false},
      {"a b", false},
      {"a..b", false},
      {"a@{1}", false},
      {"a//b", false},
      {"/main", false},
      {"-main", false},
      {"main/", false},
      {"main.", false},
      {"refs/heads/.hidden", false},
      {"refs/heads/x.lock", false},
      {"a:b", false},
      {"a~1", false},
      {"a^", false},
      {"a?", false},
      {"a*", false},
      {"a[", false},
      {"a\\b", false},
      {std::string("a\x01"), false},
      {std::string(255, 'a'), true},
      {std::string(256, 'a'), false},
  };
  for (const Case& c : cases) EXPECT_EQ(IsValidRefName(c.name), c.valid) << c.name;
}

TEST(GitRefsTest, CandidatesInGitsOrder) {
  EXPECT_EQ(RefCandidates("main"),
            (std::vector<std::string>{"refs/main", "refs/tags/main", "refs/heads/main"}));
  EXPECT_EQ(RefCandidates("refs/heads/main"), std::vector<std::string>{"refs/heads/main"});
  EXPECT_EQ(RefCandidates("heads/main"),
            (std::vector<std::string>{"refs/heads/main", "refs/tags/heads/main",
                                      "refs/heads/heads/main"}));
  EXPECT_EQ(ShortRefName("refs/heads/main"), "main");
  EXPECT_EQ(ShortRefName("refs/tags/v1"), "v1");
  EXPECT_EQ(ShortRefName("refs/notes/x"), "refs/notes/x");
}

std::vector<std::string> Refs(const std::map<std::string, std::string>& vars) {
  return RefsFromCiEnvironment([&vars](const char* name) {
    auto it = vars.find(name);
    return it == vars.end() ? std::string() : it->second;
  });
}

TEST(GitRefsTest, CiEnvironments) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Refs({}), V{});
  // GitHub Actions: a push, a tag, a pull request (its merge ref is not a branch).
  EXPECT_EQ(Refs({{"GITHUB_REF", "refs/heads/main"}}), V{"refs/heads/main"});
  EXPECT_EQ(Refs({{"GITHUB_REF", "refs/tags/v2.0.0"}}), V{"refs/tags/v2.0.0"});
  EXPECT_EQ(Refs({{"GITHUB_REF", "refs/pull/7/merge"}, {"GITHUB_HEAD_REF", "fix/login"}}),
            V{"refs/heads/fix/login"});
  // GitLab CI.
  EXPECT_EQ(Refs({{"CI_COMMIT_BRANCH", "main"}}), V{"refs/heads/main"});
  EXPECT_EQ(Refs({{"CI_COMMIT_TAG", "v1"}}), V{"refs/tags/v1"});
  // Jenkins says origin/main.
  EXPECT_EQ(Refs({{"GIT_BRANCH", "origin/release"}}), V{"refs/heads/release"});
  // Azure Pipelines.
  EXPECT_EQ(Refs({{"BUILD_SOURCEBRANCH", "refs/heads/main"}}), V{"refs/heads/main"});
  // Travis: a tag build has TRAVIS_BRANCH set to the tag.
  EXPECT_EQ(Refs({{"TRAVIS_BRANCH", "v3"}, {"TRAVIS_TAG", "v3"}}), V{"refs/tags/v3"});
  // Several sources agree: no duplicates; invalid names dropped.
  EXPECT_EQ(Refs({{"GITHUB_REF", "refs/heads/main"},
                  {"DD_GIT_BRANCH", "main"},
                  {"DD_GIT_TAG", "bad tag"}}),
            V{"refs/heads/main"});
}

}  // namespace
}  // namespace srclink
