// The web UI's routes: pages, embedded assets, caching and refusals.
#include "server/ui_routes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "server/server.h"
#include "server/ui_assets.h"
#include "store/sqlite_store.h"

namespace srclink::server {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class UiRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("srclink-ui-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    auto store = OpenSqliteStore((dir_ / "srclink.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Migrate().ok());
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_.string();
    server_ = std::make_unique<Server>(options, store_.get(), [](std::string_view) {});
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }
  void TearDown() override {
    server_->Stop();
    server_->Wait();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST(UiAssetsTest, TheBundledUiIsEmbedded) {
  for (const char* name : {"index.html", "app.js", "app.css"}) {
    const UiAsset* a = FindUiAsset(name);
    ASSERT_NE(a, nullptr) << name;
    EXPECT_GT(a->body.size(), 100u) << name;
    EXPECT_THAT(std::string(a->etag), StartsWith("\"")) << name;
  }
  EXPECT_THAT(std::string(FindUiAsset("index.html")->body), HasSubstr("/ui/assets/app.js"));
  EXPECT_EQ(FindUiAsset("nope.js"), nullptr);
}

TEST_F(UiRoutesTest, RootRedirectsToTheErrorsPage) {
  auto r = client_->Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 302);
  EXPECT_EQ(r->get_header_value("Location"), "/ui/errors");
}

// Every UI path is the same page, without a key, with a strict CSP.
TEST_F(UiRoutesTest, PagesAreServedWithoutAKeyAndWithACsp) {
  for (const char* path : {"/ui", "/ui/errors", "/ui/errors/7", "/ui/profiles",
                           "/ui/repositories/github.com%2Facme%2Fshop"}) {
    auto r = client_->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_THAT(r->get_header_value("Content-Type"), StartsWith("text/html")) << path;
    EXPECT_THAT(r->get_header_value("Content-Security-Policy"), HasSubstr("script-src 'self'"))
        << path;
    EXPECT_THAT(r->body, HasSubstr("<main id=\"app\">")) << path;
  }
  // The API itself still needs a key.
  auto api = client_->Get("/api/v1/errors");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 401);
}

TEST_F(UiRoutesTest, AssetsCarryTheirTypeAndRevalidateByEtag) {
  auto r = client_->Get("/ui/assets/app.js");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-cache");
  const std::string etag = r->get_header_value("ETag");
  EXPECT_EQ(r->body, std::string(FindUiAsset("app.js")->body));

  auto again = client_->Get("/ui/assets/app.js", {{"If-None-Match", etag}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());

  auto css = client_->Get("/ui/assets/app.css", {{"If-None-Match", "\"stale\""}});
  ASSERT_TRUE(css);
  EXPECT_EQ(css->status, 200);
  EXPECT_EQ(css->get_header_value("Content-Type"), "text/css; charset=utf-8");
}

// Browsers accept br; httplib's brotli is far slower than gzip, so gzip it is.
TEST_F(UiRoutesTest, BrowsersGetGzipNotBrotli) {
  for (const char* accept : {"gzip, deflate, br, zstd", "br;q=1.0, gzip;q=0.8", "br"}) {
    auto r = client_->Get("/ui/assets/app.js", {{"Accept-Encoding", accept}});
    ASSERT_TRUE(r) << accept;
    EXPECT_EQ(r->status, 200) << accept;
    EXPECT_NE(r->get_header_value("Content-Encoding"), "br") << accept;
  }
  auto r = client_->Get("/ui/assets/app.js", {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_header_value("Content-Encoding"), "gzip");
}

TEST_F(UiRoutesTest, UnknownAssetsAreJson404s) {
  for (const char* path : {"/ui/assets/nope.js", "/ui/assets/index.html",
                           "/ui/assets/../../etc/passwd", "/ui/assets/%2e%2e%2fsrclink.db"}) {
    auto r = client_->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_THAT(r->body, HasSubstr("\"not_found\"")) << path;
  }
}

}  // namespace
}  // namespace srclink::server
