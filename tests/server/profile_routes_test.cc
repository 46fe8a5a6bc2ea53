// The profile routes over a real SQLite Store and TelemetryStore: Pyroscope
// /ingest (raw pprof, multipart, folded lines), then the services, the flame
// graph and a function's lines resolved at the uploaded commit with code.
#include "server/profile_routes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <zstd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "pprof/profile.pb.h"
#include "server/blob_cache.h"
#include "server/commit_cache.h"
#include "server/server.h"
#include "server/server_context.h"
#include "store/sqlite_store.h"
#include "store/telemetry_store.h"

namespace srclink::server {
namespace {

namespace fs = std::filesystem;
namespace pb = perftools::profiles;
using json = nlohmann::json;
using ::testing::HasSubstr;

const std::string kSha = "0123456789abcdef0123456789abcdef01234567";
const std::string kBlob = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const std::string kViews =
    "import json\n\ndef checkout(order):\n    total = json.loads(order)\n    return total\n";

// main (api.py:2) calls checkout (views.py:4): 3 samples / 30 ms in
// checkout, 1 sample / 10 ms in main itself.
std::string PythonProfile() {
  pb::Profile p;
  for (const char* s : {"", "samples", "count", "cpu", "nanoseconds", "checkout",
                        "/srv/app/shop/views.py", "main", "/srv/app/shop/api.py"})
    p.add_string_table(s);
  auto type = [&](int t, int u) {
    pb::ValueType* v = p.add_sample_type();
    v->set_type(t);
    v->set_unit(u);
  };
  type(1, 2);
  type(3, 4);
  auto function = [&](uint64_t id, int name, int file, int start) {
    pb::Function* f = p.add_function();
    f->set_id(id);
    f->set_name(name);
    f->set_filename(file);
    f->set_start_line(start);
  };
  function(1, 5, 6, 3);
  function(2, 7, 8, 1);
  auto location = [&](uint64_t id, uint64_t function_id, int line) {
    pb::Location* l = p.add_location();
    l->set_id(id);
    pb::Line* ln = l->add_line();
    ln->set_function_id(function_id);
    ln->set_line(line);
  };
  location(1, 1, 4);
  location(2, 2, 2);
  pb::Sample* s = p.add_sample();
  s->add_location_id(1);
  s->add_location_id(2);
  s->add_value(3);
  s->add_value(30'000'000);
  s = p.add_sample();
  s->add_location_id(2);
  s->add_value(1);
  s->add_value(10'000'000);
  return p.SerializeAsString();
}

class ProfileRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("srclink-profiles-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    const std::string db = (dir_ / "srclink.db").string();
    auto store = OpenSqliteStore(db);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Migrate().ok());
    auto telemetry = OpenTelemetryStore(db);
    ASSERT_TRUE(telemetry.ok()) << telemetry.status().ToString();
    telemetry_ = std::move(*telemetry);
    ASSERT_TRUE(telemetry_->Migrate().ok());
    CommitUpload u;
    u.repository_id = "github.com/acme/shop";
    u.repository_url = "https://github.com/acme/shop";
    u.provider = "github";
    u.commit_sha = kSha;
    u.uploaded_at = 10;
    u.refs = {"refs/heads/main"};
    u.files = {{"shop/views.py", kBlob}, {"shop/api.py", ""}};
    ASSERT_TRUE(store_->PutCommit(u).ok());
    std::string frame(ZSTD_compressBound(kViews.size()), '\0');
    frame.resize(ZSTD_compress(frame.data(), frame.size(), kViews.data(), kViews.size(), 1));
    ASSERT_TRUE(store_->PutBlob(kBlob, frame, static_cast<int64_t>(kViews.size()), 10).ok());

