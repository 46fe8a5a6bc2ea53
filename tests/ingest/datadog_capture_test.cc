// What dd-trace 5.132.0 really sends (tests/data/dd_trace/, captured from
// tests/integration/dd_trace_app.js by dd_trace_capture.js) decodes into the
// entry spans of both routes with their handler's line, the thrown error with
// its stack, and the git tags of DD_GIT_*.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "ingest/datadog_traces.h"

namespace srclink {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// The 1-based line of dd_trace_app.js holding `marker`.
int AppLine(const std::string& marker) {
  std::istringstream app(
      ReadFile(std::string(SRCLINK_TEST_DATA) + "/../integration/dd_trace_app.js"));
  std::string line;
  for (int n = 1; std::getline(app, line); ++n) {
    if (line.find(marker) != std::string::npos) return n;
  }
  return -1;
}

const EntrySpan* Entry(const TelemetryBatch& batch, const std::string& resource) {
  for (const EntrySpan& e : batch.entries) {
    if (e.resource == resource) return &e;
  }
  return nullptr;
}

std::string Git(const std::shared_ptr<const GitAttributes>& git) {
  std::string out;
  if (!git) return "(none)";
  for (const auto& [k, v] : git->attributes) out += k + "=" + v + " ";
  return out;
}

class DatadogCaptureTest : public testing::TestWithParam<const char*> {};

TEST_P(DatadogCaptureTest, DecodesWhatDdTraceSends) {
  std::string version = GetParam();
  std::string body =
      ReadFile(std::string(SRCLINK_TEST_DATA) + "/dd_trace/" + version + "_traces.msgpack");
  ASSERT_FALSE(body.empty());
  Result<TelemetryBatch> batch =
      version == "v04" ? DecodeDatadogTracesV04(body) : DecodeDatadogTracesV05(body);
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  EXPECT_EQ(batch->spans, 14u);
  EXPECT_EQ(batch->rejected, 0u);

  const std::string git =
      "_dd.git.commit.sha=0123456789abcdef0123456789abcdef01234567 "
      "_dd.git.repository_url=https://github.com/acme/shop ";
  for (const auto& [resource, marker] :
       {std::pair{"GET /users/:id", "ROUTE users"}, std::pair{"GET /fail", "ROUTE fail"}}) {
    const EntrySpan* e = Entry(*batch, resource);
    ASSERT_NE(e, nullptr) << resource;
    EXPECT_EQ(e->name, "express.request");
    EXPECT_EQ(e->service.service, "shop");
    EXPECT_EQ(e->service.version, "1.4.2");
    EXPECT_EQ(e->service.environment, "test");
    EXPECT_EQ(e->service.language, "javascript");
    EXPECT_EQ(e->origin_type, "entry");
    EXPECT_EQ(e->trace_id.size(), 32u) << "128-bit trace id from _dd.p.tid";
    EXPECT_EQ(Git(e->git), git) << resource;
    ASSERT_EQ(e->origin.size(), 1u) << resource;
    EXPECT_TRUE(e->origin[0].frame.file.ends_with("/tests/integration/dd_trace_app.js"))
        << e->origin[0].frame.file;
    EXPECT_EQ(e->origin[0].frame.line, AppLine(marker)) << resource;
    EXPECT_EQ(e->origin[0].frame.column, 5);
    EXPECT_EQ(e->error, std::string(resource) == "GET /fail");
  }

  ASSERT_EQ(batch->errors.size(), 1u);
  const ErrorEvent& error = batch->errors[0];
  EXPECT_EQ(error.source, "datadog-span");
  EXPECT_EQ(error.type, "TypeError");
  EXPECT_EQ(error.message, "boom: no such order");
  EXPECT_EQ(error.route, "/fail");
  EXPECT_NE(error.stack.find("at failRoute ("), std::string::npos) << error.stack;
  EXPECT_NE(error.stack.find("dd_trace_app.js:" + std::to_string(AppLine("boom: no such"))),
            std::string::npos)
      << error.stack;
  EXPECT_EQ(Git(error.git), git);
  EXPECT_EQ(error.service.version, "1.4.2");
}

INSTANTIATE_TEST_SUITE_P(Versions, DatadogCaptureTest, testing::Values("v04", "v05"));

}  // namespace
}  // namespace srclink
