// DecodeOtlpTraces / DecodeOtlpLogs: tables of requests (protobuf built with
// the generated classes of proto/, JSON as text) and their one-line dumps.
#include "ingest/otlp.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace srclink {
namespace {

using ::testing::HasSubstr;
namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;
namespace logs = opentelemetry::proto::logs::v1;
using opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;
using opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;

using Attrs = std::vector<std::pair<std::string, std::string>>;  // "#42" is an int value

void SetAttrs(google::protobuf::RepeatedPtrField<common::KeyValue>* out, const Attrs& attrs) {
  for (const auto& [k, v] : attrs) {
    common::KeyValue* kv = out->Add();
    kv->set_key(k);
    if (!v.empty() && v[0] == '#')
      kv->mutable_value()->set_int_value(std::stoll(v.substr(1)));
    else
      kv->mutable_value()->set_string_value(v);
  }
}

std::string Bytes(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

constexpr char kTrace[] = "0af7651916cd43dd8448eb211c80319c";
constexpr char kSpanA[] = "b7ad6b7169203331";
constexpr char kSpanB[] = "00f067aa0ba902b7";

struct SpanSpec {
  std::string name = "GET /users/:id";
  int kind = 2;
  std::string trace_id = Bytes(kTrace);
  std::string span_id = Bytes(kSpanA);
  std::string parent;
  Attrs attrs;
  std::vector<Attrs> exceptions;  // exception events' attributes
  bool error = false;
};

trace::ResourceSpans* AddResource(ExportTraceServiceRequest* req, const Attrs& attrs) {
  trace::ResourceSpans* rs = req->add_resource_spans();
  SetAttrs(rs->mutable_resource()->mutable_attributes(), attrs);
  return rs;
}

void AddSpan(trace::ScopeSpans* ss, const SpanSpec& spec) {
  trace::Span* s = ss->add_spans();
  s->set_trace_id(spec.trace_id);
  s->set_span_id(spec.span_id);
  s->set_parent_span_id(spec.parent);
  s->set_name(spec.name);
  s->set_kind(static_cast<trace::Span::SpanKind>(spec.kind));
  s->set_start_time_unix_nano(1000);
  s->set_end_time_unix_nano(1500);
  SetAttrs(s->mutable_attributes(), spec.attrs);
  for (const Attrs& ex : spec.exceptions) {
    trace::Span::Event* e = s->add_events();
    e->set_name("exception");
    e->set_time_unix_nano(1200);
    SetAttrs(e->mutable_attributes(), ex);
  }
  trace::Span::Event* other = s->add_events();
  other->set_name("cache.miss");
  SetAttrs(other->mutable_attributes(), {{"exception.type", "NotAnError"}});
  if (spec.error) s->mutable_status()->set_code(trace::Status::STATUS_CODE_ERROR);
}

const Attrs kCheckout = {{"service.name", "checkout"},
                         {"service.version", "1.4.2"},
                         {"deployment.environment.name", "prod"},
                         {"telemetry.sdk.language", "nodejs"},
                         {"process.runtime.version", "20.20.2"},
                         {"vcs.repository.url.full", "https://github.com/acme/shop"},
                         {"vcs.ref.head.revision", "3f2c9a1b7d4e5f60718293a4b5c6d7e8f9012345"},
                         {"host.name", "web-1"}};

std::string Traces(const std::vector<SpanSpec>& spans, const Attrs& resource = kCheckout) {
  ExportTraceServiceRequest req;
  trace::ScopeSpans* ss = AddResource(&req, resource)->add_scope_spans();
  ss->mutable_scope()->set_name("otel-app");
  for (const SpanSpec& s : spans) AddSpan(ss, s);
  return req.SerializeAsString();
}

std::string Dump(std::string_view body, OtlpEncoding encoding = OtlpEncoding::kProtobuf) {
  Result<TelemetryBatch> batch = DecodeOtlpTraces(body, encoding);
  if (!batch.ok()) return "ERROR " + batch.status().message();
  return DumpTelemetryBatch(*batch);
}

std::string DumpLogs(std::string_view body, OtlpEncoding encoding = OtlpEncoding::kProtobuf) {
  Result<TelemetryBatch> batch = DecodeOtlpLogs(body, encoding);
  if (!batch.ok()) return "ERROR " + batch.status().message();
  return DumpTelemetryBatch(*batch);
}

const std::string kService =
    "checkout@1.4.2 env=prod lang=nodejs runtime=20.20.2 "
    "git={vcs.repository.url.full=https://github.com/acme/shop,"
    "vcs.ref.head.revision=3f2c9a1b7d4e5f60718293a4b5c6d7e8f9012345}";

TEST(OtlpTest, CodeAttributeNamesOfEntrySpans) {
  struct Case {
    Attrs attrs;
    std::string origin;
  };
  const Case cases[] = {
      {{{"code.file.path", "src/users.js"},
        {"code.line.number", "#42"},
        {"code.column.number", "#7"},
        {"code.function.name", "getUser"}},
       " origin=src/users.js:42:7 fn=getUser"},
      {{{"code.filepath", "app/views.py"},
        {"code.lineno", "#12"},
        {"code.column", "#3"},
        {"code.function", "index"},
        {"code.namespace", "app.views"}},
       " origin=app/views.py:12:3 fn=index type=app.views"},
      // The current names win over the deprecated ones, whatever the order.
      {{{"code.lineno", "#1"},
        {"code.filepath", "old.py"},
        {"code.file.path", "new.py"},
        {"code.line.number", "#2"}},
       " origin=new.py:2:0"},
      {{{"code.line.number", "17"}, {"code.function.name", "Main"}}, " origin=:17:0 fn=Main"},
      {{{"code.line.number", "#17"}}, ""},  // a line alone is no location
      {{}, ""},
  };
  for (const Case& c : cases) {
    SpanSpec s;
    s.attrs = c.attrs;
    EXPECT_EQ(Dump(Traces({s})), "spans 1 logs 0 rejected 0\nentry " + kService +
                                     " GET /users/:id name=GET /users/:id t=1000 d=500 trace=" +
                                     kTrace + " span=" + kSpanA + c.origin + "\n")
        << c.origin;
  }
}

TEST(OtlpTest, WhichSpansAreEntries) {
  struct Case {
    int kind;
    bool parent;
    bool entry;
  };
  const Case cases[] = {
      {2, true, true},   // SERVER
      {5, true, true},   // CONSUMER
      {1, false, true},  // no parent
      {1, true, false},  // INTERNAL child
      {3, true, false},  // CLIENT
      {4, true, false},  // PRODUCER
      {0, false, true},  // UNSPECIFIED root
  };
  for (const Case& c : cases) {
    SpanSpec s;
    s.kind = c.kind;
    if (c.parent) s.parent = Bytes(kSpanB);
    TelemetryBatch batch = DecodeOtlpTraces(Traces({s}), OtlpEncoding::kProtobuf).value();
    EXPECT_EQ(batch.entries.size(), c.entry ? 1u : 0u) << c.kind << " " << c.parent;
    EXPECT_EQ(batch.spans, 1u);
  }
}

TEST(OtlpTest, RouteAndErrorOfEntries) {
  SpanSpec s;
  s.name = "handler";
  s.attrs = {{"http.request.method", "POST"}, {"http.route", "/cart"}};
  s.error = true;
  EXPECT_THAT(Dump(Traces({s})), HasSubstr(" POST /cart name=handler t=1000 d=500 trace="));
  EXPECT_THAT(Dump(Traces({s})), HasSubstr(" error\n"));
  s.attrs = {{"http.method", "GET"}, {"http.route", "/old"}};
  EXPECT_THAT(Dump(Traces({s})), HasSubstr(" GET /old name=handler"));
  s.attrs = {{"http.route", "/only"}};
  EXPECT_THAT(Dump(Traces({s})), HasSubstr(" /only name=handler"));
}

TEST(OtlpTest, ParentInAnotherServiceMakesAnEntry) {
  ExportTraceServiceRequest req;
  SpanSpec front;  // SERVER span of "gateway"
  SpanSpec back;   // INTERNAL span of "checkout" whose parent is the gateway's span
  back.name = "process";
  back.kind = 1;
  back.span_id = Bytes(kSpanB);
  back.parent = Bytes(kSpanA);
  back.attrs = {{"code.function.name", "process"}};
  SpanSpec inner;  // INTERNAL span of "checkout" under `back`: not an entry
  inner.kind = 1;
  inner.span_id = Bytes("1111111111111111");
  inner.parent = Bytes(kSpanB);
  AddSpan(AddResource(&req, {{"service.name", "checkout"}})->add_scope_spans(), back);
  AddSpan(AddResource(&req, {{"service.name", "checkout"}})->add_scope_spans(), inner);
  AddSpan(AddResource(&req, {{"service.name", "gateway"}})->add_scope_spans(), front);
  EXPECT_EQ(Dump(req.SerializeAsString()),
            "spans 3 logs 0 rejected 0\n"
            "entry gateway GET /users/:id name=GET /users/:id t=1000 d=500 trace=" +
                std::string(kTrace) + " span=" + kSpanA +
                "\n"
                "entry checkout process name=process t=1000 d=500 trace=" +
                kTrace + " span=" + kSpanB + " origin=:0:0 fn=process\n");
}

TEST(OtlpTest, ServiceIdentityAndGitAttributes) {
  struct Case {
    Attrs resource;
    Attrs scope;
    std::string service;
  };
  const Case cases[] = {
      {{{"service.name", "a"}, {"deployment.environment", "staging"}}, {}, "a env=staging"},
      {{{"service.name", "a"},
        {"deployment.environment", "old"},
        {"deployment.environment.name", "new"}},
       {},
       "a env=new"},
      {{}, {}, "?"},
      {{{"service.name", "a"}, {"git.commit.sha", "abc1234"}, {"not.git", "x"}},
       {},
       "a git={git.commit.sha=abc1234}"},
      // Scope attributes override the resource's and add to them.
      {{{"service.name", "a"},
        {"git.commit.sha", "abc1234"},
        {"git.repository_url", "github.com/acme/shop"}},
       {{"git.commit.sha", "def5678"}},
       "a git={git.commit.sha=def5678,git.repository_url=github.com/acme/shop}"},
  };
  for (const Case& c : cases) {
    ExportTraceServiceRequest req;
    trace::ScopeSpans* ss = AddResource(&req, c.resource)->add_scope_spans();
    SetAttrs(ss->mutable_scope()->mutable_attributes(), c.scope);
    AddSpan(ss, SpanSpec{});
    EXPECT_THAT(Dump(req.SerializeAsString()), HasSubstr("\nentry " + c.service + " GET"))
        << c.service;
  }
}

TEST(OtlpTest, ExceptionEventsBecomeErrors) {
  SpanSpec s;
  s.kind = 1;
  s.parent = Bytes(kSpanB);
  s.attrs = {{"http.route", "/cart"},
             {"code.file.path", "/app/cart.js"},
             {"code.line.number", "#9"},
             {"code.function.name", "load"}};
  s.exceptions = {
      {{"exception.type", "TypeError"},
       {"exception.message", "cart is empty"},
       {"exception.stacktrace", "TypeError: cart is empty\n    at load (/app/cart.js:9:3)"}},
      // The event's own code.* wins over the span's; code.stacktrace is the fallback stack.
      {{"exception.type", "E2"},
       {"code.filepath", "/app/other.js"},
       {"code.stacktrace", "at x (/app/other.js:1:1)"}}};
  const std::string ids = std::string(" trace=") + kTrace + " span=" + kSpanA;
  EXPECT_EQ(Dump(Traces({s})),
            "spans 1 logs 0 rejected 0\n"
            "error otlp-span-event " +
                kService + " TypeError: cart is empty t=1200" + ids +
                " route=/cart frame=/app/cart.js:9:0 fn=load"
                " stack=TypeError: cart is empty\\n    at load (/a\n"
                "error otlp-span-event " +
                kService + " E2:  t=1200" + ids +
                " route=/cart frame=/app/other.js:0:0 stack=at x (/app/other.js:1:1)\n");
  // Without http.route the span's name is the route.
  s.attrs.clear();
  EXPECT_THAT(Dump(Traces({s})), HasSubstr(" route=GET /users/:id stack="));
}

TEST(OtlpTest, MalformedItemsAreRejectedAndTheRestKept) {
  struct Case {
    SpanSpec span;
    std::string problem;
  };
  auto with = [](auto edit) {
    SpanSpec s;
    edit(s);
    return s;
  };
  const Case cases[] = {
      {with([](SpanSpec& s) { s.trace_id = "abcde"; }),
       "resource 0 span 1: trace_id is 5 bytes, want 16 (32 hex digits)"},
      {with([](SpanSpec& s) { s.trace_id.clear(); }),
       "resource 0 span 1: trace_id is 0 bytes, want 16 (32 hex digits)"},
      {with([](SpanSpec& s) { s.trace_id = std::string(16, '\0'); }),
       "resource 0 span 1: trace_id is all zeros"},
      {with([](SpanSpec& s) { s.span_id = "123"; }),
       "resource 0 span 1: span_id is 3 bytes, want 8 (16 hex digits)"},
      {with([](SpanSpec& s) { s.parent = "1234"; }),
       "resource 0 span 1: parent_span_id is 4 bytes, want 8 (16 hex digits) or none"},
  };
  for (const Case& c : cases) {
    SpanSpec good;
    good.span_id = Bytes(kSpanB);
    TelemetryBatch batch =
        DecodeOtlpTraces(Traces({good, c.span, good}), OtlpEncoding::kProtobuf).value();
    EXPECT_EQ(batch.spans, 3u);
    EXPECT_EQ(batch.rejected, 1u);
    EXPECT_EQ(batch.entries.size(), 2u);
    EXPECT_EQ(batch.problems, std::vector<std::string>{c.problem});
  }
  // At most kOtlpMaxProblems reasons, every rejection counted.
  SpanSpec bad;
  bad.span_id = "x";
  TelemetryBatch batch =
      DecodeOtlpTraces(Traces(std::vector<SpanSpec>(9, bad)), OtlpEncoding::kProtobuf).value();
  EXPECT_EQ(batch.rejected, 9u);
  EXPECT_EQ(batch.problems.size(), kOtlpMaxProblems);
}

TEST(OtlpTest, MalformedProtobufBodies) {
  std::string good = Traces({SpanSpec{}});
  struct Case {
    std::string body;
    std::string error;
  };
  const Case cases[] = {
      {good.substr(0, good.size() - 3), "runs past the end of the message ("},
      {"\x0a\x03\x0a\x03\x0a",
       "length 3 runs past the end of the message (1 bytes left) at byte 2 "
       "(field 1 of ResourceSpans)"},
      {"\x0b", "unsupported wire type 3 at byte 0 (field 1 of ExportTraceServiceRequest)"},
      {std::string("\x00", 1), "invalid field number 0 at byte 0"},
      {"\x08\xff", "truncated varint at byte 0 (field 1 of ExportTraceServiceRequest)"},
      {"\x09\x01\x02", "truncated fixed64 at byte 0"},
  };
  for (const Case& c : cases) {
    std::string got = Dump(c.body);
    EXPECT_THAT(got, HasSubstr("ERROR request body is not a valid protobuf "
                               "ExportTraceServiceRequest: "));
    EXPECT_THAT(got, HasSubstr(c.error));
  }
  EXPECT_EQ(Dump(""), "spans 0 logs 0 rejected 0\n");  // an empty request is valid
  EXPECT_THAT(DumpLogs("\x0a\x09"), HasSubstr("ERROR request body is not a valid protobuf "
                                              "ExportLogsServiceRequest: length 9 runs past"));
}

TEST(OtlpTest, DeeplyNestedProtobufValuesAreNotDescended) {
  common::AnyValue deep;
  deep.set_string_value("leaf");
  for (int i = 0; i < 2000; ++i) {
    common::AnyValue outer;
    common::KeyValue* kv = outer.mutable_kvlist_value()->add_values();
    kv->set_key("k");
    kv->mutable_value()->Swap(&deep);
    deep.Swap(&outer);
  }
  ExportTraceServiceRequest req;
  trace::ScopeSpans* ss = AddResource(&req, {{"service.name", "a"}})->add_scope_spans();
  AddSpan(ss, SpanSpec{});
  common::KeyValue* kv = ss->mutable_spans(0)->add_attributes();
  kv->set_key("deep");
  *kv->mutable_value() = deep;
  std::string body;
  ASSERT_TRUE(req.SerializeToString(&body));
  EXPECT_THAT(Dump(body), HasSubstr("spans 1 logs 0 rejected 0\nentry a GET"));
}

ExportLogsServiceRequest LogsRequest(const std::vector<Attrs>& records) {
  ExportLogsServiceRequest req;
  logs::ResourceLogs* rl = req.add_resource_logs();
  SetAttrs(rl->mutable_resource()->mutable_attributes(), {{"service.name", "payments"}});
  logs::ScopeLogs* sl = rl->add_scope_logs();
  for (const Attrs& a : records) {
    logs::LogRecord* r = sl->add_log_records();
    r->set_observed_time_unix_nano(77);
    r->mutable_body()->set_string_value("payment failed");
    r->set_trace_id(Bytes(kTrace));
    r->set_span_id(Bytes(kSpanA));
    SetAttrs(r->mutable_attributes(), a);
  }
  return req;
}

TEST(OtlpTest, LogRecordsWithExceptionAttributesBecomeErrors) {
  const std::string ids = std::string(" trace=") + kTrace + " span=" + kSpanA;
  struct Case {
    Attrs attrs;
    std::string dump;  // "" when the record is no error
  };
  const Case cases[] = {
      {{{"exception.type", "RangeError"},
        {"exception.message", "out of range"},
        {"exception.stacktrace", "RangeError: out of range"},
        {"code.filepath", "/app/pay.js"},
        {"code.lineno", "#88"},
        {"code.function", "charge"}},
       "error otlp-log payments RangeError: out of range t=77" + ids +
           " frame=/app/pay.js:88:0 fn=charge stack=RangeError: out of range\n"},
      // No message: the body; no exception.stacktrace: code.stacktrace.
      {{{"exception.type", "E"}, {"code.stacktrace", "at f (a.js:1:2)"}, {"http.route", "/pay"}},
       "error otlp-log payments E: payment failed t=77" + ids +
           " route=/pay stack=at f (a.js:1:2)\n"},
      {{{"code.stacktrace", "at f (a.js:1:2)"}, {"log.level", "error"}}, ""},
      {{}, ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DumpLogs(LogsRequest({c.attrs}).SerializeAsString()),
              "spans 0 logs 1 rejected 0\n" + c.dump);
  }
}

TEST(OtlpTest, LogIdsAreOptionalButChecked) {
  ExportLogsServiceRequest req = LogsRequest({{{"exception.type", "E"}}, {}, {}});
  req.mutable_resource_logs(0)->mutable_scope_logs(0)->mutable_log_records(0)->clear_trace_id();
  req.mutable_resource_logs(0)->mutable_scope_logs(0)->mutable_log_records(0)->clear_span_id();
  req.mutable_resource_logs(0)->mutable_scope_logs(0)->mutable_log_records(1)->set_span_id("ab");
  EXPECT_EQ(DumpLogs(req.SerializeAsString()),
            "spans 0 logs 3 rejected 1\n"
            "error otlp-log payments E: payment failed t=77\n"
            "problem resource 0 log record 1: span_id is 2 bytes, want 8 (16 hex digits)\n");
}

// The same request in OTLP/JSON and protobuf decodes to the same batch.
TEST(OtlpTest, JsonAndProtobufAgree) {
  SpanSpec server;
  server.attrs = {{"code.file.path", "src/users.js"}, {"code.line.number", "#42"}};
  SpanSpec child;
  child.kind = 1;
  child.span_id = Bytes(kSpanB);
  child.parent = Bytes(kSpanA);
  child.exceptions = {{{"exception.type", "TypeError"}, {"exception.message", "boom"}}};
  const std::string json = R"({"resourceSpans":[{"resource":{"attributes":[
    {"key":"service.name","value":{"stringValue":"checkout"}},
    {"key":"service.version","value":{"stringValue":"1.4.2"}},
    {"key":"deployment.environment.name","value":{"stringValue":"prod"}},
    {"key":"telemetry.sdk.language","value":{"stringValue":"nodejs"}},
    {"key":"process.runtime.version","value":{"stringValue":"20.20.2"}},
    {"key":"vcs.repository.url.full","value":{"stringValue":"https://github.com/acme/shop"}},
    {"key":"vcs.ref.head.revision","value":{"stringValue":"3f2c9a1b7d4e5f60718293a4b5c6d7e8f9012345"}},
    {"key":"host.name","value":{"stringValue":"web-1"}}]},
   "scopeSpans":[{"scope":{"name":"otel-app"},"spans":[
    {"traceId":"0AF7651916CD43DD8448EB211C80319C","spanId":"b7ad6b7169203331","name":"GET /users/:id",
     "kind":2,"startTimeUnixNano":"1000","endTimeUnixNano":1500,
     "attributes":[{"key":"code.file.path","value":{"stringValue":"src/users.js"}},
                   {"key":"code.line.number","value":{"intValue":"42"}}]},
    {"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"00f067aa0ba902b7",
     "parent_span_id":"b7ad6b7169203331","name":"GET /users/:id","kind":"SPAN_KIND_INTERNAL",
     "start_time_unix_nano":1000,"end_time_unix_nano":"1500",
     "events":[{"name":"exception","timeUnixNano":"1200","attributes":[
       {"key":"exception.type","value":{"string_value":"TypeError"}},
       {"key":"exception.message","value":{"stringValue":"boom"}}]},
       {"name":"log","attributes":[{"key":"exception.type","value":{"stringValue":"no"}}]}]}
  ]}]}]})";
  std::string from_json = Dump(json, OtlpEncoding::kJson);
  EXPECT_EQ(from_json, Dump(Traces({server, child})));
  EXPECT_THAT(from_json, HasSubstr("error otlp-span-event"));
  EXPECT_THAT(from_json, HasSubstr("origin=src/users.js:42:0"));
}

