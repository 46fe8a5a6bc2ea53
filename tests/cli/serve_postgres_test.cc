// Stateless servers: two `srclink serve` processes on one PostgreSQL (started
// by the test on loopback) serve the same data. What one stores — a commit
// uploaded by the real `srclink upload` with its contents, an API key made
// by `srclink keys` — the other resolves and serves, and either keeps
// serving when the other stops.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "cli/serve_process.h"
#include "store/postgres_harness.h"

namespace srclink::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using json = nlohmann::json;

std::string Quote(const std::string& s) { return "'" + s + "'"; }

class TwoServersOnePostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("srclink-two-servers-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    auto pg = PostgresHarness::Start();
    ASSERT_TRUE(pg.ok()) << "PostgreSQL is needed for this test (scripts/setup installs it): "
                         << pg.status().ToString();
    pg_ = std::move(*pg);
    auto url = pg_->CreateDatabase();
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    database_ = *url;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // `git` in `repo`, isolated from the machine's configuration.
  void Git(const std::string& args) {
    fs::path config = dir_ / "gitconfig";
    if (!fs::exists(config)) std::ofstream(config).close();
    int code = -1;
    std::string out =
        RunShell("cd " + Quote((dir_ / "repo").string()) +
                     " && GIT_CONFIG_GLOBAL=" + Quote(config.string()) +
                     " GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com"
                     " GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com git -c "
                     "init.defaultBranch=main " +
                     args + " 2>&1",
                 &code);
    ASSERT_EQ(code, 0) << "git " << args << ": " << out;
  }

  std::string Head() {
    int code = -1;
    std::string sha =
        RunShell("git -C " + Quote((dir_ / "repo").string()) + " rev-parse HEAD", &code);
    while (!sha.empty() && sha.back() == '\n') sha.pop_back();
    return sha;
  }

  void WriteRepoFile(const std::string& path, const std::string& content) {
    fs::path p = dir_ / "repo" / path;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
  }

  // `srclink upload` of the repository's HEAD to `server`, with contents.
  void Upload(const ServeProcess& server) {
    int code = -1;
    std::string out =
        RunShell("SRCLINK_API_KEY=" + key_ + " " + SRCLINK_BINARY + " upload --directory " +
                     Quote((dir_ / "repo").string()) + " --server " + server.Url() + " 2>&1",
                 &code);
    ASSERT_EQ(code, 0) << out;
  }

  json Resolve(const ServeProcess& server, const std::string& sha, const std::string& file,
               int line) {
    httplib::Client client("127.0.0.1", server.port());
    json request = {{"repository_url", "https://github.com/acme/shop.git"},
                    {"commit_sha", sha},
                    {"snippets", true},
                    {"context", 1},
                    {"frames", json::array({{{"file", file}, {"line", line}}})}};
    auto r = client.Post("/api/v1/resolve", {{"Authorization", "Bearer " + key_}}, request.dump(),
                         "application/json");
    if (!r) {
      ADD_FAILURE() << "no answer from " << server.Url();
      return json();
    }
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body, nullptr, false);
  }

  fs::path dir_;
  std::unique_ptr<PostgresHarness> pg_;
  std::string database_;
  std::string key_;
};

TEST_F(TwoServersOnePostgres, WhatOneStoresTheOtherServes) {
  int code = -1;
  std::string keys_err = (dir_ / "keys.err").string();
  key_ = RunShell(std::string(SRCLINK_BINARY) + " keys create --database " + Quote(database_) +
                      " --name ci --scope upload,read 2>" + keys_err,
                  &code);
  ASSERT_EQ(code, 0) << key_;
  while (!key_.empty() && key_.back() == '\n') key_.pop_back();

  auto a = ServeProcess::Start({"--database", database_}, (dir_ / "a.log").string());
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = ServeProcess::Start({"--database", database_}, (dir_ / "b.log").string());
  ASSERT_TRUE(b.ok()) << b.status().ToString();

  fs::create_directories(dir_ / "repo");
  Git("init -q");
  Git("remote add origin https://github.com/acme/shop.git");
  WriteRepoFile("shop/cart.py", "import os\n\ndef total(items):\n    return sum(items)\n");
  WriteRepoFile("shop/api.py", "def handler():\n    pass\n");
  Git("add -A");
  Git("commit -q -m first");
  std::string first = Head();

  // Uploaded through A, with contents; resolved and shown by B.
  Upload(**a);
  json answer = Resolve(**b, first, "/srv/app/shop/cart.py", 4);
  ASSERT_TRUE(answer.is_object()) << answer;
  const json& frame = answer["frames"][0];
  EXPECT_EQ(frame["status"], "resolved") << frame;
  EXPECT_EQ(frame["path"], "shop/cart.py") << frame;
  EXPECT_EQ(frame["snippet"]["start_line"], 3) << frame;
  EXPECT_EQ(frame["snippet"]["lines"][1], "    return sum(items)") << frame;

  // A second commit through B; A lists it and resolves against it.
  WriteRepoFile("shop/tax.py", "RATE = 0.2\n");
  Git("add -A");
  Git("commit -q -m second");
  std::string second = Head();
  Upload(**b);
  httplib::Client client_a("127.0.0.1", (*a)->port());
  auto listed = client_a.Get("/api/v1/repositories/github.com/acme/shop/commits",
                             {{"Authorization", "Bearer " + key_}});
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200) << listed->body;
  EXPECT_THAT(listed->body, HasSubstr(first));
  EXPECT_THAT(listed->body, HasSubstr(second));
  json tax = Resolve(**a, second.substr(0, 10), "shop/tax.py", 1);
  EXPECT_EQ(tax["commit_sha"], second) << tax;
  EXPECT_EQ(tax["frames"][0]["snippet"]["lines"][0], "RATE = 0.2") << tax;

  // A stops; B keeps serving everything.
  EXPECT_EQ((*a)->Stop(), 0) << (*a)->Log();
  json again = Resolve(**b, second, "shop/cart.py", 4);
  EXPECT_EQ(again["frames"][0]["status"], "resolved") << again;
  EXPECT_EQ((*b)->Stop(), 0) << (*b)->Log();
}

}  // namespace
}  // namespace srclink::testing
