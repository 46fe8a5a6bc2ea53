#include "server/profile_routes.h"

#include <zstd.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/call_tree.h"
#include "core/git_tags.h"
#include "core/json_text.h"
#include "core/line_profile.h"
#include "core/percent_encoding.h"
#include "core/repository_url.h"
#include "core/source_mapping.h"
#include "ingest/folded_profile.h"
#include "ingest/pprof.h"
#include "ingest/pyroscope_ingest.h"
#include "server/blob_cache.h"
#include "server/commit_cache.h"
#include "server/decompress.h"
#include "server/metrics.h"
#include "server/route_params.h"
#include "server/snippet.h"
#include "server/telemetry_resolution.h"
#include "store/telemetry_store.h"

namespace srclink::server {
namespace {

using json = nlohmann::ordered_json;
using Labels = std::vector<std::pair<std::string, std::string>>;

constexpr int64_t kDefaultMaxNodes = 2048;
constexpr int64_t kMaxMaxNodes = 100'000;
constexpr size_t kMaxChunksPerQuery = 20'000;
constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kMaxCodeWindow = 400;  // lines of a function's code in one answer

std::string LabelsText(const Labels& labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    if (!out.empty()) out += ',';
    out += k + "=" + v;
  }
  return out;
}

// Whether the stored canonical labels ("k=v,k=v") hold every pair of `filter`.
bool LabelsMatch(std::string_view stored, const Labels& filter) {
  for (const auto& [k, v] : filter) {
    const std::string pair = k + "=" + v;
    bool found = false;
    size_t start = 0;
    while (start <= stored.size() && !found) {
      size_t comma = stored.find(',', start);
      if (comma == std::string_view::npos) comma = stored.size();
      found = stored.substr(start, comma - start) == pair;
      start = comma + 1;
    }
    if (!found) return false;
  }
  return true;
}

// The line a Node.js frame name carries: @pyroscope/nodejs names frames
// "FILE:FUNCTION:LINE" ("./server.js:burn:9", the function's line) because
// V8's profiles give functions no start line. 0 when the name has none.
int64_t LineInName(std::string_view name) {
  const size_t colon = name.rfind(':');
  if (colon == std::string_view::npos || colon + 1 >= name.size() || colon + 8 < name.size() ||
      name.find(':') == colon) {
    return 0;
  }
  int64_t line = 0;
  for (char c : name.substr(colon + 1)) {
    if (c < '0' || c > '9') return 0;
    line = line * 10 + (c - '0');
  }
  return line;
}

// The service's .pyroscope.yaml at the commit — in its root path, else at
// the repository root — parsed; `problem` says why it could not be read.
// No file is no mappings, not a problem.
struct LoadedMappings {
  SourceMappings mappings;
  std::string path;     // the file used, "" when none
  std::string problem;  // a file that exists but cannot be used
};

LoadedMappings LoadSourceMappings(ServerContext& ctx, const std::string& repository_url,
                                  const std::string& commit, const std::string& root_path) {
  LoadedMappings out;
  if (repository_url.empty() || commit.empty() || ctx.commits == nullptr) return out;
  auto url = RepositoryUrl::Parse(repository_url, &Hosts(ctx));
  if (!url.ok()) return out;
  auto snapshot = ctx.commits->Lookup(url->Id(), commit);
  if (!snapshot.ok()) return out;
  std::vector<std::string> dirs = {root_path};
  if (!root_path.empty()) dirs.push_back("");
  for (const std::string& dir : dirs) {
    const std::string path = dir.empty() ? ".pyroscope.yaml" : dir + "/.pyroscope.yaml";
    const PathId id = (*snapshot)->index.Find(path);
    if (id == kNoPath) continue;
    out.path = path;
    const std::string_view blob = (*snapshot)->BlobId(id);
    if (blob.empty() || ctx.blobs == nullptr) {
      out.problem = path + " is tracked but its contents were not uploaded";
      return out;
    }
    auto lines = ctx.blobs->Get(blob);
    if (!lines.ok()) {
      out.problem = path + ": " + lines.status().message();
      return out;
    }
    std::string text;
    for (size_t i = 1; i <= (*lines)->size(); ++i) {
      text.append((*lines)->line(i));
      text.push_back('\n');
    }
    auto parsed = SourceMappings::Parse(text, dir);
    if (!parsed.ok()) {
      out.problem = parsed.status().message();
      return out;
    }
    out.mappings = std::move(*parsed);
    return out;
  }
  return out;
}

// A frame a .pyroscope.yaml mapping sends to a GitHub repository: links at
// the ref (srclink shows code only from uploaded repositories).
json GithubSourceJson(const MappedSource& m, int64_t line) {
  const std::string base = "https://github.com/" + EncodePath(m.owner) + "/" + EncodePath(m.repo);
  const std::string anchor = line > 0 ? "#L" + std::to_string(line) : "";
  const std::string at = EncodePath(m.ref) + "/" + EncodePath(m.path);
  return {{"status", "external"},
          {"rule", "source-mapping"},
          {"explanation",
           m.rule + ": github.com/" + m.owner + "/" + m.repo + " at " + m.ref + ", " + m.path},
          {"user_code", false},
          {"links",
           {{"file", base + "/blob/" + at + anchor},
            {"blame", base + "/blame/" + at + anchor},
            {"commit", base + "/tree/" + EncodePath(m.ref)}}}};
}

// Chunks' trees and line tables are stored zstd-compressed (function and
// file names repeat across chunks' own string tables: ~5x smaller). A part
// that is not a zstd frame is read as it is.
std::string PackChunkPart(const std::string& raw) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), 3);
  if (ZSTD_isError(n)) return raw;
  out.resize(n);
  return out;
}