    options_.no_auth = true;
    commits_ = std::make_unique<CommitCache>(store_.get(), 4);
    blobs_ = std::make_unique<BlobCache>(store_.get(), 1 << 20);
    ctx_.options = &options_;
    ctx_.store = store_.get();
    ctx_.commits = commits_.get();
    ctx_.blobs = blobs_.get();
    ctx_.telemetry_store = telemetry_.get();
    ctx_.now = [] { return int64_t{1700000100}; };
    http_.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
      SetAsideBodyHeaders(req);  // as every listener of Server does
      return httplib::Server::HandlerResponse::Unhandled;
    });
    RegisterProfileRoutes(http_, ctx_);
    port_ = http_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    while (!http_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    http_.stop();
    if (thread_.joinable()) thread_.join();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  static std::string IngestPath(const std::string& name, const std::string& extra = "") {
    return "/ingest?name=" + httplib::detail::encode_query_param(name) +
           "&from=1700000000&until=1700000010" + extra;
  }
  httplib::Result Post(const std::string& path, const std::string& body,
                       const std::string& type = "application/octet-stream") {
    httplib::Client client("127.0.0.1", port_);
    return client.Post(path, body, type);
  }
  json Get(const std::string& path, int want = 200) {
    httplib::Client client("127.0.0.1", port_);
    auto r = client.Get(path);
    EXPECT_TRUE(r);
    if (!r) return json();
    EXPECT_EQ(r->status, want) << path << "\n" << r->body;
    return json::parse(r->body, nullptr, false);
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<TelemetryStore> telemetry_;
  ServerOptions options_;
  std::unique_ptr<CommitCache> commits_;
  std::unique_ptr<BlobCache> blobs_;
  ServerContext ctx_;
  httplib::Server http_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(ProfileRoutesTest, IngestThenFlameGraphAndFunctionLinesWithCode) {
  // The labels name the repository and a branch the upload recorded.
  auto r = Post(IngestPath("shop{env=prod,service_repository=https://github.com/acme/shop,"
                           "service_git_ref=main}",
                           "&format=pprof&spyName=pyspy"),
                PythonProfile());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json answer = json::parse(r->body);
  EXPECT_EQ(answer["commit"], kSha);  // the ref resolved
  EXPECT_EQ(answer["profile_types"], json::array({"samples:count", "cpu:nanoseconds"}));

  json services = Get("/api/v1/profiles/services");
  ASSERT_EQ(services["services"].size(), 1u) << services;
  EXPECT_EQ(services["services"][0]["service"], "shop");
  EXPECT_EQ(services["services"][0]["profile_types"].size(), 2u);

  json flame = Get("/api/v1/profiles/flamegraph?service=shop&type=cpu:nanoseconds");
  EXPECT_EQ(flame["total"], 40'000'000);
  EXPECT_EQ(flame["commits"][0]["commit"], kSha);
  EXPECT_EQ(flame["flamegraph"]["name"], "total");
  ASSERT_EQ(flame["flamegraph"]["children"].size(), 1u);
  const json& main = flame["flamegraph"]["children"][0];
  EXPECT_EQ(main["name"], "main");
  EXPECT_EQ(main["total"], 40'000'000);
  EXPECT_EQ(main["self"], 10'000'000);
  EXPECT_EQ(main["children"][0]["name"], "checkout");
  EXPECT_EQ(flame["hottest"][0]["name"], "checkout");
  // A label filter that matches nothing.
  json none = Get("/api/v1/profiles/flamegraph?service=shop&type=cpu:nanoseconds&labels=env%3Ddev");
  EXPECT_EQ(none["total"], 0);
  EXPECT_EQ(none["chunks"], 0);

  json fn = Get("/api/v1/profiles/function?service=shop&type=cpu:nanoseconds&name=checkout");
  EXPECT_EQ(fn["commit"], kSha);
  EXPECT_EQ(fn["self"], 30'000'000);
  EXPECT_EQ(fn["total"], 30'000'000);
  ASSERT_EQ(fn["files"].size(), 1u) << fn;
  const json& file = fn["files"][0];
  EXPECT_EQ(file["file"], "/srv/app/shop/views.py");
  EXPECT_EQ(file["start_line"], 3);
  EXPECT_EQ(file["resolution"]["path"], "shop/views.py");
  EXPECT_EQ(file["resolution"]["links"]["file"],
            "https://github.com/acme/shop/blob/" + kSha + "/shop/views.py#L3");
  EXPECT_EQ(file["lines"], json::parse(R"([{"line":4,"self":30000000,"total":30000000}])"));
  ASSERT_TRUE(file.contains("code")) << file;
  EXPECT_EQ(file["code"]["start_line"], 1);
  EXPECT_EQ(file["code"]["lines"][3], "    total = json.loads(order)");

  // main's own line counts every sample once: total 40 ms, self 10 ms.
  json main_fn = Get("/api/v1/profiles/function?service=shop&type=cpu:nanoseconds&name=main");
  EXPECT_EQ(main_fn["files"][0]["lines"],
            json::parse(R"([{"line":2,"self":10000000,"total":40000000}])"));
  EXPECT_EQ(main_fn["files"][0]["resolution"]["path"], "shop/api.py");
  EXPECT_EQ(main_fn["files"][0]["code_error"],
            "contents not uploaded for shop/api.py: run srclink upload without --no-contents");
}

TEST_F(ProfileRoutesTest, MultipartAndFoldedBodies) {
  httplib::Client client("127.0.0.1", port_);
  httplib::MultipartFormDataItems items = {
      {"profile", PythonProfile(), "profile.pprof", "application/octet-stream"},
      {"sample_type_config", R"({"cpu":{"units":"nanoseconds"}})", "", "application/json"}};
  auto r = client.Post(IngestPath("shop.cpu{service_repository=github.com/acme/shop}"), items);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  r = Post(IngestPath("auth.cpu", "&format=lines&units=samples"),
           "main;login;hash 7\nmain;login 2\n\nmain 1\n", "text/plain");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["profile_types"], json::array({"cpu:samples"})) << r->body;
  json flame = Get("/api/v1/profiles/flamegraph?service=auth&type=cpu:samples");
  EXPECT_EQ(flame["total"], 10);
  json fn = Get("/api/v1/profiles/function?service=auth&type=cpu:samples&name=hash");
  EXPECT_EQ(fn["self"], 7);
  // Folded stacks carry no files: nothing to resolve, and it says so.
  EXPECT_EQ(fn["files"][0]["file"], "");
  json services = Get("/api/v1/profiles/services");
  EXPECT_EQ(services["services"].size(), 2u) << services;
}

// A JVM profile (async-profiler style: class/method names, no usable file)
// and the repository's .pyroscope.yaml: the app's class maps to its source
// file, the JDK's to openjdk/jdk at a tag.
TEST_F(ProfileRoutesTest, PyroscopeYamlMapsFunctionsToFilesAndRepositories) {
  const std::string sha = "fedcba9876543210fedcba9876543210fedcba98";
  const std::string yaml =
      "version: v1\n"
      "source_code:\n"
      "  mappings:\n"
      "    - function_name:\n"
      "        - prefix: org/example/shop\n"
      "      language: java\n"
      "      source:\n"
      "        local:\n"
      "          path: src/main/java\n"
      "    - function_name:\n"
      "        - prefix: java\n"
      "      language: java\n"
      "      source:\n"
      "        github:\n"
      "          owner: openjdk\n"
      "          repo: jdk\n"
      "          ref: jdk-17+0\n"
      "          path: src/java.base/share/classes\n";
  const std::string java =
      "package org.example.shop;\n\nclass Checkout {\n  int process() {\n    return 1;\n  }\n}\n";
  auto put_blob = [&](const std::string& id, const std::string& text) {
    std::string frame(ZSTD_compressBound(text.size()), '\0');
    frame.resize(ZSTD_compress(frame.data(), frame.size(), text.data(), text.size(), 1));
    ASSERT_TRUE(store_->PutBlob(id, frame, static_cast<int64_t>(text.size()), 10).ok());
  };
  const std::string yaml_blob(40, 'b'), java_blob(40, 'c');
  CommitUpload u;
  u.repository_id = "github.com/acme/jshop";
  u.repository_url = "https://github.com/acme/jshop";
  u.provider = "github";
  u.commit_sha = sha;
  u.uploaded_at = 10;
  u.files = {{".pyroscope.yaml", yaml_blob},
             {"src/main/java/org/example/shop/Checkout.java", java_blob}};
  ASSERT_TRUE(store_->PutCommit(u).ok());
  put_blob(yaml_blob, yaml);
  put_blob(java_blob, java);

  pb::Profile p;
  for (const char* s : {"", "cpu", "nanoseconds", "org/example/shop/Checkout.process",
                        "java/lang/String.hashCode", "Checkout.java", "String.java"})
    p.add_string_table(s);
  pb::ValueType* v = p.add_sample_type();
  v->set_type(1);
  v->set_unit(2);
  for (int i = 0; i < 2; ++i) {
    pb::Function* f = p.add_function();
    f->set_id(i + 1);
    f->set_name(3 + i);
    f->set_filename(5 + i);
    pb::Location* l = p.add_location();
    l->set_id(i + 1);
    pb::Line* ln = l->add_line();
    ln->set_function_id(i + 1);
    ln->set_line(i == 0 ? 5 : 1500);
  }
  pb::Sample* sample = p.add_sample();
  sample->add_location_id(2);  // String.hashCode called by Checkout.process
  sample->add_location_id(1);
  sample->add_value(7);
  auto r =
      Post(IngestPath("jshop{service_repository=github.com/acme/jshop,service_git_ref=" + sha + "}",
                      "&format=pprof"),
           p.SerializeAsString());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;

  json fn =
      Get("/api/v1/profiles/function?service=jshop&type=cpu:nanoseconds&name=org/example/shop/"
          "Checkout.process");
  EXPECT_EQ(fn["source_mappings"], ".pyroscope.yaml");
  const json& app = fn["files"][0];
  EXPECT_EQ(app["resolution"]["path"], "src/main/java/org/example/shop/Checkout.java") << fn;
  EXPECT_THAT(app["resolution"]["mapping"].get<std::string>(), HasSubstr("org/example/shop"));
  EXPECT_EQ(app["lines"], json::parse(R"([{"line":5,"self":0,"total":7}])"));
  ASSERT_TRUE(app.contains("code")) << app;
  EXPECT_EQ(app["code"]["lines"][5 - app["code"]["start_line"].get<int>()], "    return 1;");

  json jdk =
      Get("/api/v1/profiles/function?service=jshop&type=cpu:nanoseconds&name=java/lang/"
          "String.hashCode");
  const json& ext = jdk["files"][0];
  EXPECT_EQ(ext["resolution"]["status"], "external");
  EXPECT_EQ(ext["resolution"]["links"]["file"],
            "https://github.com/openjdk/jdk/blob/jdk-17+0/src/java.base/share/classes/java/lang/"
            "String.java#L1500");
  EXPECT_THAT(ext["code_error"].get<std::string>(), HasSubstr("openjdk/jdk at jdk-17+0"));
}

// Frames outside the repository link to their own source: the Go standard
// library at the Go version its path names, a Go module at its version.
TEST_F(ProfileRoutesTest, StandardLibraryAndModuleFramesLinkToTheirSource) {
  pb::Profile p;
  for (const char* s :
       {"", "cpu", "nanoseconds", "net/http.(*conn).serve",
        "/usr/lib/go-1.19/src/net/http/server.go", "github.com/gorilla/mux.(*Router).ServeHTTP",
        "/root/go/pkg/mod/github.com/gorilla/mux@v1.8.0/mux.go"})
    p.add_string_table(s);
  pb::ValueType* v = p.add_sample_type();
  v->set_type(1);
  v->set_unit(2);
  for (int i = 0; i < 2; ++i) {
    pb::Function* f = p.add_function();
    f->set_id(i + 1);
    f->set_name(3 + 2 * i);
    f->set_filename(4 + 2 * i);
    pb::Location* l = p.add_location();
    l->set_id(i + 1);
    pb::Line* ln = l->add_line();
    ln->set_function_id(i + 1);
    ln->set_line(i == 0 ? 1995 : 210);
  }
  pb::Sample* sample = p.add_sample();
  sample->add_location_id(2);
  sample->add_location_id(1);
  sample->add_value(3);
  auto r = Post(
      IngestPath("gohttp{service_repository=github.com/acme/shop,service_git_ref=" + kSha + "}",
                 "&format=pprof"),
      p.SerializeAsString());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json std_fn =
      Get("/api/v1/profiles/function?service=gohttp&type=cpu:nanoseconds&name=net/"
          "http.(*conn).serve");
  const json& std_res = std_fn["files"][0]["resolution"];
  EXPECT_EQ(std_res["rule"], "runtime") << std_fn;
  EXPECT_EQ(std_res["external"]["link"],
            "https://github.com/golang/go/blob/go1.19/src/net/http/server.go#L1995")
      << std_res;
  json mod_fn =
      Get("/api/v1/profiles/function?service=gohttp&type=cpu:nanoseconds&name=github.com/gorilla/"
          "mux.(*Router).ServeHTTP");
  EXPECT_EQ(mod_fn["files"][0]["resolution"]["external"]["link"],
            "https://github.com/gorilla/mux/blob/v1.8.0/mux.go#L210")
      << mod_fn;
}

// `curl --data-binary @cpu.pprof …/ingest`, as Pyroscope's docs show it,
// sends application/x-www-form-urlencoded: a body past httplib's default
// 8 KiB form limit must still be read as the profile.
TEST_F(ProfileRoutesTest, CurlsFormContentTypeIsReadAsTheProfile) {
  std::string folded;
  for (int i = 0; i < 2000; ++i) folded += "main;handle;step" + std::to_string(i % 7) + " 1\n";
  ASSERT_GT(folded.size(), 8192u);
  auto r =
      Post(IngestPath("curl.cpu", "&format=lines"), folded, "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Get("/api/v1/profiles/flamegraph?service=curl&type=cpu:samples")["total"], 2000);
}

TEST_F(ProfileRoutesTest, BadRequestsSayWhy) {
  auto r = Post("/ingest?from=1", PythonProfile());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_THAT(r->body, HasSubstr("the name parameter is missing"));
  r = Post(IngestPath("shop", "&format=pprof"), "\x0a\xff\xff not a profile");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_THAT(r->body, HasSubstr("the profile of shop"));
  r = Post(IngestPath("shop", "&format=jfr"), "x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_THAT(r->body, HasSubstr("send pprof"));
  r = Post(IngestPath("shop", "&format=pprof"), std::string("\x1f\x8b\x08\x00garbage", 11));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_THAT(r->body, HasSubstr("gzipped profile is corrupt"));
  httplib::Client client("127.0.0.1", port_);
  httplib::MultipartFormDataItems items = {{"other", "x", "", ""}};
  r = client.Post(IngestPath("shop"), items);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_THAT(r->body, HasSubstr("no 'profile' part"));

  Get("/api/v1/profiles/flamegraph?service=shop", 400);
  Get("/api/v1/profiles/flamegraph?service=shop&type=cpu:nanoseconds&max_nodes=1", 400);
  Get("/api/v1/profiles/flamegraph?service=shop&type=cpu:nanoseconds&labels=a%20b", 400);
  Get("/api/v1/profiles/function?service=shop&type=cpu:nanoseconds", 400);
  json missing = Get("/api/v1/profiles/function?service=shop&type=cpu:nanoseconds&name=x", 404);
  EXPECT_THAT(missing["error"]["message"].get<std::string>(), HasSubstr("no cpu:nanoseconds"));
  // The server kept serving.
  EXPECT_EQ(Get("/api/v1/profiles/services")["services"].size(), 0u);
}

}  // namespace
}  // namespace srclink::server
