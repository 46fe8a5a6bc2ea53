#include "ingest/datadog_traces.h"

#include <gtest/gtest.h>

#include <msgpack.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace srclink {
namespace {

// A span as a tracer builds it; packed by msgpack-cxx in both versions.
struct TestSpan {
  std::string service = "shop";
  std::string name = "express.request";
  std::string resource = "GET /users/:id";
  uint64_t trace_id = 0x10;
  uint64_t span_id = 0x20;
  uint64_t parent_id = 0;
  int64_t start = 1000;
  int64_t duration = 50;
  int32_t error = 0;
  std::vector<std::pair<std::string, std::string>> meta = {};
  std::vector<std::pair<std::string, double>> metrics = {};
  std::string type = "web";
};
using Trace = std::vector<TestSpan>;

std::string PackV04(const std::vector<Trace>& traces) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_array(static_cast<uint32_t>(traces.size()));
  for (const Trace& trace : traces) {
    pk.pack_array(static_cast<uint32_t>(trace.size()));
    for (const TestSpan& s : trace) {
      pk.pack_map(13);
      pk.pack("service"), pk.pack(s.service);
      pk.pack("name"), pk.pack(s.name);
      pk.pack("resource"), pk.pack(s.resource);
      pk.pack("trace_id"), pk.pack(s.trace_id);
      pk.pack("span_id"), pk.pack(s.span_id);
      pk.pack("parent_id"), pk.pack(s.parent_id);
      pk.pack("start"), pk.pack(s.start);
      pk.pack("duration"), pk.pack(s.duration);
      pk.pack("error"), pk.pack(s.error);
      pk.pack("meta");
      pk.pack_map(static_cast<uint32_t>(s.meta.size()));
      for (const auto& [k, v] : s.meta) pk.pack(k), pk.pack(v);
      pk.pack("metrics");
      pk.pack_map(static_cast<uint32_t>(s.metrics.size()));
      for (const auto& [k, v] : s.metrics) pk.pack(k), pk.pack(v);
      pk.pack("type"), pk.pack(s.type);
      // Fields srclink skips, nested as tracers send them.
      pk.pack("span_events");
      pk.pack_array(1);
      pk.pack_map(2);
      pk.pack("name"), pk.pack("retry");
      pk.pack("attributes");
      pk.pack_map(1);
      pk.pack("attempt"), pk.pack_map(2), pk.pack("type"), pk.pack(2), pk.pack("int_value"),
          pk.pack(3);
    }
  }
  return std::string(buf.data(), buf.size());
}

std::string PackV05(const std::vector<Trace>& traces) {
  std::vector<std::string> table = {""};
  std::map<std::string, uint32_t> index = {{"", 0}};
  auto idx = [&](const std::string& s) {
    auto [it, added] = index.emplace(s, static_cast<uint32_t>(table.size()));
    if (added) table.push_back(s);
    return it->second;
  };
  msgpack::sbuffer spans;
  msgpack::packer<msgpack::sbuffer> pk(spans);
  pk.pack_array(static_cast<uint32_t>(traces.size()));
  for (const Trace& trace : traces) {
    pk.pack_array(static_cast<uint32_t>(trace.size()));
    for (const TestSpan& s : trace) {
      pk.pack_array(12);
      pk.pack(idx(s.service)), pk.pack(idx(s.name)), pk.pack(idx(s.resource));
      pk.pack(s.trace_id), pk.pack(s.span_id), pk.pack(s.parent_id);
      pk.pack(s.start), pk.pack(s.duration), pk.pack(s.error);
      pk.pack_map(static_cast<uint32_t>(s.meta.size()));
      for (const auto& [k, v] : s.meta) pk.pack(idx(k)), pk.pack(idx(v));
      pk.pack_map(static_cast<uint32_t>(s.metrics.size()));
      for (const auto& [k, v] : s.metrics) pk.pack(idx(k)), pk.pack(v);
      pk.pack(idx(s.type));
    }
  }
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> top(buf);
  top.pack_array(2);
  top.pack(table);
  buf.write(spans.data(), spans.size());
  return std::string(buf.data(), buf.size());
}