Result<std::string> UnpackChunkPart(const std::string& stored) {
  static constexpr char kZstdMagic[] = "\x28\xb5\x2f\xfd";
  if (stored.size() < 4 || stored.compare(0, 4, kZstdMagic, 4) != 0) return stored;
  Decompressed d = DecompressZstd(stored, kMaxProfileChunkBytes);
  if (d.outcome != Decompressed::Outcome::kOk) {
    return Status::InvalidArgument("a stored profile chunk does not decompress: " + d.error);
  }
  return std::move(d.data);
}

Result<CallTree> ReadTree(const ProfileChunk& c) {
  auto raw = UnpackChunkPart(c.tree);
  if (!raw.ok()) return raw.status();
  return CallTree::Deserialize(*raw);
}

Result<LineProfile> ReadLines(const ProfileChunk& c) {
  auto raw = UnpackChunkPart(c.lines);
  if (!raw.ok()) return raw.status();
  return LineProfile::Deserialize(*raw);
}

std::string Param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

// ------------------------------------------------------------------ ingest

void HandleIngest(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!Allow(ctx, req, res, kScopeUpload) || !TelemetryKept(ctx, res)) return;
  const bool multipart = req.is_multipart_form_data();
  auto ingest =
      ParsePyroscopeIngest([&req](const char* name) { return Param(req, name); }, multipart);
  if (!ingest.ok()) {
    SendStatus(res, ingest.status());
    return;
  }

  std::string raw;
  if (multipart) {
    if (!req.has_file("profile")) {
      SendError(res, 400, "invalid_argument",
                "the multipart body has no 'profile' part: send the pprof file as the form "
                "field 'profile', as the Pyroscope SDKs do",
                "profile");
      return;
    }
    raw = req.get_file_value("profile").content;
  } else {
    auto body = ReadBody(ctx, req, res);
    if (!body) return;
    raw = std::move(*body);
  }
  // SDKs send gzipped pprof without a Content-Encoding.
  if (IsGzip(raw)) {
    Decompressed d = DecompressGzip(raw, ctx.options->max_body);
    if (d.outcome == Decompressed::Outcome::kTooLarge) {
      SendError(res, 413, "payload_too_large",
                "the profile is larger than " + std::to_string(ctx.options->max_body) +
                    " bytes once decompressed (srclink serve --max-body)");
      return;
    }
    if (d.outcome == Decompressed::Outcome::kCorrupt) {
      SendError(res, 400, "invalid_argument", "the gzipped profile is corrupt: " + d.error);
      return;
    }
    raw = std::move(d.data);
  }

  const PyroscopeIngest& in = *ingest;
  // The profile's strings are views into `raw` and these: keep them alive.
  const std::string folded_type = in.app.profile_type.empty() ? "cpu" : in.app.profile_type;
  const std::string folded_unit = in.units.empty() ? "samples" : in.units;
  Result<Profile> profile = in.format == PyroscopeFormat::kPprof
                                ? DecodePprof(raw)
                                : DecodeFoldedProfile(raw, folded_type, folded_unit);
  if (!profile.ok()) {
    SendStatus(res, profile.status().WithContext("the profile of " + in.app.service));
    return;
  }

  // Where the code is: the labels' git tags, the commit resolved if uploaded.
  std::vector<Attribute> attributes;
  for (const auto& [k, v] : in.app.labels) attributes.emplace_back(k, v);
  GitTags tags = ExtractGitTags(attributes, &Hosts(ctx));
  std::string commit = tags.commit;
  if (tags.has_repository() && tags.has_commit() && ctx.commits != nullptr) {
    auto sha = ctx.commits->ResolveSha(tags.repository_id, tags.commit);
    if (sha.ok()) commit = *sha;
  }

  const int64_t now_ms = ctx.now() * 1000;
  int64_t start = in.from * 1000;
  if (start == 0) start = profile->time_nanos > 0 ? profile->time_nanos / 1'000'000 : now_ms;
  int64_t end = in.until * 1000;
  if (end == 0) end = std::max(start, start + profile->duration_nanos / 1'000'000);
  end = std::max(end, start);

  std::vector<ProfileChunk> chunks;
  json types = json::array();
  for (size_t i = 0; i < profile->sample_types.size(); ++i) {
    CallTree tree;
    LineProfile lines;
    if (Status s = tree.AddProfile(*profile, i); !s.ok()) {
      SendStatus(res, s);
      return;
    }
    if (Status s = lines.AddProfile(*profile, i); !s.ok()) {
      SendStatus(res, s);
      return;
    }
    ProfileChunk c;
    c.service = in.app.service;
    c.profile_type = std::string(profile->str(profile->sample_types[i].type)) + ":" +
                     std::string(profile->str(profile->sample_types[i].unit));
    c.labels = LabelsText(in.app.labels);
    c.repository_url = tags.repository_url;
    c.commit = commit;
    c.root_path = tags.root_path;
    c.start = start;
    c.end = end;
    c.total = tree.total(CallTree::kRoot);
    c.tree = PackChunkPart(tree.Serialize());
    c.lines = PackChunkPart(lines.Serialize());
    types.push_back(c.profile_type);
    chunks.push_back(std::move(c));
  }
  if (Status s = ctx.telemetry_store->AddProfiles(chunks); !s.ok()) {
    SendStatus(res, s);
    return;
  }
  if (tags.has_repository()) {
    // What `srclink trace --service` and /api/v1/resolve {"service"} use.
    ServiceTags learnt{in.app.service, "",    tags.repository_url, tags.commit,
                       tags.root_path, now_ms};
    ctx.telemetry_store->PutServiceTags({learnt});  // best effort: the profile is stored
  }
  json answer = {{"service", in.app.service},
                 {"profile_types", std::move(types)},
                 {"samples", profile->samples.size()}};
  if (tags.has_repository()) answer["repository_id"] = tags.repository_id;
  if (!commit.empty()) answer["commit"] = commit;
  if (!tags.problems.empty()) answer["git_tag_problems"] = tags.problems;
  SendJson(res, answer);
}

