// POST /v1/traces and /v1/logs over loopback: status codes and bodies per the
// OTLP/HTTP specification, in both encodings, with a FakeTelemetrySink.
#include "server/otlp_routes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "google/rpc/status.pb.h"
#include "ingest/telemetry_sink.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "server/server.h"

namespace srclink::server {
namespace {

using ::testing::HasSubstr;
namespace collector_trace = opentelemetry::proto::collector::trace::v1;
namespace collector_logs = opentelemetry::proto::collector::logs::v1;

constexpr char kProtobuf[] = "application/x-protobuf";
constexpr char kJson[] = "application/json";

// Two spans of "checkout"; the second has a span_id of 3 bytes when `bad`.
std::string TracesProtobuf(bool bad = false) {
  collector_trace::ExportTraceServiceRequest req;
  auto* rs = req.add_resource_spans();
  auto* kv = rs->mutable_resource()->add_attributes();
  kv->set_key("service.name");
  kv->mutable_value()->set_string_value("checkout");
  auto* ss = rs->add_scope_spans();
  for (int i = 0; i < 2; ++i) {
    auto* s = ss->add_spans();
    s->set_trace_id(std::string(16, '\x01'));
    s->set_span_id(bad && i == 1 ? std::string(3, '\x02')
                                 : std::string(8, static_cast<char>(2 + i)));
    s->set_name("GET /");
    s->set_kind(opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER);
  }
  return req.SerializeAsString();
}

std::string TracesJson(bool bad = false) {
  return std::string(R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name",)"
                     R"("value":{"stringValue":"checkout"}}]},"scopeSpans":[{"spans":[)"
                     R"({"traceId":"01010101010101010101010101010101","spanId":"0202020202020202",)"
                     R"("name":"GET /","kind":2},)"
                     R"({"traceId":"01010101010101010101010101010101","spanId":")") +
         (bad ? "020202" : "0303030303030303") + R"(","name":"GET /","kind":2}]}]}]})";
}

std::string LogsJson() {
  return R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[)"
         R"({"attributes":[{"key":"exception.type","value":{"stringValue":"E"}}]},)"
         R"({"spanId":"00","attributes":[]}]}]}]})";
}

class OtlpRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.max_body = 4096;
    ctx_.options = &options_;
    ctx_.telemetry = &sink_;
    ctx_.now = [] { return int64_t{1700000000}; };
    ctx_.authorize = [this](const httplib::Request& req, httplib::Response& res, ApiScope scope) {
      last_scope_ = scope;
      if (req.get_header_value("Authorization") == "Bearer sk_test") return true;
      SendError(res, 401, "unauthenticated", "missing or unknown API key");
      return false;
    };
    // As Server does (server.h): ReadBody, not httplib, decompresses bodies.
    http_.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
      SetAsideBodyHeaders(req);
      return httplib::Server::HandlerResponse::Unhandled;
    });
    RegisterOtlpRoutes(http_, ctx_);
    port_ = http_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    while (!http_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  void TearDown() override {
    http_.stop();
    if (thread_.joinable()) thread_.join();
  }

  httplib::Result Post(const std::string& path, const std::string& body,
                       const std::string& content_type, httplib::Headers headers = {}) {
    httplib::Client client("127.0.0.1", port_);
    headers.emplace("Authorization", "Bearer sk_test");
    return client.Post(path, headers, body, content_type);
  }

  // A protobuf google.rpc.Status body as "code: message".
  static std::string RpcStatus(const std::string& body) {
    google::rpc::Status status;
    if (!status.ParseFromString(body)) return "not a google.rpc.Status";
    return std::to_string(status.code()) + ": " + status.message();
  }

  ServerOptions options_;
  ServerContext ctx_;
  FakeTelemetrySink sink_;
  ApiScope last_scope_ = ApiScope{};
  httplib::Server http_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(OtlpRoutesTest, AcceptsProtobufTraces) {
  auto r = Post("/v1/traces", TracesProtobuf(), kProtobuf);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), kProtobuf);
  EXPECT_EQ(r->body, "");  // an ExportTraceServiceResponse without partial_success
  EXPECT_EQ(last_scope_, kScopeUpload);
  auto batches = sink_.batches();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].spans, 2u);
  ASSERT_EQ(batches[0].entries.size(), 2u);
  EXPECT_EQ(batches[0].entries[0].service.service, "checkout");
  EXPECT_EQ(batches[0].entries[0].trace_id, "01010101010101010101010101010101");
}

TEST_F(OtlpRoutesTest, AcceptsJsonTracesWithCharset) {
  auto r = Post("/v1/traces", TracesJson(), "application/json; charset=utf-8");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), kJson);
  EXPECT_EQ(r->body, "{}");
  ASSERT_EQ(sink_.batches().size(), 1u);
  EXPECT_EQ(sink_.batches()[0].entries.size(), 2u);
}

TEST_F(OtlpRoutesTest, PartialSuccessInBothEncodings) {
  auto r = Post("/v1/traces", TracesJson(true), kJson);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body,
            R"({"partialSuccess":{"rejectedSpans":"1","errorMessage":"1 of 2 items rejected as )"
            R"x(malformed: resource 0 span 1: span_id is 3 bytes, want 8 (16 hex digits)"}})x");

  r = Post("/v1/traces", TracesProtobuf(true), kProtobuf);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  collector_trace::ExportTraceServiceResponse response;
  ASSERT_TRUE(response.ParseFromString(r->body));
  EXPECT_EQ(response.partial_success().rejected_spans(), 1);
  EXPECT_EQ(response.partial_success().error_message(),
            "1 of 2 items rejected as malformed: resource 0 span 1: span_id is 3 bytes, want 8 "
            "(16 hex digits)");
  EXPECT_EQ(sink_.batches().size(), 2u);  // the valid span is kept
}