// One line per item: what the sink would get.
std::string Dump(const TelemetryBatch& b) {
  std::string out = "spans=" + std::to_string(b.spans) + " rejected=" + std::to_string(b.rejected);
  auto service = [](const ServiceIdentity& s) {
    return s.service + "@" + s.version + "/" + s.environment + "/" + s.language;
  };
  auto git = [](const std::shared_ptr<const GitAttributes>& g) {
    std::string out;
    if (!g) return out;
    for (const auto& [k, v] : g->attributes) out += " " + k + "=" + v;
    return out;
  };
  for (const EntrySpan& e : b.entries) {
    out += "\nentry " + service(e.service) + git(e.git) + " [" + e.resource + "] " + e.name +
           " trace=" + e.trace_id + " span=" + e.span_id +
           " t=" + std::to_string(e.time_unix_nano) + "+" + std::to_string(e.duration_nano) +
           (e.error ? " error" : "");
    if (!e.origin_type.empty()) out += " origin=" + e.origin_type;
    for (const CodeOriginFrame& f : e.origin) {
      out += " " + f.frame.file + ":" + std::to_string(f.frame.line) + ":" +
             std::to_string(f.frame.column) + " " + f.frame.function + " " + f.type;
    }
  }
  for (const ErrorEvent& e : b.errors) {
    out += "\nerror " + e.source + " " + service(e.service) + git(e.git) + " " + e.type + ": " +
           e.message + " route=" + e.route + " trace=" + e.trace_id + " span=" + e.span_id +
           " stack=" + std::to_string(e.stack.size());
  }
  for (const std::string& p : b.problems) out += "\nproblem " + p;
  return out;
}

using Meta = std::vector<std::pair<std::string, std::string>>;

const Meta kProcess = {{"env", "prod"}, {"version", "1.4.2"}, {"language", "javascript"}};

Meta With(Meta meta, const Meta& more) {
  meta.insert(meta.end(), more.begin(), more.end());
  return meta;
}

struct Case {
  const char* name;
  std::vector<Trace> traces;
  std::string want;
};