// ------------------------------------------------------------------ queries

// The chunks a query names: service, type, range (ms), labels and (unless
// !by_commit) commit from the request. On a bad parameter, answers 400 and
// returns false.
struct ChunkQuery {
  ProfileQuery query;
  Labels labels;
  std::vector<ProfileChunk> chunks;  // labels matched, newest first
};

bool ReadChunks(ServerContext& ctx, const httplib::Request& req, httplib::Response& res,
                ChunkQuery* out, bool by_commit = true) {
  ProfileQuery& q = out->query;
  q.service = Param(req, "service");
  q.profile_type = Param(req, "type");
  if (q.service.empty() || q.profile_type.empty()) {
    SendError(res, 400, "invalid_argument",
              "service and type are required: GET /api/v1/profiles/services lists them",
              q.service.empty() ? "service" : "type");
    return false;
  }
  const int64_t now_ms = ctx.now() * 1000;
  if (!ReadIntParam(req, res, "until", now_ms, 0, INT64_MAX / 2, &q.until) ||
      !ReadIntParam(req, res, "from", std::max<int64_t>(0, q.until - kHourMs), 0, INT64_MAX / 2,
                    &q.from)) {
    return false;
  }
  if (by_commit) q.commit = Param(req, "commit");
  q.limit = kMaxChunksPerQuery;
  const std::string labels = Param(req, "labels");
  if (!labels.empty()) {
    auto parsed = ParsePyroscopeAppName("labels{" + labels + "}");
    if (!parsed.ok()) {
      SendError(res, 400, "invalid_argument",
                "labels must be key=value pairs separated by commas (\"env=prod,region=eu\")",
                "labels");
      return false;
    }
    out->labels = parsed->labels;
  }
  auto chunks = ctx.telemetry_store->ReadProfiles(q);
  if (!chunks.ok()) {
    SendStatus(res, chunks.status());
    return false;
  }
  for (ProfileChunk& c : *chunks) {
    if (LabelsMatch(c.labels, out->labels)) out->chunks.push_back(std::move(c));
  }
  return true;
}

