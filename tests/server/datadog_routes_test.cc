// The Datadog agent routes over loopback: what dd-trace really sends
// (tests/data/dd_trace/) answered as an agent answers, /info, the quiet 404s
// of the agent endpoints srclink does not take, access and overload.
#include "server/datadog_routes.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "ingest/telemetry_sink.h"
#include "server/server.h"

namespace srclink::server {
namespace {

constexpr char kMsgpack[] = "application/msgpack";
constexpr char kRateByService[] = R"({"rate_by_service":{"service:,env:":1}})";

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(SRCLINK_TEST_DATA) + "/dd_trace/" + name, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

class DatadogRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.max_body = 1 << 20;
    ctx_.options = &options_;
    ctx_.telemetry = &sink_;
    ctx_.now = [] { return int64_t{1700000000}; };
    ctx_.authorize = [this](const httplib::Request& req, httplib::Response& res, ApiScope scope) {
      last_scope_ = scope;
      if (req.get_header_value("DD-API-KEY") == "sk_test") return true;
      SendError(res, 401, "unauthenticated", "missing or unknown API key");
      return false;
    };
    // As Server does (server.h): ReadBody, not httplib, decompresses bodies.
    http_.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
      SetAsideBodyHeaders(req);
      return httplib::Server::HandlerResponse::Unhandled;
    });
    RegisterDatadogRoutes(http_, ctx_);
    port_ = http_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    while (!http_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  void TearDown() override {
    http_.stop();
    if (thread_.joinable()) thread_.join();
  }

  // As dd-trace-js sends traces: PUT, msgpack, its meta headers, no key.
  httplib::Result Send(const std::string& method, const std::string& path, const std::string& body,
                       httplib::Headers headers = {}) {
    httplib::Client client("127.0.0.1", port_);
    headers.emplace("X-Datadog-Trace-Count", "5");
    headers.emplace("Datadog-Meta-Lang", "nodejs");
    headers.emplace("Datadog-Meta-Lang-Version", "v20.20.2");
    return method == "PUT" ? client.Put(path, headers, body, kMsgpack)
                           : client.Post(path, headers, body, kMsgpack);
  }

  ServerOptions options_;
  ServerContext ctx_;
  FakeTelemetrySink sink_;
  ApiScope last_scope_ = ApiScope{};
  httplib::Server http_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(DatadogRoutesTest, TakesWhatDdTraceSendsByPutAndPost) {
  options_.agent_no_auth = true;
  struct Case {
    const char* method;
    const char* path;
    const char* fixture;
  };
  for (const Case& c : {Case{"PUT", "/v0.4/traces", "v04_traces.msgpack"},
                        Case{"POST", "/v0.4/traces", "v04_traces.msgpack"},
                        Case{"PUT", "/v0.5/traces", "v05_traces.msgpack"},
                        Case{"POST", "/v0.5/traces", "v05_traces.msgpack"}}) {
    auto r = Send(c.method, c.path, Fixture(c.fixture));
    ASSERT_TRUE(r) << c.method << " " << c.path;
    EXPECT_EQ(r->status, 200) << c.method << " " << c.path << ": " << r->body;
    EXPECT_EQ(r->body, kRateByService);
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  }
  auto batches = sink_.batches();
  ASSERT_EQ(batches.size(), 4u);
  for (const TelemetryBatch& b : batches) {
    EXPECT_EQ(b.spans, 14u);
    ASSERT_EQ(b.errors.size(), 1u);
    EXPECT_EQ(b.errors[0].type, "TypeError");
    // The span's "language" meta wins; the runtime comes from the headers.
    EXPECT_EQ(b.errors[0].service.language, "javascript");
    EXPECT_EQ(b.errors[0].service.runtime_version, "v20.20.2");
  }
  EXPECT_EQ(last_scope_, ApiScope{}) << "no key asked for";
}

TEST_F(DatadogRoutesTest, WithoutAgentTrafficTheyNeedAnUploadKey) {
  auto r = Send("PUT", "/v0.4/traces", Fixture("v04_traces.msgpack"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(sink_.batches().size(), 0u);

  r = Send("PUT", "/v0.4/traces", Fixture("v04_traces.msgpack"), {{"DD-API-KEY", "sk_test"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(last_scope_, kScopeUpload);
  EXPECT_EQ(sink_.batches().size(), 1u);
}

TEST_F(DatadogRoutesTest, InfoAnswersLikeAnAgent) {
  options_.agent_no_auth = true;
  httplib::Client client("127.0.0.1", port_);
  auto r = client.Get("/info");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  nlohmann::json info = nlohmann::json::parse(r->body);
  EXPECT_EQ(info["endpoints"], nlohmann::json({"/v0.4/traces", "/v0.5/traces", "/info"}));
  EXPECT_EQ(info["client_drop_p0s"], false);
  EXPECT_TRUE(info["version"].is_string());
  EXPECT_TRUE(info["feature_flags"].is_array());
  EXPECT_TRUE(info["config"].is_object());
}

TEST_F(DatadogRoutesTest, OtherAgentEndpointsAreQuiet404s) {
  httplib::Client client("127.0.0.1", port_);
  for (const char* path :
       {"/v0.7/config", "/telemetry/proxy/api/v2/apmtelemetry", "/profiling/v1/input",
        "/debugger/v1/input", "/debugger/v2/input", "/debugger/v1/diagnostics",
        "/evp_proxy/v2/api/v2/citestcycle", "/evp_proxy/v4/api/v2/exposures", "/dogstatsd/v2/proxy",
        "/v0.1/pipeline_stats", "/tracer_flare/v1"}) {
    auto r = client.Post(path, "{}", "application/json");
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_EQ(r->body, "{}") << path;
  }
  auto r = client.Put("/v0.6/stats", "", kMsgpack);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "{}");
}

TEST_F(DatadogRoutesTest, BadBodiesAndTypesSayWhy) {
  options_.agent_no_auth = true;
  auto r = Send("PUT", "/v0.4/traces", "\x81");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(nlohmann::json::parse(r->body)["error"]["message"],
            "v0.4 traces: at byte 0: expected an array of traces, got a map (0x81)");

  httplib::Client client("127.0.0.1", port_);
  r = client.Put("/v0.4/traces", "[]", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
  EXPECT_EQ(nlohmann::json::parse(r->body)["error"]["message"],
            "/v0.4/traces takes application/msgpack (as Datadog tracers send it), got "
            "Content-Type \"application/json\"");

  r = Send("PUT", "/v0.4/traces", std::string(options_.max_body + 1, '\x90'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(sink_.batches().size(), 0u);
}

TEST_F(DatadogRoutesTest, OverloadedSinkAnswers503WithRetryAfter) {
  options_.agent_no_auth = true;
  sink_.fail_with = Status::Unavailable("telemetry queue is full (10000 batches)");
  auto r = Send("PUT", "/v0.4/traces", Fixture("v04_traces.msgpack"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->get_header_value("Retry-After"), "1");
  EXPECT_EQ(nlohmann::json::parse(r->body)["error"]["message"],
            "telemetry queue is full (10000 batches)");
}

}  // namespace
}  // namespace srclink::server