TEST(OtlpTest, JsonValuesAndIds) {
  auto span = [](const std::string& fields) {
    return R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c",)" +
           fields + R"(,"name":"n","kind":2}]}]}]})";
  };
  struct Case {
    std::string body;
    std::string dump;
  };
  const Case cases[] = {
      {span(R"("spanId":"b7ad6b7169203331","attributes":[
          {"key":"code.line.number","value":{"intValue":12}},
          {"key":"code.column.number","value":{"doubleValue":3.0}},
          {"key":"code.function.name","value":{"stringValue":"f"}},
          {"key":"code.namespace","value":{"arrayValue":{"values":[]}}},
          {"key":"ignored","value":{"kvlistValue":{"values":[{"key":"a","value":{"kvlistValue":{}}}]}}},
          {"value":{"stringValue":"no key"}}])"),
       "origin=:12:3 fn=f\n"},
      {span(R"("spanId":"b7ad6b716920333")"),
       "problem resource 0 span 0: spanId has an odd number of hex digits (15)\n"},
      {span(R"("spanId":"b7ad6b716920333x")"),
       "problem resource 0 span 0: spanId is not hex: \"b7ad6b716920333x\"\n"},
      {span(R"("spanId":12)"), "problem resource 0 span 0: spanId must be a hex string\n"},
      {span(R"("spanId":"b7ad6b7169203331aa")"),
       "problem resource 0 span 0: span_id is 9 bytes, want 8 (16 hex digits)\n"},
  };
  for (const Case& c : cases) {
    std::string got = Dump(c.body, OtlpEncoding::kJson);
    EXPECT_TRUE(got.size() >= c.dump.size() &&
                got.compare(got.size() - c.dump.size(), c.dump.size(), c.dump) == 0)
        << got;
  }
}