TEST_F(OtlpRoutesTest, Logs) {
  auto r = Post("/v1/logs", LogsJson(), kJson);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(
      r->body,
      R"({"partialSuccess":{"rejectedLogRecords":"1","errorMessage":"1 of 2 items rejected )"
      R"x(as malformed: resource 0 log record 1: span_id is 1 bytes, want 8 (16 hex digits)"}})x");
  ASSERT_EQ(sink_.batches().size(), 1u);
  EXPECT_EQ(sink_.batches()[0].errors.size(), 1u);

  collector_logs::ExportLogsServiceRequest req;
  auto* record = req.add_resource_logs()->add_scope_logs()->add_log_records();
  record->set_span_id("x");
  r = Post("/v1/logs", req.SerializeAsString(), kProtobuf);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  collector_logs::ExportLogsServiceResponse response;
  ASSERT_TRUE(response.ParseFromString(r->body));
  EXPECT_EQ(response.partial_success().rejected_log_records(), 1);
}

TEST_F(OtlpRoutesTest, MalformedBodiesAre400WithStatus) {
  auto r = Post("/v1/traces", "\x0a\x09", kProtobuf);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->get_header_value("Content-Type"), kProtobuf);
  EXPECT_THAT(RpcStatus(r->body),
              HasSubstr("3: request body is not a valid protobuf ExportTraceServiceRequest: length "
                        "9 runs past the end of the message (0 bytes left) at byte 0"));

  r = Post("/v1/logs", "{\"resourceLogs\":", kJson);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  auto body = nlohmann::json::parse(r->body);
  EXPECT_EQ(body["code"], 3);
  EXPECT_THAT(body["message"].get<std::string>(), HasSubstr("request body is not valid JSON: "));
  EXPECT_TRUE(sink_.batches().empty());
}

TEST_F(OtlpRoutesTest, UnsupportedContentTypeIs415) {
  auto r = Post("/v1/traces", "x", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
  EXPECT_EQ(r->body,
            R"({"code":3,"message":"Content-Type \"text/plain\" is not supported on /v1/traces; )"
            R"(send OTLP as application/x-protobuf or application/json"})");
  r = Post("/v1/traces", TracesJson(), kJson, {{"Content-Encoding", "br"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
  EXPECT_THAT(r->body, HasSubstr(R"("message":"Content-Encoding \"br\" is not supported)"));
}

TEST_F(OtlpRoutesTest, GzipBodies) {
  std::string body = TracesProtobuf();
  std::string gz;
  httplib::detail::gzip_compressor compressor;
  ASSERT_TRUE(compressor.compress(body.data(), body.size(), true, [&](const char* data, size_t n) {
    gz.append(data, n);
    return true;
  }));
  auto r = Post("/v1/traces", gz, kProtobuf, {{"Content-Encoding", "gzip"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_EQ(sink_.batches().size(), 1u);
  EXPECT_EQ(sink_.batches()[0].spans, 2u);

  r = Post("/v1/traces", "not gzip", kJson, {{"Content-Encoding", "gzip"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_THAT(r->body, HasSubstr(R"({"code":3,"message":"the request body is not valid gzip)"));
}

TEST_F(OtlpRoutesTest, OverTheSizeLimitIs413) {
  std::string big(5000, ' ');
  auto r = Post("/v1/traces", big, kJson);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->body,
            R"({"code":8,"message":"request body of 5000 bytes exceeds the limit of 4096 bytes )"
            R"x((--max-body); send smaller batches or raise the server's --max-body"})x");
  r = Post("/v1/logs", big, kProtobuf);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_THAT(RpcStatus(r->body), HasSubstr("8: request body of 5000 bytes exceeds the limit"));
}

TEST_F(OtlpRoutesTest, UnknownKeyIs401WithStatus) {
  httplib::Client client("127.0.0.1", port_);
  auto r = client.Post("/v1/traces", TracesProtobuf(), kProtobuf);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(RpcStatus(r->body), "16: missing or unknown API key");
  EXPECT_TRUE(sink_.batches().empty());
}

TEST_F(OtlpRoutesTest, OverloadedSinkIs503WithRetryAfter) {
  sink_.fail_with = Status::Unavailable("telemetry queue is full");
  auto r = Post("/v1/traces", TracesJson(), kJson);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->get_header_value("Retry-After"), "5");
  EXPECT_EQ(r->body, R"({"code":14,"message":"telemetry queue is full"})");

  r = Post("/v1/logs", "", kProtobuf);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(RpcStatus(r->body), "14: telemetry queue is full");
}

TEST_F(OtlpRoutesTest, SinkFailureIs500AndNoSinkIs503) {
  sink_.fail_with = Status::Internal("disk on fire");
  auto r = Post("/v1/traces", TracesJson(), kJson);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(nlohmann::json::parse(r->body)["code"], 13);

  ctx_.telemetry = nullptr;
  r = Post("/v1/traces", TracesJson(), kJson);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->get_header_value("Retry-After"), "5");
  EXPECT_EQ(r->body, R"({"code":14,"message":"telemetry ingest is not enabled on this server"})");
}

}  // namespace
}  // namespace srclink::server
