// The telemetry path after decoding: TelemetryAggregator groups errors and
// counts entry spans, flushes to a real SQLite TelemetryStore, and the
// telemetry routes serve them with frames resolved at the uploaded commit
// (the event's own git tags, or what was learnt for the service).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <zstd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "server/blob_cache.h"
#include "server/commit_cache.h"
#include "server/server_context.h"
#include "server/telemetry_aggregator.h"
#include "server/telemetry_routes.h"
#include "store/sqlite_store.h"
#include "store/telemetry_store.h"

namespace srclink::server {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using ::testing::HasSubstr;

const std::string kSha = "0123456789abcdef0123456789abcdef01234567";
const std::string kBlob = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

std::shared_ptr<const GitAttributes> Git(const std::string& url, const std::string& sha) {
  auto g = std::make_shared<GitAttributes>();
  if (!url.empty()) g->attributes.emplace_back("git.repository_url", url);
  if (!sha.empty()) g->attributes.emplace_back("git.commit.sha", sha);
  return g;
}

ErrorEvent PythonError(const std::string& order_id, std::shared_ptr<const GitAttributes> git) {
  ErrorEvent e;
  e.service = {"shop", "1.4.0", "prod", "python", "3.11.4"};
  e.git = std::move(git);
  e.time_unix_nano = 1700000000000000000;
  e.type = "ValueError";
  e.message = "bad order " + order_id;
  e.stack =
      "Traceback (most recent call last):\n"
      "  File \"/srv/app/shop/views.py\", line 3, in checkout\n"
      "  File \"/usr/lib/python3.11/json/decoder.py\", line 337, in decode\n"
      "ValueError: bad order " +
      order_id + "\n";
  e.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  e.source = "otlp-span-event";
  return e;
}

class TelemetryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("srclink-telemetry-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    std::string db = (dir_ / "srclink.db").string();
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
    u.source = "srclink";
    u.uploaded_at = 10;
    u.files = {{"shop/views.py", kBlob}, {"shop/api.py", ""}};
    ASSERT_TRUE(store_->PutCommit(u).ok());
    const std::string text = "import json\n\ndef checkout(order):\n    return json.loads(order)\n";
    std::string frame(ZSTD_compressBound(text.size()), '\0');
    frame.resize(ZSTD_compress(frame.data(), frame.size(), text.data(), text.size(), 1));
    ASSERT_TRUE(store_->PutBlob(kBlob, frame, static_cast<int64_t>(text.size()), 10).ok());

    options_.no_auth = true;
    commits_ = std::make_unique<CommitCache>(store_.get(), 4);
    blobs_ = std::make_unique<BlobCache>(store_.get(), 1 << 20);
    ctx_.options = &options_;
    ctx_.store = store_.get();
    ctx_.commits = commits_.get();
    ctx_.blobs = blobs_.get();
    ctx_.telemetry_store = telemetry_.get();
    ctx_.now = [this] { return now_.load(); };
    RegisterTelemetryRoutes(http_, ctx_);
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

  json Get(const std::string& path, int want = 200) {
    httplib::Client client("127.0.0.1", port_);
    auto r = client.Get(path);
    if (!r) {
      ADD_FAILURE() << "no answer for " << path;
      return json();
    }
    EXPECT_EQ(r->status, want) << path << ": " << r->body;
    return json::parse(r->body, nullptr, false);
  }

  TelemetryAggregator Aggregator(size_t max_pending = 1000) {
    TelemetryAggregatorOptions o;
    o.max_pending = max_pending;
    return TelemetryAggregator(telemetry_.get(), nullptr, o, [] { return int64_t{1700000000000}; });
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<TelemetryStore> telemetry_;
  ServerOptions options_;
  std::unique_ptr<CommitCache> commits_;
  std::unique_ptr<BlobCache> blobs_;
  std::atomic<int64_t> now_{1700000000};  // the server's clock, unix seconds
  ServerContext ctx_;
  httplib::Server http_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(TelemetryTest, ErrorsAreGroupedAndTheirFramesResolvedWithCode) {
  TelemetryAggregatorOptions o;
  TelemetryAggregator aggregator(telemetry_.get(), nullptr, o, [] { return int64_t{1}; });
  TelemetryBatch batch;
  batch.errors.push_back(PythonError("17", Git("https://github.com/acme/shop.git", kSha)));
  batch.errors.push_back(PythonError("42", Git("https://github.com/acme/shop.git", kSha)));
  ErrorEvent other = PythonError("1", nullptr);
  other.type = "KeyError";
  batch.errors.push_back(other);
  ASSERT_TRUE(aggregator.Accept(std::move(batch)).ok());
  ASSERT_TRUE(aggregator.Flush().ok());

  json list = Get("/api/v1/errors?service=shop");
  ASSERT_EQ(list["errors"].size(), 2u) << list;
  json value_error =
      list["errors"][0]["type"] == "ValueError" ? list["errors"][0] : list["errors"][1];
  EXPECT_EQ(value_error["count"], 2);
  EXPECT_EQ(value_error["versions"][0]["version"], "1.4.0");
  EXPECT_EQ(value_error["language"], "python");

  json detail = Get("/api/v1/errors/" + std::to_string(value_error["id"].get<int64_t>()));
  const json& event = detail["events"][0];
  EXPECT_EQ(event["message"], "bad order 42");
  EXPECT_EQ(event["resolved_at"]["commit"], kSha) << event;
  const json& frames = event["exceptions"][0]["frames"];
  ASSERT_EQ(frames.size(), 2u) << event;
  EXPECT_EQ(frames[0]["resolution"]["status"], "resolved") << frames[0];
  EXPECT_EQ(frames[0]["resolution"]["path"], "shop/views.py");
  EXPECT_EQ(frames[0]["resolution"]["links"]["file"],
            "https://github.com/acme/shop/blob/" + kSha + "/shop/views.py#L3");
  EXPECT_EQ(frames[0]["resolution"]["snippet"]["line"], 3);
  EXPECT_EQ(frames[0]["resolution"]["snippet"]["lines"][2], "def checkout(order):");
  // The standard library frame links to CPython at 3.11.
  EXPECT_EQ(frames[1]["in_app"], false);
  EXPECT_EQ(frames[1]["resolution"]["external"]["link"],
            "https://github.com/python/cpython/blob/3.11/Lib/json/decoder.py#L337")
      << frames[1].dump();

  // Filters and bad parameters.
  EXPECT_EQ(Get("/api/v1/errors?service=other")["errors"].size(), 0u);
  EXPECT_EQ(Get("/api/v1/errors?q=keyerror")["errors"].size(), 1u);
  json bad = Get("/api/v1/errors?limit=0", 400);
  EXPECT_EQ(bad["error"]["field"], "limit");
  Get("/api/v1/errors/999", 404);
  Get("/api/v1/errors/abc", 400);
}

// The server's clock is 1700000000 s (22:13:20 UTC): the current hour starts
// at 1699999200000 ms and is "hourly"[23].
TEST_F(TelemetryTest, HourlyCountsOfTheLastDayEndWithTheCurrentHour) {
  constexpr int64_t kNowNs = 1700000000000000000;
  constexpr int64_t kHourNs = 3600 * int64_t{1000000000};
  TelemetryAggregator aggregator = Aggregator();
  TelemetryBatch batch;
  auto at = [](int64_t ns, const std::string& order) {
    ErrorEvent e = PythonError(order, nullptr);
    e.time_unix_nano = ns;
    return e;
  };
  batch.errors.push_back(at(kNowNs, "1"));                        // [23]
  batch.errors.push_back(at(kNowNs - 13 * 60'000'000'000, "2"));  // 22:00:20, still [23]
  batch.errors.push_back(at(kNowNs - 2 * kHourNs, "3"));          // [21]
  batch.errors.push_back(at(kNowNs - 23 * kHourNs, "4"));         // [0]
  batch.errors.push_back(at(kNowNs - 24 * kHourNs, "5"));         // before the window
  batch.errors.push_back(at(kNowNs + kHourNs, "6"));              // after the server's hour
  ErrorEvent other = at(kNowNs - 5 * kHourNs, "7");               // another group: its own [18]
  other.type = "KeyError";
  batch.errors.push_back(other);
  ASSERT_TRUE(aggregator.Accept(std::move(batch)).ok());
  ASSERT_TRUE(aggregator.Flush().ok());

  auto expected = [](std::map<int, int64_t> counts) {
    json hourly = json::array();
    for (int i = 0; i < 24; ++i) hourly.push_back(counts.count(i) ? counts[i] : 0);
    return hourly;
  };
  json list = Get("/api/v1/errors");
  ASSERT_EQ(list["errors"].size(), 2u) << list;
  json value_error =
      list["errors"][0]["type"] == "ValueError" ? list["errors"][0] : list["errors"][1];
  json key_error = list["errors"][0]["type"] == "KeyError" ? list["errors"][0] : list["errors"][1];
  EXPECT_EQ(value_error["count"], 6);
  EXPECT_EQ(value_error["hourly"], expected({{0, 1}, {21, 1}, {23, 2}})) << value_error;
  EXPECT_EQ(key_error["hourly"], expected({{18, 1}})) << key_error;
  const std::string detail_path =
      "/api/v1/errors/" + std::to_string(value_error["id"].get<int64_t>());
  EXPECT_EQ(Get(detail_path)["hourly"], expected({{0, 1}, {21, 1}, {23, 2}}));

  // An hour later, the window has moved by one.
  now_ = 1700000000 + 3600;
  EXPECT_EQ(Get(detail_path)["hourly"], expected({{20, 1}, {22, 2}, {23, 1}}));
  now_ = 1700000000;

  // Retention an hour back (cutoff 21:13:20) forgets the hours that ended by
  // then — [21] and [0] — and the KeyError group, last seen before it.
  Result<int64_t> removed = telemetry_->CollectTelemetry(1700000000000 - 3600000);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  list = Get("/api/v1/errors");
  ASSERT_EQ(list["errors"].size(), 1u) << list;
  EXPECT_EQ(list["errors"][0]["hourly"], expected({{23, 2}})) << list;
  EXPECT_EQ(Get(detail_path)["hourly"], expected({{23, 2}}));
}

TEST_F(TelemetryTest, LearntTagsResolveErrorsWithoutTagsAndCodeOrigins) {
  TelemetryAggregator aggregator = Aggregator();
  TelemetryBatch batch;
  EntrySpan span;
  span.service = {"shop", "1.4.0", "prod", "python", ""};
  span.git = Git("github.com/acme/shop", kSha.substr(0, 12));
  span.resource = "POST /checkout";
  span.trace_id = "abc123";
  span.time_unix_nano = 1700000000000000000;
  span.origin.push_back({Frame{"/srv/app/shop/views.py", 3, 0, "checkout", ""}, "Views"});
  batch.entries.push_back(span);
  span.error = true;
  batch.entries.push_back(span);
  EntrySpan no_origin = span;
  no_origin.resource = "GET /health";
  no_origin.origin.clear();
  batch.entries.push_back(no_origin);
  batch.errors.push_back(PythonError("5", nullptr));  // no tags of its own
  ASSERT_TRUE(aggregator.Accept(std::move(batch)).ok());
  ASSERT_TRUE(aggregator.Flush().ok());

  json origins = Get("/api/v1/code-origins?service=shop&snippets=true");
  ASSERT_EQ(origins["code_origins"].size(), 2u) << origins;
  const json& checkout = origins["code_origins"][0];
  EXPECT_EQ(checkout["resource"], "POST /checkout");
  EXPECT_EQ(checkout["requests"], 2);
  EXPECT_EQ(checkout["errors"], 1);
  EXPECT_EQ(checkout["latest_trace_id"], "abc123");
  EXPECT_EQ(checkout["frame"]["resolution"]["path"], "shop/views.py") << checkout;
  EXPECT_EQ(checkout["git"]["commit"], kSha);  // the short SHA, resolved
  EXPECT_THAT(origins["code_origins"][1]["origin_error"].get<std::string>(),
              HasSubstr("DD_CODE_ORIGIN_FOR_SPANS_ENABLED=true"));

  json list = Get("/api/v1/errors");
  ASSERT_EQ(list["errors"].size(), 1u);
  json detail = Get("/api/v1/errors/" + std::to_string(list["errors"][0]["id"].get<int64_t>()));
  const json& event = detail["events"][0];
  EXPECT_THAT(event["resolved_at"]["source"].get<std::string>(), HasSubstr("learnt from shop"));
  EXPECT_EQ(event["exceptions"][0]["frames"][0]["resolution"]["path"], "shop/views.py");

  json services = Get("/api/v1/services");
  ASSERT_EQ(services["services"].size(), 1u);
  EXPECT_EQ(services["services"][0]["git"]["repository_url"], "github.com/acme/shop");
}

TEST_F(TelemetryTest, ResolveByServiceUsesTheLearntTags) {
  TelemetryAggregator aggregator = Aggregator();
  TelemetryBatch batch;
  EntrySpan span;
  span.service = {"shop", "1.4.0", "prod", "python", ""};
  span.git = Git("github.com/acme/shop", kSha);
  span.resource = "GET /";
  batch.entries.push_back(span);
  ASSERT_TRUE(aggregator.Accept(std::move(batch)).ok());
  ASSERT_TRUE(aggregator.Flush().ok());
  CommitCache commits(store_.get(), 4);
  ServerContext ctx = ctx_;
  httplib::Server http;
  RegisterReadRoutes(http, ctx);
  int port = http.bind_to_any_port("127.0.0.1");
  std::thread t([&] { http.listen_after_bind(); });
  while (!http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  httplib::Client client("127.0.0.1", port);
  auto r = client.Post("/api/v1/resolve",
                       R"({"service": "shop", "version": "9.9", "snippets": true,
                           "frames": [{"file": "/srv/app/shop/views.py", "line": 3}]})",
                       "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  json answer = json::parse(r->body);
  EXPECT_EQ(answer["commit_sha"], kSha);
  EXPECT_EQ(answer["frames"][0]["path"], "shop/views.py");
  EXPECT_EQ(answer["frames"][0]["snippet"]["lines"][2], "def checkout(order):");
  auto unknown =
      client.Post("/api/v1/resolve", R"({"service": "nope", "frames": []})", "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_THAT(unknown->body, HasSubstr("no git tags were learnt for service"));
  http.stop();
  t.join();
}

TEST_F(TelemetryTest, UnresolvableFramesSayWhy) {
  TelemetryAggregator aggregator = Aggregator();
  TelemetryBatch batch;
  ErrorEvent e =
      PythonError("1", Git("github.com/acme/shop", "fedcba9876543210fedcba9876543210fedcba98"));
  e.service.service = "billing";
  batch.errors.push_back(e);
  ASSERT_TRUE(aggregator.Accept(std::move(batch)).ok());
  ASSERT_TRUE(aggregator.Flush().ok());
  json list = Get("/api/v1/errors?service=billing");
  json detail = Get("/api/v1/errors/" + std::to_string(list["errors"][0]["id"].get<int64_t>()));
  const json& frame = detail["events"][0]["exceptions"][0]["frames"][0];
  EXPECT_EQ(frame["resolution"]["status"], "unavailable");
  EXPECT_THAT(frame["resolution"]["explanation"].get<std::string>(), HasSubstr("was not uploaded"));
}

TEST_F(TelemetryTest, OverloadIsRefusedAndNothingIsLost) {
  TelemetryAggregator aggregator = Aggregator(/*max_pending=*/1);
  TelemetryBatch one;
  one.errors.push_back(PythonError("1", nullptr));
  ASSERT_TRUE(aggregator.Accept(one).ok());
  Status refused = aggregator.Accept(one);
  EXPECT_EQ(refused.code(), Status::Code::kUnavailable);
  EXPECT_EQ(aggregator.counts().refused, 1);
  ASSERT_TRUE(aggregator.Flush().ok());
  EXPECT_TRUE(aggregator.Accept(one).ok());  // room again after the flush
  ASSERT_TRUE(aggregator.Flush().ok());
  json list = Get("/api/v1/errors");
  ASSERT_EQ(list["errors"].size(), 1u);
  EXPECT_EQ(list["errors"][0]["count"], 2);
}

TEST_F(TelemetryTest, BackgroundFlushAndStopFlushesTheRest) {
  TelemetryAggregatorOptions o;
  o.flush_interval = std::chrono::milliseconds(20);
  TelemetryAggregator aggregator(telemetry_.get(), nullptr, o, [] { return int64_t{1}; });
  aggregator.Start();
  TelemetryBatch batch;
  batch.errors.push_back(PythonError("1", nullptr));
  ASSERT_TRUE(aggregator.Accept(batch).ok());
  aggregator.Stop();
  EXPECT_EQ(Get("/api/v1/errors")["errors"].size(), 1u);
  EXPECT_GE(aggregator.counts().flushes, 1);
}

}  // namespace
}  // namespace srclink::server