std::vector<Case> Cases() {
  TestSpan entry{.meta = kProcess};
  TestSpan child{.name = "express.middleware",
                 .resource = "getUser",
                 .span_id = 0x21,
                 .parent_id = 0x20,
                 .meta = kProcess,
                 .type = ""};
  TestSpan db{.service = "shop-postgres",
              .name = "pg.query",
              .resource = "SELECT 1",
              .span_id = 0x22,
              .parent_id = 0x21,
              .meta = {{"env", "prod"}},
              .type = "sql"};
  TestSpan db_child = db;
  db_child.span_id = 0x23, db_child.parent_id = 0x22, db_child.name = "pg.connect";

  std::vector<Case> cases;
  cases.push_back({"entry is the span without parent; children of the same service are not",
                   {{entry, child}},
                   "spans=2 rejected=0\n"
                   "entry shop@1.4.2/prod/javascript [GET /users/:id] express.request "
                   "trace=0000000000000010 span=0000000000000020 t=1000+50"});
  cases.push_back({"a span whose parent is in another service is an entry; db's child is not",
                   {{entry, child, db, db_child}},
                   "spans=4 rejected=0\n"
                   "entry shop@1.4.2/prod/javascript [GET /users/:id] express.request "
                   "trace=0000000000000010 span=0000000000000020 t=1000+50\n"
                   "entry shop-postgres@/prod/javascript [SELECT 1] pg.query "
                   "trace=0000000000000010 span=0000000000000022 t=1000+50"});
  {
    TestSpan remote = entry;
    remote.parent_id = 0x99;  // a parent in another process
    TestSpan top = child;
    top.metrics = {{"_dd.top_level", 1}};
    cases.push_back({"a remote parent and _dd.top_level make entries",
                     {{remote, top}},
                     "spans=2 rejected=0\n"
                     "entry shop@1.4.2/prod/javascript [GET /users/:id] express.request "
                     "trace=0000000000000010 span=0000000000000020 t=1000+50\n"
                     "entry shop@1.4.2/prod/javascript [getUser] express.middleware "
                     "trace=0000000000000010 span=0000000000000021 t=1000+50"});
  }
  {
    TestSpan client = entry;
    client.name = "http.request";
    client.resource = "GET";
    client.meta = With(kProcess, {{"span.kind", "client"}});
    TestSpan producer = client;
    producer.span_id = 0x30;
    producer.meta = With(kProcess, {{"span.kind", "producer"}});
    cases.push_back({"client and producer spans are never entries, even without a parent",
                     {{client}, {producer}},
                     "spans=2 rejected=0"});
  }
  {
    TestSpan first = entry;
    first.meta = With(kProcess, {{"_dd.git.repository_url", "https://github.com/acme/shop"},
                                 {"_dd.git.commit.sha", "0123456789abcdef0123456789abcdef01234567"},
                                 {"_dd.p.tid", "6b016c2c00000000"}});
    TestSpan other = db;
    other.parent_id = 0x20;
    other.error = 1;
    other.meta = With(db.meta, {{"error.type", "Error"}, {"error.message", "timeout"}});
    cases.push_back(
        {"git tags and the high trace id bits of the first span apply to the whole chunk",
         {{first, other}, {TestSpan{.trace_id = 7, .span_id = 8, .meta = kProcess}}},
         "spans=3 rejected=0\n"
         "entry shop@1.4.2/prod/javascript _dd.git.repository_url=https://github.com/acme/shop "
         "_dd.git.commit.sha=0123456789abcdef0123456789abcdef01234567 [GET /users/:id] "
         "express.request trace=6b016c2c000000000000000000000010 span=0000000000000020 t=1000+50\n"
         "entry shop-postgres@/prod/javascript _dd.git.repository_url=https://github.com/acme/shop "
         "_dd.git.commit.sha=0123456789abcdef0123456789abcdef01234567 [SELECT 1] pg.query "
         "trace=6b016c2c000000000000000000000010 span=0000000000000022 t=1000+50 error\n"
         "entry shop@1.4.2/prod/javascript [GET /users/:id] express.request "
         "trace=0000000000000007 span=0000000000000008 t=1000+50\n"
         "error datadog-span shop-postgres@/prod/javascript "
         "_dd.git.repository_url=https://github.com/acme/shop "
         "_dd.git.commit.sha=0123456789abcdef0123456789abcdef01234567 Error: timeout "
         "route=SELECT 1 trace=6b016c2c000000000000000000000010 span=0000000000000022 stack=0"});
  }
  {
    TestSpan e = entry;
    e.meta = With(kProcess, {{"git.repository_url", "github.com/acme/shop"},
                             {"git.commit.sha", "abcdef1"},
                             {"_dd.code_origin.type", "entry"},
                             {"_dd.code_origin.frames.0.file", "/app/routes/users.js"},
                             {"_dd.code_origin.frames.0.line", "42"},
                             {"_dd.code_origin.frames.0.column", "7"},
                             {"_dd.code_origin.frames.0.method", "getUser"},
                             {"_dd.code_origin.frames.0.type", "UsersController"},
                             {"_dd.code_origin.frames.1.file", "/app/index.js"},
                             {"_dd.code_origin.frames.1.line", "x"},
                             {"_dd.code_origin.frames.8.file", "/ignored.js"},
                             {"_dd.code_origin.frames.12.line", "3"}});
    cases.push_back({"code origin frames; numbers are strings; frames past the 8th ignored",
                     {{e}},
                     "spans=1 rejected=0\n"
                     "entry shop@1.4.2/prod/javascript git.repository_url=github.com/acme/shop "
                     "git.commit.sha=abcdef1 [GET /users/:id] express.request "
                     "trace=0000000000000010 span=0000000000000020 t=1000+50 origin=entry "
                     "/app/routes/users.js:42:7 getUser UsersController /app/index.js:0:0  "});
  }
  {
    TestSpan req = entry;
    req.error = 1;
    req.meta = With(kProcess, {{"http.route", "/fail"},
                               {"error.type", "TypeError"},
                               {"error.message", "boom"},
                               {"error.stack", "TypeError: boom\n    at failRoute (app.js:24:9)"}});
    req.resource = "GET /fail";
    TestSpan handler = child;
    handler.error = 1;
    handler.resource = "failRoute";
    handler.meta =
        With(kProcess, {{"error.type", "TypeError"},
                        {"error.message", "boom"},
                        {"error.stack", "TypeError: boom\n    at failRoute (app.js:24:9)"}});
    TestSpan status500 = db;  // error=1 and no error.* meta: dropped, the chunk says why
    status500.error = 1;
    cases.push_back({"one exception on several spans is one error, named by the request's route",
                     {{req, handler, status500}},
                     "spans=3 rejected=0\n"
                     "entry shop@1.4.2/prod/javascript [GET /fail] express.request "
                     "trace=0000000000000010 span=0000000000000020 t=1000+50 error\n"
                     "entry shop-postgres@/prod/javascript [SELECT 1] pg.query "
                     "trace=0000000000000010 span=0000000000000022 t=1000+50 error\n"
                     "error datadog-span shop@1.4.2/prod/javascript TypeError: boom route=/fail "
                     "trace=0000000000000010 span=0000000000000020 stack=46"});
  }
  {
    TestSpan plain = entry;
    plain.error = 1;
    cases.push_back({"error=1 alone is an error, routed by resource",
                     {{plain}},
                     "spans=1 rejected=0\n"
                     "entry shop@1.4.2/prod/javascript [GET /users/:id] express.request "
                     "trace=0000000000000010 span=0000000000000020 t=1000+50 error\n"
                     "error datadog-span shop@1.4.2/prod/javascript :  route=GET /users/:id "
                     "trace=0000000000000010 span=0000000000000020 stack=0"});
  }
  {
    TestSpan zero = entry;
    zero.span_id = 0;
    cases.push_back({"a span without ids is rejected, the others kept",
                     {{zero}, {}, {TestSpan{.trace_id = 5, .span_id = 6}}},
                     "spans=2 rejected=1\n"
                     "entry shop@// [GET /users/:id] express.request trace=0000000000000005 "
                     "span=0000000000000006 t=1000+50\n"
                     "problem trace 0, span 0: trace_id and span_id must be non-zero"});
  }
  return cases;
}

