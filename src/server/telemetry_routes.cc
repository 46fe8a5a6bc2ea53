#include "server/telemetry_routes.h"

#include <array>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>

#include "server/resolve_request.h"
#include "server/route_params.h"
#include "server/snippet.h"
#include "server/telemetry_resolution.h"
#include "store/telemetry_store.h"

namespace srclink::server {
namespace {

using json = nlohmann::ordered_json;

constexpr int64_t kMaxListing = 1000;
constexpr int kHourlyBuckets = 24;  // "hourly": the last day, for a sparkline

// The first of the kHourlyBuckets hours that end with the current one (the
// server's clock).
int64_t FirstHourlyHour(const ServerContext& ctx) {
  return HourStart(ctx.now() * 1000) - (kHourlyBuckets - 1) * kHourMs;
}

// The group's counts per hour from `first_hour`, oldest first: kHourlyBuckets
// integers, 0 for hours without errors; later hours (clocks ahead of the
// server's) are left out.
json HourlyJson(const std::map<int64_t, HourCounts>& hours, int64_t group_id, int64_t first_hour) {
  std::array<int64_t, kHourlyBuckets> counts{};
  if (auto it = hours.find(group_id); it != hours.end()) {
    for (const auto& [hour, count] : it->second) {
      if (hour < first_hour) continue;
      int64_t i = (hour - first_hour) / kHourMs;
      if (i < kHourlyBuckets) counts[static_cast<size_t>(i)] += count;
    }
  }
  return counts;
}

// Where a service's code is when its telemetry did not say: what was learnt
// for that version, else for its most recent version.
CodeLocation Learnt(ServerContext& ctx, const std::string& service, const std::string& version) {
  CodeLocation where;
  auto tags = ctx.telemetry_store->GetServiceTags(service, version);
  if (!tags.ok() && !version.empty()) tags = ctx.telemetry_store->GetServiceTags(service, "");
  if (!tags.ok()) return where;
  where.repository_url = tags->repository_url;
  where.commit = tags->commit;
  where.root_path = tags->root_path;
  where.source = "learnt from " + service + (tags->version.empty() ? "" : " " + tags->version) +
                 "'s telemetry";
  return where;
}

json GroupJson(const ErrorGroup& g) {
  json versions = json::array();
  for (const auto& v : g.versions) {
    versions.push_back({{"version", v.version},
                        {"count", v.count},
                        {"first_seen", v.first_seen},
                        {"last_seen", v.last_seen}});
  }
  return {{"id", g.id},
          {"service", g.service},
          {"environment", g.environment},
          {"fingerprint", g.fingerprint},
          {"type", g.type},
          {"message", g.message},
          {"language", g.language},
          {"count", g.count},
          {"first_seen", g.first_seen},
          {"last_seen", g.last_seen},
          {"versions", std::move(versions)}};
}

void HandleServices(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!Allow(ctx, req, res, kScopeRead) || !TelemetryKept(ctx, res)) return;
  auto services = ctx.telemetry_store->ListServices();
  if (!services.ok()) return SendStatus(res, services.status());
  json list = json::array();
  for (const auto& s : *services) {
    json j = {{"service", s.service},
              {"error_groups", s.error_groups},
              {"code_origins", s.code_origins},
              {"last_seen", s.last_seen}};
    auto tags = ctx.telemetry_store->GetServiceTags(s.service, "");
    if (tags.ok()) {
      j["git"] = {{"repository_url", tags->repository_url},
                  {"commit", tags->commit},
                  {"version", tags->version}};
      if (!tags->root_path.empty()) j["git"]["root_path"] = tags->root_path;
    }
    list.push_back(std::move(j));
  }
  SendJson(res, {{"services", std::move(list)}});
}

void HandleErrors(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!Allow(ctx, req, res, kScopeRead) || !TelemetryKept(ctx, res)) return;
  ErrorGroupFilter filter;
  filter.service = req.get_param_value("service");
  filter.environment = req.get_param_value("environment");
  filter.version = req.get_param_value("version");
  filter.query = req.get_param_value("q");
  int64_t limit = 0;
  if (!ReadIntParam(req, res, "since", 0, 0, INT64_MAX, &filter.since) ||
      !ReadIntParam(req, res, "until", 0, 0, INT64_MAX, &filter.until) ||
      !ReadIntParam(req, res, "limit", 100, 1, kMaxListing, &limit)) {
    return;
  }
  filter.limit = static_cast<size_t>(limit);
  auto groups = ctx.telemetry_store->ListErrorGroups(filter);
  if (!groups.ok()) return SendStatus(res, groups.status());
  std::vector<int64_t> ids;
  ids.reserve(groups->size());
  for (const auto& g : *groups) ids.push_back(g.id);
  const int64_t first_hour = FirstHourlyHour(ctx);
  auto hours = ctx.telemetry_store->ErrorHours(ids, first_hour);
  if (!hours.ok()) return SendStatus(res, hours.status());
  json list = json::array();
  for (const auto& g : *groups) {
    json j = GroupJson(g);
    j["hourly"] = HourlyJson(*hours, g.id, first_hour);
    list.push_back(std::move(j));
  }
  SendJson(res, {{"errors", std::move(list)}});
}

