#include "server/telemetry_aggregator.h"

#include <nlohmann/json.hpp>

#include "core/error_fingerprint.h"
#include "core/frame_origin.h"
#include "core/frame_path.h"
#include "core/git_tags.h"
#include "core/stack_trace.h"

namespace srclink::server {
namespace {

using json = nlohmann::ordered_json;

int64_t NanosToMillis(int64_t nanos) { return nanos / 1000000; }

// The event's stack as exceptions and frames: parsed from its text when it
// has one, else its code location as one frame.
StackTrace EventTrace(const ErrorEvent& e) {
  if (!e.stack.empty()) {
    auto parsed = ParseStackTrace(e.stack, ParseTraceLanguage(e.service.language));
    if (parsed.ok()) {
      // A trace printed without a header line ("at x (y:1:2)" only) still
      // belongs to the event's exception.
      for (auto& ex : parsed->exceptions) {
        if (ex.type.empty() && ex.relation.empty()) {
          ex.type = e.type;
          if (ex.message.empty()) ex.message = e.message;
        }
      }
      return std::move(*parsed);
    }
  }
  StackTrace trace;
  trace.language = ParseTraceLanguage(e.service.language);
  TraceException ex;
  ex.type = e.type;
  ex.message = e.message;
  for (const Frame& f : e.frames) {
    TraceFrame tf;
    tf.frame = f;
    tf.in_app = ClassifyFrame(f, NormalizeFramePath(f.file)).kind == OriginKind::kUser;
    ex.frames.push_back(std::move(tf));
  }
  trace.exceptions.push_back(std::move(ex));
  return trace;
}

json FrameJson(const TraceFrame& f) {
  json j = {{"file", f.frame.file}};
  if (f.frame.line > 0) j["line"] = f.frame.line;
  if (f.frame.column > 0) j["column"] = f.frame.column;
  if (!f.frame.function.empty()) j["function"] = f.frame.function;
  if (!f.frame.module.empty()) j["module"] = f.frame.module;
  j["in_app"] = f.in_app;
  if (!f.address.empty()) j["address"] = f.address;
  return j;
}

std::string EventJson(const ErrorEvent& e, const StackTrace& trace, const GitTags& tags,
                      int64_t time_ms) {
  json exceptions = json::array();
  for (const auto& ex : trace.exceptions) {
    json frames = json::array();
    for (const auto& f : ex.frames) frames.push_back(FrameJson(f));
    json j = {{"type", ex.type}, {"message", ex.message}};
    if (!ex.relation.empty()) j["relation"] = ex.relation;
    j["frames"] = std::move(frames);
    if (ex.omitted_frames > 0) j["omitted_frames"] = ex.omitted_frames;
    exceptions.push_back(std::move(j));
  }
  json j = {{"time", time_ms},
            {"service", e.service.service},
            {"version", e.service.version},
            {"environment", e.service.environment},
            {"language", std::string(TraceLanguageName(trace.language))},
            {"type", e.type},
            {"message", e.message},
            {"source", e.source}};
  if (!e.service.runtime_version.empty()) j["runtime_version"] = e.service.runtime_version;
  if (!e.trace_id.empty()) j["trace_id"] = e.trace_id;
  if (!e.span_id.empty()) j["span_id"] = e.span_id;
  if (!e.route.empty()) j["route"] = e.route;
  if (tags.has_repository() || tags.has_commit()) {
    json g = json::object();
    if (tags.has_repository()) g["repository_url"] = tags.repository_url;
    if (tags.has_commit()) g["commit"] = tags.commit;
    if (!tags.root_path.empty()) g["root_path"] = tags.root_path;
    j["git"] = std::move(g);
  }
  j["exceptions"] = std::move(exceptions);
  if (!trace.unparsed.empty()) j["unparsed_lines"] = trace.unparsed.size();
  std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > kMaxErrorEventBytes) {
    // Keep the event, without its frames, rather than lose it.
    j.erase("exceptions");
    j["truncated"] = true;
    text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return text;
}

GitTags TagsOf(const GitAttributes* git, const HostRegistry* hosts) {
  if (git == nullptr || git->attributes.empty()) return GitTags{};
  std::vector<Attribute> attributes;
  attributes.reserve(git->attributes.size());
  for (const auto& [k, v] : git->attributes) attributes.emplace_back(k, v);
  return ExtractGitTags(attributes, hosts);
}

}  // namespace

TelemetryAggregator::TelemetryAggregator(TelemetryStore* store, const HostRegistry* hosts,
                                         TelemetryAggregatorOptions options,
                                         std::function<int64_t()> now_ms)
    : store_(store), hosts_(hosts), options_(options), now_ms_(std::move(now_ms)) {}

TelemetryAggregator::~TelemetryAggregator() { Stop(); }

Status TelemetryAggregator::Accept(TelemetryBatch batch) {
  const int64_t now = now_ms_();
  std::lock_guard<std::mutex> lock(mu_);
  if (PendingLocked() >= options_.max_pending) {
    ++counts_.refused;
    return Status::Unavailable("telemetry is arriving faster than it can be stored; retry later");
  }
  ++counts_.batches;
  for (const ErrorEvent& e : batch.errors) AddError(e, now);
  for (const EntrySpan& s : batch.entries) AddEntry(s, now);
  counts_.errors += static_cast<int64_t>(batch.errors.size());
  counts_.entry_spans += static_cast<int64_t>(batch.entries.size());
  return Status::Ok();
}

void TelemetryAggregator::AddError(const ErrorEvent& e, int64_t now) {
  const int64_t time = e.time_unix_nano > 0 ? NanosToMillis(e.time_unix_nano) : now;
  StackTrace trace = EventTrace(e);
  std::string type = e.type;
  std::string message = e.message;
  if (type.empty() && !trace.exceptions.empty()) type = trace.exceptions.front().type;
  if (message.empty() && !trace.exceptions.empty()) message = trace.exceptions.front().message;
  const std::string fingerprint = ErrorFingerprint(type, message, trace);
  GitTags tags = TagsOf(e.git.get(), hosts_);
  LearnTags(e.service, e.git.get(), time);

  PendingGroup& g = groups_[GroupKey{e.service.service, e.service.environment, fingerprint}];
  ErrorGroupDelta& d = g.delta;
  if (d.count == 0) {
    d.service = e.service.service;
    d.environment = e.service.environment;
    d.fingerprint = fingerprint;
    d.first_seen = time;
  }
  d.first_seen = std::min(d.first_seen, time);
  if (time >= d.last_seen) {
    d.last_seen = time;
    d.type = type;
    d.message = message;
    d.language = std::string(TraceLanguageName(trace.language));
  }
  ++d.count;
  ++g.versions[e.service.version];
  ++g.hours[HourStart(time)];
  g.events.push_back(EventJson(e, trace, tags, time));
  if (g.events.size() > options_.events_per_group) g.events.erase(g.events.begin());
}

void TelemetryAggregator::AddEntry(const EntrySpan& s, int64_t now) {
  const int64_t time = s.time_unix_nano > 0 ? NanosToMillis(s.time_unix_nano) : now;
  LearnTags(s.service, s.git.get(), time);
  std::string resource = s.resource.empty() ? s.name : s.resource;
  CodeOriginDelta& d = origins_[OriginKey{s.service.service, s.service.environment, resource}];
  if (d.count == 0) {
    d.service = s.service.service;
    d.environment = s.service.environment;
    d.resource = resource;
    d.first_seen = time;
  }
  d.first_seen = std::min(d.first_seen, time);
  ++d.count;
  if (s.error) ++d.errors;
  if (time >= d.last_seen) {
    d.last_seen = time;
    d.version = s.service.version;
    d.latest_trace_id = s.trace_id;
    if (!s.origin.empty()) {
      const CodeOriginFrame& f = s.origin.front();
      d.file = f.frame.file;
      d.line = f.frame.line;
      d.column = f.frame.column;
      d.function = f.frame.function;
      d.type = f.type;
    }
    GitTags tags = TagsOf(s.git.get(), hosts_);
    if (tags.has_repository()) d.repository_url = tags.repository_url;
    if (tags.has_commit()) d.commit_sha = tags.commit;
  }
}

void TelemetryAggregator::LearnTags(const ServiceIdentity& service, const GitAttributes* git,
                                    int64_t seen) {
  if (git == nullptr || git->attributes.empty() || service.service.empty()) return;
  ServiceTags& t = services_[ServiceKey{service.service, service.version}];
  if (seen < t.last_seen) return;
  GitTags tags = TagsOf(git, hosts_);
  if (!tags.has_repository()) return;
  t.service = service.service;
  t.version = service.version;
  t.repository_url = tags.repository_url;
  t.commit = tags.commit;
  t.root_path = tags.root_path;
  t.last_seen = seen;
}

Status TelemetryAggregator::Flush() {
  std::lock_guard<std::mutex> flushing(flush_mu_);
  std::map<GroupKey, PendingGroup> groups;
  std::map<OriginKey, CodeOriginDelta> origins;
  std::map<ServiceKey, ServiceTags> services;
  {
    std::lock_guard<std::mutex> lock(mu_);
    groups.swap(groups_);
    origins.swap(origins_);
    services.swap(services_);
  }
  std::vector<ErrorGroupDelta> errors;
  errors.reserve(groups.size());
  for (auto& [key, g] : groups) {
    ErrorGroupDelta d = g.delta;
    for (const auto& [version, count] : g.versions) d.versions.emplace_back(version, count);
    d.hours.assign(g.hours.begin(), g.hours.end());
    d.events = g.events;
    errors.push_back(std::move(d));
  }
  std::vector<CodeOriginDelta> entries;
  entries.reserve(origins.size());
  for (auto& [key, d] : origins) entries.push_back(d);
  std::vector<ServiceTags> tags;
  for (auto& [key, t] : services) {
    if (!t.repository_url.empty()) tags.push_back(t);
  }

  Status status = Status::Ok();
  if (!errors.empty()) status = store_->AddErrors(errors);
  if (status.ok() && !entries.empty()) status = store_->AddCodeOrigins(entries);
  if (status.ok() && !tags.empty()) status = store_->PutServiceTags(tags);
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.flushes;
  if (status.ok()) return status;
  // Keep what was not written: merge back under anything that arrived since.
  // (A partial write may count a delta twice on retry; the store's writes are
  // each one transaction, so at most the calls after the failing one repeat.)
  ++counts_.flush_failures;
  for (auto& [key, g] : groups) {
    auto [it, inserted] = groups_.try_emplace(key, std::move(g));
    if (inserted) continue;
    PendingGroup& newer = it->second;
    newer.delta.count += g.delta.count;
    newer.delta.first_seen = std::min(newer.delta.first_seen, g.delta.first_seen);
    for (const auto& [v, c] : g.versions) newer.versions[v] += c;
    for (const auto& [h, c] : g.hours) newer.hours[h] += c;
  }
  for (auto& [key, d] : origins) {
    auto [it, inserted] = origins_.try_emplace(key, d);
    if (inserted) continue;
    it->second.count += d.count;
    it->second.errors += d.errors;
    it->second.first_seen = std::min(it->second.first_seen, d.first_seen);
  }
  for (auto& [key, t] : services) services_.try_emplace(key, t);
  return status;
}

void TelemetryAggregator::Start() {
  std::lock_guard<std::mutex> lock(thread_mu_);
  if (flusher_.joinable()) return;
  stopping_ = false;
  flusher_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(thread_mu_);
    while (!stopping_) {
      wake_.wait_for(lock, options_.flush_interval, [this] { return stopping_; });
      lock.unlock();
      Flush();  // a failure keeps the deltas for the next flush; counted in counts()
      lock.lock();
    }
    lock.unlock();
    Flush();  // what arrived while stopping
  });
}

void TelemetryAggregator::Stop() {
  {
    std::lock_guard<std::mutex> lock(thread_mu_);
    if (!flusher_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  flusher_.join();
}

TelemetryCounts TelemetryAggregator::counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

}  // namespace srclink::server