// The commits of the chunks, heaviest first: {"commit", "total", "repository_url"}.
json CommitsJson(const std::vector<ProfileChunk>& chunks) {
  std::map<std::string, std::pair<int64_t, std::string>> totals;
  for (const ProfileChunk& c : chunks) {
    auto& t = totals[c.commit];
    t.first += c.total;
    if (t.second.empty()) t.second = c.repository_url;
  }
  std::vector<std::pair<std::string, std::pair<int64_t, std::string>>> sorted(totals.begin(),
                                                                              totals.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
  json out = json::array();
  for (const auto& [commit, t] : sorted) {
    out.push_back({{"commit", commit}, {"total", t.first}, {"repository_url", t.second}});
  }
  return out;
}

void HandleServices(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!Allow(ctx, req, res, kScopeRead) || !TelemetryKept(ctx, res)) return;
  auto series = ctx.telemetry_store->ListProfileSeries();
  if (!series.ok()) {
    SendStatus(res, series.status());
    return;
  }
  json services = json::array();
  for (const ProfileSeriesInfo& s : *series) {
    if (services.empty() || services.back()["service"] != s.service) {
      services.push_back({{"service", s.service}, {"profile_types", json::array()}});
    }
    services.back()["profile_types"].push_back(
        {{"type", s.profile_type}, {"first", s.first}, {"last", s.last}, {"chunks", s.chunks}});
  }
  SendJson(res, {{"services", std::move(services)}});
}