// The latest event of a group, its frames resolved at its commit.
void HandleError(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!Allow(ctx, req, res, kScopeRead) || !TelemetryKept(ctx, res)) return;
  int64_t id = 0;
  {
    std::string text = req.matches[1];
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
      return SendError(res, 400, "invalid_argument",
                       "error id \"" + text.substr(0, 40) + "\" is not a positive integer", "id");
    }
  }
  int64_t context = 0, events = 0;
  if (!ReadIntParam(req, res, "context", kDefaultSnippetContext, 0, kMaxSnippetContext, &context) ||
      !ReadIntParam(req, res, "events", 1, 1, 100, &events)) {
    return;
  }
  const bool snippets = req.get_param_value("snippets") != "false";
  auto group = ctx.telemetry_store->GetErrorGroup(id);
  if (!group.ok()) return SendStatus(res, group.status(), "id");
  json out = GroupJson(*group);
  const int64_t first_hour = FirstHourlyHour(ctx);
  auto hours = ctx.telemetry_store->ErrorHours({id}, first_hour);
  if (!hours.ok()) return SendStatus(res, hours.status());
  out["hourly"] = HourlyJson(*hours, id, first_hour);
  auto kept = ctx.telemetry_store->ListErrorEvents(id, static_cast<size_t>(events));
  if (!kept.ok()) return SendStatus(res, kept.status());
  json list = json::array();
  for (size_t i = 0; i < kept->size(); ++i) {
    json event = json::parse((*kept)[i], nullptr, /*allow_exceptions=*/false);
    if (!event.is_object()) continue;
    if (i == 0) {
      // Resolve the newest event: its own tags, else what was learnt.
      CodeLocation where;
      if (event.contains("git") && event["git"].is_object()) {
        const json& g = event["git"];
        where.repository_url = g.value("repository_url", "");
        where.commit = g.value("commit", "");
        where.root_path = g.value("root_path", "");
        where.source = "the event's git tags";
      }
      if (where.repository_url.empty() || where.commit.empty()) {
        CodeLocation learnt = Learnt(ctx, event.value("service", ""), event.value("version", ""));
        if (!learnt.repository_url.empty()) where = learnt;
      }
      TelemetryResolution resolution(ctx, where);
      json git = {
          {"repository_url", where.repository_url},
          {"commit", resolution.commit_sha().empty() ? where.commit : resolution.commit_sha()},
          {"source", where.source}};
      if (!where.root_path.empty()) git["root_path"] = where.root_path;
      if (!resolution.problem().empty()) git["problem"] = resolution.problem();
      event["resolved_at"] = std::move(git);
      if (event.contains("exceptions") && event["exceptions"].is_array()) {
        const std::string runtime = event.value("runtime_version", "");
        for (json& ex : event["exceptions"]) {
          if (!ex.contains("frames") || !ex["frames"].is_array()) continue;
          std::vector<Frame> frames;
          for (const json& f : ex["frames"]) {
            Frame frame;
            frame.file = f.value("file", "");
            frame.line = f.value("line", 0);
            frame.column = f.value("column", 0);
            frame.function = f.value("function", "");
            frame.module = f.value("module", "");
            frames.push_back(std::move(frame));
          }
          json resolved = resolution.Resolve(frames, snippets, static_cast<int>(context), runtime);
          for (size_t k = 0; k < frames.size(); ++k) {
            ex["frames"][k]["resolution"] = std::move(resolved[k]);
          }
        }
      }
    }
    list.push_back(std::move(event));
  }
  out["events"] = std::move(list);
  SendJson(res, out);
}