TEST(OtlpTest, MalformedJsonBodies) {
  struct Case {
    std::string body;
    std::string error;
  };
  const Case cases[] = {
      {"{\"resourceSpans\":[",
       "request body is not valid JSON: [json.exception.parse_error.101] "
       "parse error at line 1, column 19: syntax error while parsing value"},
      // Found by fuzz/otlp_fuzzer.cc: nlohmann::json throws out_of_range, not parse_error.
      {R"({"resourceSpans":[1e999]})",
       "request body is not valid JSON: [json.exception.out_of_range.406] number overflow parsing "
       "'1e999'"},
      {"[]", "request body must be a JSON object {\"resourceSpans\": [...]}"},
      {R"({"resourceSpans":{}})",
       "request body is not valid OTLP/JSON: resourceSpans must be an array"},
      {R"({"resourceSpans":[{"scopeSpans":[{"spans":[1]}]}]})",
       "request body is not valid OTLP/JSON: resourceSpans[0].scopeSpans[0].spans[0] must be an "
       "object"},
      {R"({"resourceSpans":[{"resource":{"attributes":{}}}]})",
       "request body is not valid OTLP/JSON: resourceSpans[0].resource.attributes must be an array "
       "of {\"key\", \"value\"}"},
      {std::string(65, '[') + std::string(65, ']'),
       "request body is not valid OTLP/JSON: nested deeper than 64 levels at byte 64"},
      {"{\"a\":\"" + std::string(100, '[') + "\"}", ""},  // brackets in strings do not count
  };
  for (const Case& c : cases) {
    Result<TelemetryBatch> got = DecodeOtlpTraces(c.body, OtlpEncoding::kJson);
    if (c.error.empty()) {
      EXPECT_TRUE(got.ok()) << got.status().ToString();
      continue;
    }
    ASSERT_FALSE(got.ok()) << c.body;
    EXPECT_EQ(got.status().code(), Status::Code::kInvalidArgument);
    EXPECT_THAT(got.status().message(), HasSubstr(c.error));
  }
  // A deep value within the limit is fine (and ignored).
  std::string deep = "{\"stringValue\":\"x\"}";
  for (int i = 0; i < 12; ++i)
    deep = R"({"kvlistValue":{"values":[{"key":"k","value":)" + deep + "}]}}";
  std::string body = R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[
      {"key":"exception.type","value":{"stringValue":"E"}},{"key":"d","value":)" +
                     deep + "}]}]}]}]}";
  EXPECT_EQ(DumpLogs(body, OtlpEncoding::kJson),
            "spans 0 logs 1 rejected 0\nerror otlp-log ? E:  t=0\n");
}

TEST(OtlpTest, JsonLogs) {
  std::string body = R"({"resource_logs":[{"resource":{"attributes":[
      {"key":"service.name","value":{"stringValue":"payments"}}]},
    "scope_logs":[{"log_records":[{"timeUnixNano":"5","traceId":"0af7651916cd43dd8448eb211c80319c",
      "spanId":"b7ad6b7169203331","body":{"stringValue":"payment failed"},
      "attributes":[{"key":"exception.message","value":{"stringValue":"out of range"}},
                    {"key":"code.file.path","value":{"stringValue":"/app/pay.js"}}]},
      {"traceId":"zz","attributes":[{"key":"exception.type","value":{"stringValue":"E"}}]}]}]}]})";
  EXPECT_EQ(DumpLogs(body, OtlpEncoding::kJson),
            "spans 0 logs 2 rejected 1\n"
            "error otlp-log payments : out of range t=5 trace=0af7651916cd43dd8448eb211c80319c "
            "span=b7ad6b7169203331 frame=/app/pay.js:0:0\n"
            "problem resource 0 log record 1: traceId is not hex: \"zz\"\n");
}

TEST(OtlpTest, LongAndInvalidUtf8TextIsBounded) {
  SpanSpec s;
  s.kind = 1;
  s.parent = Bytes(kSpanB);
  s.exceptions = {{{"exception.type", "bad\xff\xfe type"},
                   {"exception.message", std::string(10000, 'm')},
                   {"exception.stacktrace", std::string(100000, 's')}}};
  TelemetryBatch batch = DecodeOtlpTraces(Traces({s}), OtlpEncoding::kProtobuf).value();
  ASSERT_EQ(batch.errors.size(), 1u);
  EXPECT_EQ(batch.errors[0].type, "bad\xEF\xBF\xBD\xEF\xBF\xBD type");
  EXPECT_EQ(batch.errors[0].message.size(), kMaxTelemetryString);
  EXPECT_EQ(batch.errors[0].stack.size(), kMaxTelemetryStack);
}

}  // namespace
}  // namespace srclink