void HandleFlamegraph(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!Allow(ctx, req, res, kScopeRead) || !TelemetryKept(ctx, res)) return;
  int64_t max_nodes = 0;
  if (!ReadIntParam(req, res, "max_nodes", kDefaultMaxNodes, 2, kMaxMaxNodes, &max_nodes)) return;
  ChunkQuery q;
  if (!ReadChunks(ctx, req, res, &q)) return;
  CallTree merged;
  LineProfile lines;
  size_t corrupt = 0;
  for (const ProfileChunk& c : q.chunks) {
    auto tree = ReadTree(c);
    auto table = ReadLines(c);
    if (!tree.ok() || !table.ok()) {
      ++corrupt;
      continue;
    }
    merged.Merge(*tree);
    lines.Merge(*table);
  }
  const size_t before = merged.size();
  merged.Prune(static_cast<size_t>(max_nodes));
  json hottest = json::array();
  for (const auto& f : lines.HottestFunctions(20, LineProfile::Order::kBySelf)) {
    hottest.push_back({{"name", f.name}, {"self", f.self}, {"total", f.total}});
  }
  json head = {{"service", q.query.service},
               {"type", q.query.profile_type},
               {"from", q.query.from},
               {"until", q.query.until},
               {"total", merged.total(CallTree::kRoot)},
               {"chunks", q.chunks.size()},
               {"nodes", merged.size()},
               {"nodes_before_pruning", before},
               {"commits", CommitsJson(q.chunks)},
               {"hottest", std::move(hottest)}};
  if (corrupt > 0) head["skipped_chunks"] = corrupt;
  // The tree's JSON is written by CallTree without recursion; splice it in
  // rather than parse it into a (recursive) json value.
  std::string body = head.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  body.pop_back();  // '}'
  body += ",\"flamegraph\":";
  body += merged.ToJson();
  body += '}';
  res.set_content(body, "application/json");
}