void HandleCodeOrigins(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!Allow(ctx, req, res, kScopeRead) || !TelemetryKept(ctx, res)) return;
  int64_t limit = 0, context = 0;
  if (!ReadIntParam(req, res, "limit", 100, 1, kMaxListing, &limit) ||
      !ReadIntParam(req, res, "context", kDefaultSnippetContext, 0, kMaxSnippetContext, &context)) {
    return;
  }
  const bool snippets = req.get_param_value("snippets") == "true";
  const std::string service = req.get_param_value("service");
  auto origins = ctx.telemetry_store->ListCodeOrigins(service, static_cast<size_t>(limit));
  if (!origins.ok()) return SendStatus(res, origins.status());
  json list = json::array();
  for (const CodeOrigin& o : *origins) {
    json j = {{"service", o.service},
              {"environment", o.environment},
              {"resource", o.resource},
              {"version", o.version},
              {"requests", o.count},
              {"errors", o.errors},
              {"first_seen", o.first_seen},
              {"last_seen", o.last_seen},
              {"latest_trace_id", o.latest_trace_id}};
    if (o.file.empty()) {
      j["origin_error"] =
          "no code origin captured for this entry point: run the service with "
          "DD_CODE_ORIGIN_FOR_SPANS_ENABLED=true (Datadog tracers) or set code.* attributes "
          "on its server spans (OpenTelemetry)";
      list.push_back(std::move(j));
      continue;
    }
    json frame = {{"file", o.file}, {"line", o.line}};
    if (o.column > 0) frame["column"] = o.column;
    if (!o.function.empty()) frame["function"] = o.function;
    if (!o.type.empty()) frame["type"] = o.type;
    CodeLocation where{o.repository_url, o.commit_sha, "", "the span's git tags"};
    if (where.repository_url.empty() || where.commit.empty()) {
      CodeLocation learnt = Learnt(ctx, o.service, o.version);
      if (!learnt.repository_url.empty()) where = learnt;
    }
    TelemetryResolution resolution(ctx, where);
    Frame f;
    f.file = o.file;
    f.line = o.line;
    f.column = o.column;
    f.function = o.function;
    f.module = o.type;
    json resolved = resolution.Resolve({f}, snippets, static_cast<int>(context), "");
    frame["resolution"] = std::move(resolved[0]);
    j["frame"] = std::move(frame);
    j["git"] = {
        {"repository_url", where.repository_url},
        {"commit", resolution.commit_sha().empty() ? where.commit : resolution.commit_sha()}};
    list.push_back(std::move(j));
  }
  SendJson(res, {{"code_origins", std::move(list)}});
}

}  // namespace

void RegisterTelemetryRoutes(httplib::Server& http, ServerContext& ctx) {
  ServerContext* c = &ctx;
  http.Get("/api/v1/services", [c](const httplib::Request& req, httplib::Response& res) {
    HandleServices(*c, req, res);
  });
  http.Get("/api/v1/errors", [c](const httplib::Request& req, httplib::Response& res) {
    HandleErrors(*c, req, res);
  });
  http.Get(R"(/api/v1/errors/(.+))",
           [c](const httplib::Request& req, httplib::Response& res) { HandleError(*c, req, res); });
  http.Get("/api/v1/code-origins", [c](const httplib::Request& req, httplib::Response& res) {
    HandleCodeOrigins(*c, req, res);
  });
}

}  // namespace srclink::server
