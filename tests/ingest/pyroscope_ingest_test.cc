#include "ingest/pyroscope_ingest.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace srclink {
namespace {

std::string AppDump(std::string_view name) {
  Result<PyroscopeAppName> r = ParsePyroscopeAppName(name);
  return r.ok() ? r->Dump() : "error: " + r.status().message();
}

TEST(PyroscopeIngestTest, AppNames) {
  const std::pair<std::string, std::string> cases[] = {
      {"checkout", "checkout"},
      {"checkout.cpu", "checkout type=cpu"},
      {"checkout.alloc_space{}", "checkout type=alloc_space"},
      {"my.app{env=prod}", "my.app env=prod"},
      // What @pyroscope/nodejs 0.6 sends.
      {"shop{otel.scope.name=com.grafana.pyroscope/nodejs,otel.scope.version=0.6.4,"
       "process.runtime.name=nodejs,service_git_ref=main,service_repository=https://github.com/"
       "acme/shop}",
       "shop otel.scope.name=com.grafana.pyroscope/nodejs otel.scope.version=0.6.4 "
       "process.runtime.name=nodejs service_git_ref=main "
       "service_repository=https://github.com/acme/shop"},
      {"a{ b = 1 , a=2,}", "a a=2 b=1"},
      {"a{k=1,k=2}", "a k=2"},
      {"a{k=x=y}", "a k=x=y"},
      {"a{k=}", "a k="},
      {"",
       "error: name \"\": no application name before the labels (expected APP or "
       "APP{key=value,…}, as Pyroscope clients send)"},
      {"{env=prod}",
       "error: name \"{env=prod}\": no application name before the labels (expected "
       "APP or APP{key=value,…}, as Pyroscope clients send)"},
      {"a{env=prod",
       "error: name \"a{env=prod\": the labels' '{' is not closed (expected APP or "
       "APP{key=value,…}, as Pyroscope clients send)"},
      {"a{env}",
       "error: name \"a{env}\": label \"env\" has no '=' (expected APP or "
       "APP{key=value,…}, as Pyroscope clients send)"},
      {"a{e v=1}",
       "error: name \"a{e v=1}\": label key \"e v\" is not letters, digits, '_', "
       "'.', '-' (expected APP or APP{key=value,…}, as Pyroscope clients send)"},
  };
  for (const auto& [name, want] : cases) EXPECT_EQ(AppDump(name), want) << name;
  std::string many = "a{";
  for (int i = 0; i < 65; ++i) many += "k" + std::to_string(i) + "=v,";
  many += "}";
  EXPECT_NE(AppDump(many).find("more than 64 labels"), std::string::npos);
  EXPECT_NE(AppDump(std::string(9000, 'a')).find("longer than 8192 bytes"), std::string::npos);
}

std::string IngestDump(const std::map<std::string, std::string>& q, bool multipart = false) {
  Result<PyroscopeIngest> r = ParsePyroscopeIngest(
      [&q](const char* name) {
        auto it = q.find(name);
        return it == q.end() ? std::string() : it->second;
      },
      multipart);
  return r.ok() ? r->Dump() : "error: " + r.status().message();
}

TEST(PyroscopeIngestTest, Queries) {
  EXPECT_EQ(IngestDump({{"name", "shop{env=prod}"},
                        {"from", "1700000000"},
                        {"until", "1700000010"},
                        {"format", "pprof"},
                        {"spyName", "nodespy"},
                        {"sampleRate", "99"}}),
            "shop env=prod from=1700000000 until=1700000010 rate=99 spy=nodespy pprof");
  // Times in ms and ns; folded is the default; multipart defaults to pprof.
  EXPECT_EQ(
      IngestDump(
          {{"name", "shop.cpu"}, {"from", "1700000000000"}, {"until", "1700000010000000000"}}),
      "shop type=cpu from=1700000000 until=1700000010 rate=100 folded");
  EXPECT_EQ(IngestDump({{"name", "shop"}}, /*multipart=*/true),
            "shop from=0 until=0 rate=100 pprof");
  EXPECT_EQ(IngestDump({{"name", "shop"},
                        {"format", "lines"},
                        {"units", "samples"},
                        {"aggregationType", "sum"}}),
            "shop from=0 until=0 rate=100 units=samples aggregation=sum folded");

  EXPECT_EQ(IngestDump({}),
            "error: the name parameter is missing: /ingest?name=APP{key=value,…} names the "
            "service");
  EXPECT_EQ(IngestDump({{"name", "a"}, {"from", "yesterday"}}),
            "error: from=\"yesterday\" is not a time: give unix seconds (or ms, ns)");
  EXPECT_EQ(IngestDump({{"name", "a"}, {"from", "20"}, {"until", "10"}}),
            "error: until=10 is before from=20: swap them");
  EXPECT_EQ(IngestDump({{"name", "a"}, {"sampleRate", "0"}}),
            "error: sampleRate=\"0\" is not a rate in Hz between 1 and 1000000");
  EXPECT_EQ(IngestDump({{"name", "a"}, {"format", "jfr"}}),
            "error: format=\"jfr\" is not one srclink reads: send pprof (raw, gzipped, or "
            "multipart with a 'profile' part) or lines (\"a;b;c 42\")");
}

}  // namespace
}  // namespace srclink