TEST(DatadogTracesTest, V04Table) {
  for (const Case& c : Cases()) {
    Result<TelemetryBatch> batch = DecodeDatadogTracesV04(PackV04(c.traces));
    ASSERT_TRUE(batch.ok()) << c.name << ": " << batch.status().message();
    EXPECT_EQ(Dump(*batch), c.want) << c.name;
  }
}

TEST(DatadogTracesTest, V05TableDecodesAsV04) {
  for (const Case& c : Cases()) {
    Result<TelemetryBatch> batch = DecodeDatadogTracesV05(PackV05(c.traces));
    ASSERT_TRUE(batch.ok()) << c.name << ": " << batch.status().message();
    EXPECT_EQ(Dump(*batch), c.want) << c.name;
  }
}

// Hand-built msgpack, for what msgpack-cxx's packer would not write.
std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out += static_cast<char>(b);
  return out;
}

TEST(DatadogTracesTest, MalformedSpansAreRejectedTheRestKept) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_array(1);
  pk.pack_array(5);
  pk.pack("not a span");
  pk.pack_map(3);  // trace_id as a string
  pk.pack("trace_id"), pk.pack("abc"), pk.pack("span_id"), pk.pack(1), pk.pack("parent_id"),
      pk.pack(0);
  pk.pack_map(3);  // a meta value that is a number
  pk.pack("trace_id"), pk.pack(1), pk.pack("span_id"), pk.pack(2), pk.pack("meta");
  pk.pack_map(1), pk.pack("env"), pk.pack(3);
  pk.pack_map(3);  // a negative id
  pk.pack("trace_id"), pk.pack(-1), pk.pack("span_id"), pk.pack(2), pk.pack(7), pk.pack(1);
  pk.pack_map(2);  // a good one (kMaxProblems: span 3's field name 7 is not reported)
  pk.pack("trace_id"), pk.pack(9), pk.pack("span_id"), pk.pack(10);
  Result<TelemetryBatch> batch = DecodeDatadogTracesV04(std::string_view(buf.data(), buf.size()));
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  EXPECT_EQ(Dump(*batch),
            "spans=5 rejected=4\n"
            "entry @// []  trace=0000000000000009 span=000000000000000a t=0+0\n"
            "problem trace 0, span 0: the span is not a map\n"
            "problem trace 0, span 1: \"trace_id\" is not an unsigned integer\n"
            "problem trace 0, span 2: \"meta\" \"env\" is not a string\n"
            "problem trace 0, span 3: \"trace_id\" is not an unsigned integer");
}