void HandleFunction(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!Allow(ctx, req, res, kScopeRead) || !TelemetryKept(ctx, res)) return;
  const std::string name = Param(req, "name");
  if (name.empty()) {
    SendError(res, 400, "invalid_argument",
              "name is required: the function's name as the flame graph shows it", "name");
    return;
  }
  // Every chunk of the range, whatever its commit: they list the commits
  // seen, heaviest first; the function's lines come from one commit's.
  ChunkQuery q;
  const std::string asked_commit = Param(req, "commit");
  if (!ReadChunks(ctx, req, res, &q, /*by_commit=*/false)) return;
  json commits = CommitsJson(q.chunks);
  const bool found = std::any_of(q.chunks.begin(), q.chunks.end(), [&](const ProfileChunk& c) {
    return asked_commit.empty() || c.commit == asked_commit;
  });
  if (!found) {
    SendError(res, 404, "not_found",
              "no " + q.query.profile_type + " profiles of " + q.query.service + " in this range" +
                  (asked_commit.empty() ? "" : " at commit " + asked_commit) +
                  ": widen from/until, or check GET /api/v1/profiles/services");
    return;
  }
  const std::string commit =
      asked_commit.empty() ? commits[0]["commit"].get<std::string>() : asked_commit;
  LineProfile lines;
  std::string repository_url, root_path;
  for (const ProfileChunk& c : q.chunks) {
    if (c.commit != commit) continue;
    auto table = ReadLines(c);
    if (!table.ok()) continue;
    lines.Merge(*table);
    if (repository_url.empty()) {
      repository_url = c.repository_url;
      root_path = c.root_path;
    }
  }
  std::vector<LineProfile::FileLines> files = lines.FunctionLines(name);
  if (files.empty()) {
    SendError(res, 404, "not_found",
              "the function " + name + " has no samples in " + q.query.profile_type +
                  " profiles of " + q.query.service + " at this commit and range",
              "name");
    return;
  }
  int64_t self = 0, total = 0;
  for (const auto& f : lines.HottestFunctions(lines.function_count())) {
    if (f.name == name) {
      self = f.self;
      total = f.total;
      break;
    }
  }

  CodeLocation location{repository_url, commit, root_path, "the profile's labels"};
  TelemetryResolution resolution(ctx, location);
  LoadedMappings mappings = LoadSourceMappings(ctx, repository_url, commit, root_path);
  json files_json = json::array();
  for (const LineProfile::FileLines& f : files) {
    const int64_t start_line = f.start_line > 0 ? f.start_line : LineInName(name);
    json fj = {{"file", f.file}, {"start_line", start_line}};
    json line_stats = json::array();
    int64_t first_hot = 0, last_hot = 0;
    for (const auto& l : f.lines) {
      line_stats.push_back({{"line", l.line}, {"self", l.self}, {"total", l.total}});
      if (l.line > 0 && (first_hot == 0 || l.line < first_hot)) first_hot = l.line;
      last_hot = std::max(last_hot, l.line);
    }
    fj["lines"] = std::move(line_stats);
    // Links at the function's start; code from the start (or 5 lines above
    // the first hot line) to 5 lines below the last hot line.
    const int64_t anchor = start_line > 0 ? start_line : first_hot;
    // A .pyroscope.yaml mapping decides first: a file of this repository, or
    // another repository at a ref.
    std::string file = f.file;
    std::optional<MappedSource> mapped = mappings.mappings.Map(f.file, name);
    if (mapped && mapped->kind == MappedSource::Kind::kGithub) {
      fj["resolution"] = GithubSourceJson(*mapped, anchor);
      fj["code_error"] = "the code is in github.com/" + mapped->owner + "/" + mapped->repo +
                         " at " + mapped->ref + "; srclink shows code only from uploaded commits";
      files_json.push_back(std::move(fj));
      continue;
    }
    if (mapped) file = mapped->repository_path;
    Frame at_start{file, static_cast<int>(anchor), 0, name, ""};
    json resolved = resolution.Resolve({at_start}, false, 0, "")[0];
    if (mapped) resolved["mapping"] = mapped->rule;
    fj["resolution"] = resolved;
    if (first_hot > 0 && resolved.value("status", "") == "resolved") {
      int64_t lo = std::max<int64_t>(1, first_hot - 5);
      if (start_line > 0 && start_line < lo) lo = start_line;
      int64_t hi = last_hot + 5;
      if (hi - lo + 1 > kMaxCodeWindow) lo = std::max<int64_t>(1, hi - kMaxCodeWindow + 1);
      const int64_t context = (hi - lo + 1) / 2;
      Frame middle{file, static_cast<int>(lo + context), 0, name, ""};
      json code = resolution.Resolve({middle}, true, static_cast<int>(context), "")[0];
      if (code.contains("snippet")) {
        fj["code"] = {{"start_line", code["snippet"]["start_line"]},
                      {"lines", code["snippet"]["lines"]}};
      } else if (code.contains("snippet_error")) {
        fj["code_error"] = code["snippet_error"];
      }
    }
    files_json.push_back(std::move(fj));
  }
  json answer = {{"function", name},
                 {"service", q.query.service},
                 {"type", q.query.profile_type},
                 {"from", q.query.from},
                 {"until", q.query.until},
                 {"repository_url", repository_url},
                 {"commit", commit},
                 {"self", self},
                 {"total", total},
                 {"commits", std::move(commits)},
                 {"files", std::move(files_json)}};
  if (!resolution.problem().empty()) answer["problem"] = resolution.problem();
  if (!mappings.path.empty()) answer["source_mappings"] = mappings.path;
  if (!mappings.problem.empty()) answer["source_mappings_problem"] = mappings.problem;
  SendJson(res, answer);
}

}  // namespace

void RegisterProfileIngestRoute(httplib::Server& http, ServerContext& ctx) {
  ServerContext* c = &ctx;
  http.Post("/ingest", [c](const httplib::Request& req, httplib::Response& res) {
    HandleIngest(*c, req, res);
  });
}

void RegisterProfileRoutes(httplib::Server& http, ServerContext& ctx) {
  ServerContext* c = &ctx;
  RegisterProfileIngestRoute(http, ctx);
  http.Get("/api/v1/profiles/services", [c](const httplib::Request& req, httplib::Response& res) {
    HandleServices(*c, req, res);
  });
  http.Get("/api/v1/profiles/flamegraph", [c](const httplib::Request& req, httplib::Response& res) {
    HandleFlamegraph(*c, req, res);
  });
  http.Get("/api/v1/profiles/function", [c](const httplib::Request& req, httplib::Response& res) {
    HandleFunction(*c, req, res);
  });
}

}  // namespace srclink::server
