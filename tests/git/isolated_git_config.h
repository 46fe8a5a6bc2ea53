// IsolatedGitConfig: keeps libgit2 away from the machine's system, XDG and
// global git configuration for a test suite, by pointing those search paths
// at an empty temporary directory. Call Enter() from SetUpTestSuite() and
// Leave() from TearDownTestSuite().
#pragma once

#include <git2.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace srclink::testing {

class IsolatedGitConfig {
 public:
  static void Enter(const std::string& name) {
    git_libgit2_init();
    std::string pattern = (std::filesystem::temp_directory_path() / (name + ".XXXXXX")).string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr) << "cannot create a directory like " << pattern;
    Dir() = pattern;
    for (int level : {GIT_CONFIG_LEVEL_PROGRAMDATA, GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG,
                      GIT_CONFIG_LEVEL_GLOBAL}) {
      git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, Dir().c_str());
    }
  }

  // libgit2 keeps pointing at the directory; a missing one holds no config either.
  static void Leave() {
    std::error_code ec;
    std::filesystem::remove_all(Dir(), ec);
  }

 private:
  static std::string& Dir() {
    static std::string dir;
    return dir;
  }
};

}  // namespace srclink::testing