TEST(DatadogTracesTest, ATraceThatIsNotAnArrayIsOneRejectedSpan) {
  Result<TelemetryBatch> batch = DecodeDatadogTracesV04(Bytes({0x92, 0x24, 0x90}));
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  EXPECT_EQ(Dump(*batch), "spans=1 rejected=1\nproblem trace 0 is not an array of spans");
}

TEST(DatadogTracesTest, UndecodableBodiesSayWhere) {
  std::string good = PackV04({{TestSpan{.meta = kProcess}}});
  struct Bad {
    std::string body;
    std::string want;
  };
  std::vector<Bad> bads = {
      {"",
       "v0.4 traces: at byte 0: an array of traces runs past the end of the body (0 bytes); "
       "was it truncated?"},
      {Bytes({0x81, 0xa1, 'a', 0x01}),
       "v0.4 traces: at byte 0: expected an array of traces, got a map (0x81)"},
      {good.substr(0, good.size() - 3),
       "v0.4 traces: at byte 236: a string of 9 bytes runs past the end of the body (244 bytes); "
       "was it truncated?"},
      {good + "x", "v0.4 traces: at byte 247: expected the end of the body, got an integer (0x78)"},
      {Bytes({0x91, 0xdd, 0x7f, 0xff, 0xff, 0xff}),
       "v0.4 traces: at byte 1: a trace (an array of spans) of 2147483647 items runs past the end "
       "of the body (6 bytes); was it truncated?"},
      {Bytes({0x91, 0x91, 0x81, 0xa1, 'x', 0xc1}),
       "v0.4 traces: at byte 5: expected a msgpack value, got the unused byte (0xc1)"},
  };
  for (const Bad& b : bads) {
    Result<TelemetryBatch> batch = DecodeDatadogTracesV04(b.body);
    ASSERT_FALSE(batch.ok()) << b.want;
    EXPECT_EQ(batch.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(batch.status().message(), b.want);
  }
  EXPECT_EQ(DecodeDatadogTracesV05(Bytes({0x93, 0x90, 0x90, 0x90})).status().message(),
            "v0.5 traces: at byte 0: expected an array of 2 (string table, traces), got an "
            "array of 3");
  EXPECT_EQ(DecodeDatadogTracesV05(Bytes({0x92, 0x91, 0x01, 0x90})).status().message(),
            "v0.5 traces: at byte 2: expected a string of the string table, got an integer (0x01)");
}

TEST(DatadogTracesTest, TruncatedAnywhereIsAnErrorNeverACrash) {
  for (const std::string& body : {PackV04({{TestSpan{.meta = kProcess}, TestSpan{}}}),
                                  PackV05({{TestSpan{.meta = kProcess}, TestSpan{}}})}) {
    bool v05 = body[0] == static_cast<char>(0x92);
    for (size_t n = 0; n < body.size(); ++n) {
      std::string_view cut(body.data(), n);
      Result<TelemetryBatch> batch =
          v05 ? DecodeDatadogTracesV05(cut) : DecodeDatadogTracesV04(cut);
      EXPECT_FALSE(batch.ok()) << n;
    }
  }
}

TEST(DatadogTracesTest, DeepNestingIsBounded) {
  // A span field nested 100 arrays deep, and 100,000 deep.
  for (size_t depth : {size_t{100}, size_t{100000}}) {
    std::string body = Bytes({0x91, 0x91, 0x81, 0xa1, 'x'}) + std::string(depth, '\x91') + "\x01";
    Result<TelemetryBatch> batch = DecodeDatadogTracesV04(body);
    ASSERT_FALSE(batch.ok());
    EXPECT_EQ(batch.status().message(),
              "v0.4 traces: at byte 33: values nest deeper than 32 levels");
  }
  // 28 levels below the span's field are fine.
  std::string body = Bytes({0x91, 0x91, 0x82, 0xa1, 'x'}) + std::string(28, '\x91') + "\x01" +
                     Bytes({0xa7, 's', 'p', 'a', 'n', '_', 'i', 'd', 0x05});
  Result<TelemetryBatch> batch = DecodeDatadogTracesV04(body);
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  EXPECT_EQ(batch->spans, 1u);
}

TEST(DatadogTracesTest, HugeStringsAreTruncated) {
  TestSpan s{.resource = std::string(10000, 'r')};
  s.error = 1;
  // A 2-byte UTF-8 sequence straddles the cut.
  s.meta = {{"error.message", std::string(kMaxTelemetryString - 1, 'm') + "\xc3\xa9tail"},
            {"error.stack", std::string(100000, 's')},
            {"_dd.code_origin.frames.0.file", std::string(5000, 'f')}};
  for (bool v05 : {false, true}) {
    std::string body = v05 ? PackV05({{s}}) : PackV04({{s}});
    Result<TelemetryBatch> batch =
        v05 ? DecodeDatadogTracesV05(body) : DecodeDatadogTracesV04(body);
    ASSERT_TRUE(batch.ok());
    ASSERT_EQ(batch->errors.size(), 1u);
    EXPECT_EQ(batch->errors[0].message, std::string(kMaxTelemetryString - 1, 'm'));
    EXPECT_EQ(batch->errors[0].stack.size(), kMaxTelemetryStack);
    EXPECT_EQ(batch->errors[0].route.size(), kMaxTelemetryString);
    ASSERT_EQ(batch->entries.size(), 1u);
    EXPECT_EQ(batch->entries[0].resource.size(), kMaxTelemetryString);
    ASSERT_EQ(batch->entries[0].origin.size(), 1u);
    EXPECT_EQ(batch->entries[0].origin[0].frame.file.size(), kMaxTelemetryString);
  }
}

TEST(DatadogTracesTest, V05StringIndexBeyondTheTableRejectsTheSpan) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_array(2);
  pk.pack(std::vector<std::string>{"", "shop"});
  pk.pack_array(1);
  pk.pack_array(2);
  for (uint32_t service : {1u, 7u}) {
    pk.pack_array(12);
    pk.pack(service), pk.pack(0), pk.pack(0), pk.pack(1), pk.pack(2), pk.pack(0);
    pk.pack(0), pk.pack(0), pk.pack(0), pk.pack_map(0), pk.pack_map(0), pk.pack(0);
  }
  Result<TelemetryBatch> batch = DecodeDatadogTracesV05(std::string_view(buf.data(), buf.size()));
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  EXPECT_EQ(Dump(*batch),
            "spans=2 rejected=1\n"
            "entry shop@// []  trace=0000000000000001 span=0000000000000002 t=0+0\n"
            "problem trace 0, span 1: string index 7 is beyond the string table (2 strings)");
}

TEST(DatadogTracesTest, ManyEntrySpansAreBounded) {
  Trace trace;
  for (uint64_t i = 1; i <= 30000; ++i) trace.push_back(TestSpan{.trace_id = i, .span_id = i});
  Result<TelemetryBatch> batch = DecodeDatadogTracesV04(PackV04({trace}));
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->spans, 30000u);
  EXPECT_EQ(batch->entries.size(), 20000u);
  ASSERT_EQ(batch->problems.size(), 1u);
  EXPECT_EQ(batch->problems[0],
            "more than 20000 errors and entry spans, or 64 MiB of their text, in one body; the "
            "rest are dropped (send smaller payloads)");
}

}  // namespace
}  // namespace srclink
