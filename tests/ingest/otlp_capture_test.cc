// Decodes request bodies the real OpenTelemetry JS SDK sent
// (tests/integration/otel_app.js; versions in tests/integration/package.json):
// its protobuf and JSON exporters, traces and logs. The committed captures
// are in tests/data/otlp/; tests/integration/otel_js_test.sh runs the SDK
// afresh and points SRCLINK_OTLP_CAPTURE_DIR at what it sent.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "ingest/otlp.h"

namespace srclink {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::StartsWith;

std::string Capture(const std::string& name) {
  const char* dir = std::getenv("SRCLINK_OTLP_CAPTURE_DIR");
  std::string path =
      (dir && *dir ? std::string(dir) : std::string(SRCLINK_TEST_DATA) + "/otlp") + "/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing capture " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

struct Kind {
  const char* name;  // file prefix
  const char* extension;
  OtlpEncoding encoding;
};
const Kind kKinds[] = {{"js-proto", "pb", OtlpEncoding::kProtobuf},
                       {"js-json", "json", OtlpEncoding::kJson}};

void ExpectCheckout(const ServiceIdentity& s, const std::shared_ptr<const GitAttributes>& git) {
  EXPECT_EQ(s.service, "checkout");
  EXPECT_EQ(s.version, "1.4.2");
  EXPECT_EQ(s.environment, "prod");
  ASSERT_NE(git, nullptr);
  EXPECT_THAT(
      git->attributes,
      ElementsAre(Pair("vcs.repository.url.full", "https://github.com/acme/shop"),
                  Pair("vcs.ref.head.revision", "3f2c9a1b7d4e5f60718293a4b5c6d7e8f9012345")));
}

bool IsHexId(const std::string& id, size_t digits) {
  return id.size() == digits && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(OtlpCaptureTest, JsSdkTraces) {
  for (const Kind& kind : kKinds) {
    SCOPED_TRACE(kind.name);
    std::string body = Capture(std::string(kind.name) + "-traces." + kind.extension);
    Result<TelemetryBatch> batch = DecodeOtlpTraces(body, kind.encoding);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    EXPECT_EQ(batch->spans, 2u);
    EXPECT_EQ(batch->rejected, 0u);

    ASSERT_EQ(batch->errors.size(), 1u) << DumpTelemetryBatch(*batch);
    const ErrorEvent& e = batch->errors[0];
    ExpectCheckout(e.service, e.git);
    EXPECT_EQ(e.source, "otlp-span-event");
    EXPECT_EQ(e.type, "TypeError");
    EXPECT_EQ(e.message, "cart is empty");
    EXPECT_THAT(e.stack,
                StartsWith("TypeError: cart is empty\n    at exportWith (/app/otel_app.js:"));
    EXPECT_EQ(e.route, "load cart");
    EXPECT_TRUE(IsHexId(e.trace_id, 32)) << e.trace_id;
    EXPECT_TRUE(IsHexId(e.span_id, 16)) << e.span_id;
    EXPECT_GT(e.time_unix_nano, 1'600'000'000'000'000'000);

    ASSERT_EQ(batch->entries.size(), 1u) << DumpTelemetryBatch(*batch);
    const EntrySpan& entry = batch->entries[0];
    ExpectCheckout(entry.service, entry.git);
    EXPECT_EQ(entry.resource, "GET /users/:id");
    EXPECT_EQ(entry.name, "GET /users/:id");
    EXPECT_TRUE(entry.error);
    EXPECT_EQ(entry.trace_id, e.trace_id);
    ASSERT_EQ(entry.origin.size(), 1u);
    EXPECT_EQ(entry.origin[0].frame.Dump(),
              (Frame{"/app/src/routes/users.js", 42, 7, "getUser", ""}.Dump()));
    EXPECT_GT(entry.duration_nano, 0);
  }
}

TEST(OtlpCaptureTest, JsSdkLogs) {
  for (const Kind& kind : kKinds) {
    SCOPED_TRACE(kind.name);
    std::string body = Capture(std::string(kind.name) + "-logs." + kind.extension);
    Result<TelemetryBatch> batch = DecodeOtlpLogs(body, kind.encoding);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    EXPECT_EQ(batch->log_records, 1u);
    EXPECT_EQ(batch->rejected, 0u);
    ASSERT_EQ(batch->errors.size(), 1u) << DumpTelemetryBatch(*batch);
    const ErrorEvent& e = batch->errors[0];
    ExpectCheckout(e.service, e.git);
    EXPECT_EQ(e.source, "otlp-log");
    EXPECT_EQ(e.type, "RangeError");
    EXPECT_EQ(e.message, "payment amount out of range");
    EXPECT_THAT(e.stack, StartsWith("RangeError: payment amount out of range\n    at "));
    ASSERT_EQ(e.frames.size(), 1u);
    EXPECT_EQ(e.frames[0].Dump(), (Frame{"/app/src/payments.js", 88, 0, "charge", ""}.Dump()));
    EXPECT_GT(e.time_unix_nano, 1'600'000'000'000'000'000);
  }
}

}  // namespace
}  // namespace srclink
