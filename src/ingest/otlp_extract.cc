// The rules of ingest/otlp.h, shared by the protobuf and JSON decoders.
#include "ingest/otlp_extract.h"

#include <charconv>
#include <climits>
#include <cstring>
#include <unordered_map>

#include "core/git_tags.h"
#include "ingest/otlp.h"

namespace srclink::otlp {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// `s` cut to at most `max` bytes, invalid UTF-8 replaced by U+FFFD.
std::string Text(std::string_view s, size_t max = kMaxTelemetryString) {
  if (s.size() > max) {
    s = s.substr(0, max);
    // Do not leave half a character at the end.
    size_t i = s.size();
    size_t back = 0;
    while (i > 0 && back < 4 && (static_cast<unsigned char>(s[i - 1]) & 0xC0) == 0x80) --i, ++back;
    if (i > 0 && static_cast<unsigned char>(s[i - 1]) >= 0xC0) {
      unsigned char lead = static_cast<unsigned char>(s[i - 1]);
      size_t need = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
      if (back < need) s = s.substr(0, i - 1);
    }
  }
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  size_t ascii = 0;
  while (ascii < n && p[ascii] < 0x80) ++ascii;
  if (ascii == n) return std::string(s);
  std::string out(s.substr(0, ascii));
  out.reserve(s.size() + 8);
  for (size_t i = ascii; i < n;) {
    unsigned char c = p[i];
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF)
      len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
      len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
      len = 4, cp = c & 0x07;
    bool ok = len > 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80)
        ok = false;
      else
        cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (ok && ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
               (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))) {
      ok = false;
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::string_view Str(const Value& v) {
  return v.kind == Value::Kind::kString ? v.str : std::string_view();
}

int Int(const Value& v) {
  int64_t x = 0;
  switch (v.kind) {
    case Value::Kind::kInt:
      x = v.i;
      break;
    case Value::Kind::kDouble:
      x = v.d > 0 && v.d < static_cast<double>(INT_MAX) ? static_cast<int64_t>(v.d) : 0;
      break;
    case Value::Kind::kString:
      if (std::from_chars(v.str.data(), v.str.data() + v.str.size(), x).ec != std::errc()) x = 0;
      break;
    default:
      break;
  }
  return x > 0 && x <= INT_MAX ? static_cast<int>(x) : 0;
}

int64_t Nanos(uint64_t t) { return t > uint64_t{INT64_MAX} ? INT64_MAX : static_cast<int64_t>(t); }

uint64_t Load64(std::string_view bytes) {
  uint64_t x = 0;
  std::memcpy(&x, bytes.data(), bytes.size() < 8 ? bytes.size() : 8);
  return x;
}

bool AllZero(std::string_view bytes) {
  for (char c : bytes)
    if (c != 0) return false;
  return true;
}

// The code.* attributes (current and deprecated names) and the route of an item.
struct Code {
  std::string_view file, function, ns, stacktrace, route, method;
  std::string_view exception_type, exception_message, exception_stacktrace;
  bool has_exception = false;
  int line = 0, column = 0;

  void Read(const std::vector<KeyValue>& attributes) {
    for (const KeyValue& kv : attributes) {
      std::string_view k = kv.key;
      if (StartsWith(k, "code.")) {
        k.remove_prefix(5);
        if (k == "file.path" || (k == "filepath" && file.empty()))
          file = Str(kv.value);
        else if (k == "line.number" || (k == "lineno" && line == 0))
          line = Int(kv.value);
        else if (k == "column.number" || (k == "column" && column == 0))
          column = Int(kv.value);
        else if (k == "function.name" || (k == "function" && function.empty()))
          function = Str(kv.value);
        else if (k == "namespace")
          ns = Str(kv.value);
        else if (k == "stacktrace")
          stacktrace = Str(kv.value);
      } else if (StartsWith(k, "exception.")) {
        has_exception = true;
        k.remove_prefix(10);
        if (k == "type")
          exception_type = Str(kv.value);
        else if (k == "message")
          exception_message = Str(kv.value);
        else if (k == "stacktrace")
          exception_stacktrace = Str(kv.value);
      } else if (StartsWith(k, "http.")) {
        k.remove_prefix(5);
        if (k == "route")
          route = Str(kv.value);
        else if (k == "request.method" || (k == "method" && method.empty()))
          method = Str(kv.value);
      }
    }
  }
  bool has_location() const { return !file.empty() || !function.empty(); }
  Frame ToFrame() const {
    Frame f;
    f.file = Text(file);
    f.line = line;
    f.column = column;
    f.function = Text(function);
    f.module = Text(ns);
    return f;
  }
};

std::shared_ptr<const GitAttributes> GitOf(const std::vector<KeyValue>& attributes,
                                           const GitAttributes* base) {
  auto git = std::make_shared<GitAttributes>();
  for (const KeyValue& kv : attributes) {
    if (kv.value.kind == Value::Kind::kString && IsGitTagAttribute(kv.key))
      git->attributes.emplace_back(Text(kv.key), Text(kv.value.str));
  }
  if (git->attributes.empty()) return nullptr;
  if (base) {
    size_t own = git->attributes.size();
    for (const auto& [k, v] : base->attributes) {
      bool overridden = false;
      for (size_t i = 0; i < own && !overridden; ++i) overridden = git->attributes[i].first == k;
      if (!overridden) git->attributes.emplace_back(k, v);
    }
  }
  return git;
}

}  // namespace

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    unsigned char b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kHex[b >> 4];
    out[2 * i + 1] = kHex[b & 15];
  }
  return out;
}

void SpanView::Clear() {
  trace_id = span_id = parent_span_id = name = {};
  kind = 0;
  start_time_unix_nano = end_time_unix_nano = 0;
  status_code = 0;
  attributes.clear();
  exception_count = 0;
  id_problem.clear();
}

Event& SpanView::AddExceptionEvent() {
  if (exception_count == exception_events.size()) exception_events.emplace_back();
  Event& e = exception_events[exception_count++];
  e.time_unix_nano = 0;
  e.attributes.clear();
  return e;
}

void LogView::Clear() {
  trace_id = span_id = body = {};
  time_unix_nano = observed_time_unix_nano = 0;
  attributes.clear();
  id_problem.clear();
}

void Extractor::BeginResource(const std::vector<KeyValue>& attributes) {
  Resource r;
  std::string_view env_old;
  for (const KeyValue& kv : attributes) {
    std::string_view v = Str(kv.value);
    if (kv.key == "service.name")
      r.service.service = Text(v);
    else if (kv.key == "service.version")
      r.service.version = Text(v);
    else if (kv.key == "deployment.environment.name")
      r.service.environment = Text(v);
    else if (kv.key == "deployment.environment")
      env_old = v;
    else if (kv.key == "telemetry.sdk.language")
      r.service.language = Text(v);
    else if (kv.key == "process.runtime.version")
      r.service.runtime_version = Text(v);
  }
  if (r.service.environment.empty()) r.service.environment = Text(env_old);
  r.git = GitOf(attributes, nullptr);
  if (!resources_.empty() && r.service.service != resources_.front().service.service)
    many_services_ = true;
  resources_.push_back(std::move(r));
  scopes_.push_back({static_cast<uint32_t>(resources_.size() - 1), resources_.back().git});
  item_ = 0;
}

void Extractor::BeginScope(const std::vector<KeyValue>& attributes) {
  if (resources_.empty()) BeginResource({});
  const Resource& r = resources_.back();
  std::shared_ptr<const GitAttributes> git = r.git;
  if (!attributes.empty()) {
    if (auto own = GitOf(attributes, r.git.get())) git = std::move(own);
  }
  scopes_.push_back({static_cast<uint32_t>(resources_.size() - 1), std::move(git)});
}

std::string Extractor::Where(const char* item) const {
  return "resource " + std::to_string(resources_.empty() ? 0 : resources_.size() - 1) + " " + item +
         " " + std::to_string(item_ - 1);
}

void Extractor::Reject(std::string reason) {
  ++batch_.rejected;
  if (batch_.problems.size() < kOtlpMaxProblems) batch_.problems.push_back(std::move(reason));
}

bool Extractor::ValidateIds(std::string_view trace_id, std::string_view span_id,
                            std::string_view parent_span_id, bool required,
                            const std::string& id_problem, const char* what) {
  auto check = [&](std::string_view id, const char* name, size_t want) {
    if (id.empty() && !required) return true;
    if (id.size() != want) {
      Reject(Where(what) + ": " + name + " is " + std::to_string(id.size()) + " bytes, want " +
             std::to_string(want) + " (" + std::to_string(2 * want) + " hex digits)");
      return false;
    }
    if (AllZero(id)) {
      Reject(Where(what) + ": " + name + " is all zeros");
      return false;
    }
    return true;
  };
  if (!id_problem.empty()) {
    Reject(Where(what) + ": " + id_problem);
    return false;
  }
  if (!check(trace_id, "trace_id", 16) || !check(span_id, "span_id", 8)) return false;
  if (!parent_span_id.empty() && parent_span_id.size() != 8) {
    Reject(Where(what) + ": parent_span_id is " + std::to_string(parent_span_id.size()) +
           " bytes, want 8 (16 hex digits) or none");
    return false;
  }
  return true;
}

void Extractor::AddSpan(const SpanView& span, uint64_t handle) {
  ++batch_.spans;
  ++item_;
  if (scopes_.empty()) BeginScope({});
  if (!ValidateIds(span.trace_id, span.span_id, span.parent_span_id, true, span.id_problem,
                   "span")) {
    return;
  }
  const Scope& scope = scopes_.back();
  const Resource& resource = resources_[scope.resource];

  if (span.exception_count > 0) {
    Code code;
    code.Read(span.attributes);
    for (size_t i = 0; i < span.exception_count; ++i) {
      const Event& event = span.exception_events[i];
      Code ex;
      ex.Read(event.attributes);
      ErrorEvent e;
      e.service = resource.service;
      e.git = scope.git;
      e.time_unix_nano = Nanos(event.time_unix_nano);
      e.trace_id = Hex(span.trace_id);
      e.span_id = Hex(span.span_id);
      e.type = Text(ex.exception_type);
      e.message = Text(ex.exception_message);
      std::string_view stack = ex.exception_stacktrace;
      if (stack.empty()) stack = !ex.stacktrace.empty() ? ex.stacktrace : code.stacktrace;
      e.stack = Text(stack, kMaxTelemetryStack);
      if (ex.has_location())
        e.frames.push_back(ex.ToFrame());
      else if (code.has_location())
        e.frames.push_back(code.ToFrame());
      e.source = "otlp-span-event";
      e.route = Text(!code.route.empty() ? code.route : span.name);
      batch_.errors.push_back(std::move(e));
    }
  }

  if (span.kind == 2 || span.kind == 5 || span.parent_span_id.empty()) {
    AddEntry(span, scope);
  } else {
    candidates_.push_back(
        {Load64(span.parent_span_id), handle, static_cast<uint32_t>(scopes_.size() - 1)});
  }
  seen_.push_back({Load64(span.span_id), scope.resource});
}

void Extractor::AddEntry(const SpanView& span, const Scope& scope) {
  Code code;
  code.Read(span.attributes);
  EntrySpan e;
  e.service = resources_[scope.resource].service;
  e.git = scope.git;
  e.time_unix_nano = Nanos(span.start_time_unix_nano);
  e.duration_nano = span.end_time_unix_nano > span.start_time_unix_nano
                        ? Nanos(span.end_time_unix_nano - span.start_time_unix_nano)
                        : 0;
  e.trace_id = Hex(span.trace_id);
  e.span_id = Hex(span.span_id);
  if (!code.route.empty() && !code.method.empty()) {
    e.resource = Text(code.method, 32) + " " + Text(code.route);
  } else {
    e.resource = Text(!code.route.empty() ? code.route : span.name);
  }
  e.name = Text(span.name);
  e.error = span.status_code == 2;
  if (code.has_location()) {
    CodeOriginFrame f;
    f.frame = code.ToFrame();
    f.type = std::move(f.frame.module);
    f.frame.module.clear();
    e.origin.push_back(std::move(f));
  }
  batch_.entries.push_back(std::move(e));
}

std::vector<Extractor::Pending> Extractor::PendingEntries() {
  std::vector<Pending> out;
  if (!many_services_ || candidates_.empty()) return out;
  std::unordered_map<uint64_t, uint32_t> resource_of;
  resource_of.reserve(seen_.size());
  for (const SeenSpan& s : seen_) resource_of.emplace(s.span_id, s.resource);
  for (const Candidate& c : candidates_) {
    auto it = resource_of.find(c.parent);
    if (it == resource_of.end()) continue;
    const std::string& own = resources_[scopes_[c.scope].resource].service.service;
    if (resources_[it->second].service.service != own) out.push_back({c.handle, c.scope});
  }
  return out;
}

void Extractor::AddDeferredEntry(const SpanView& span, const Pending& pending) {
  AddEntry(span, scopes_[pending.scope]);
}

void Extractor::AddLog(const LogView& log) {
  ++batch_.log_records;
  ++item_;
  if (scopes_.empty()) BeginScope({});
  if (!ValidateIds(log.trace_id, log.span_id, {}, false, log.id_problem, "log record")) return;
  Code code;
  code.Read(log.attributes);
  if (!code.has_exception) return;
  const Scope& scope = scopes_.back();
  ErrorEvent e;
  e.service = resources_[scope.resource].service;
  e.git = scope.git;
  e.time_unix_nano = Nanos(log.time_unix_nano ? log.time_unix_nano : log.observed_time_unix_nano);
  e.trace_id = Hex(log.trace_id);
  e.span_id = Hex(log.span_id);
  e.type = Text(code.exception_type);
  e.message = Text(!code.exception_message.empty() ? code.exception_message : log.body);
  e.stack = Text(!code.exception_stacktrace.empty() ? code.exception_stacktrace : code.stacktrace,
                 kMaxTelemetryStack);
  if (code.has_location()) e.frames.push_back(code.ToFrame());
  e.source = "otlp-log";
  e.route = Text(code.route);
  batch_.errors.push_back(std::move(e));
}

TelemetryBatch Extractor::Finish() { return std::move(batch_); }

}  // namespace srclink::otlp

namespace srclink {
namespace {

std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string ServiceDump(const ServiceIdentity& s) {
  std::string out = s.service.empty() ? "?" : s.service;
  if (!s.version.empty()) out += "@" + s.version;
  if (!s.environment.empty()) out += " env=" + s.environment;
  if (!s.language.empty()) out += " lang=" + s.language;
  if (!s.runtime_version.empty()) out += " runtime=" + s.runtime_version;
  return out;
}

std::string GitDump(const std::shared_ptr<const GitAttributes>& git) {
  if (!git) return "";
  std::string out = " git={";
  for (size_t i = 0; i < git->attributes.size(); ++i)
    out += (i ? "," : "") + git->attributes[i].first + "=" + git->attributes[i].second;
  return out + "}";
}

}  // namespace

std::string DumpTelemetryBatch(const TelemetryBatch& batch) {
  std::string out = "spans " + std::to_string(batch.spans) + " logs " +
                    std::to_string(batch.log_records) + " rejected " +
                    std::to_string(batch.rejected) + "\n";
  for (const ErrorEvent& e : batch.errors) {
    out += "error " + e.source + " " + ServiceDump(e.service) + GitDump(e.git) + " " + e.type +
           ": " + Escape(e.message) + " t=" + std::to_string(e.time_unix_nano);
    if (!e.trace_id.empty()) out += " trace=" + e.trace_id + " span=" + e.span_id;
    if (!e.route.empty()) out += " route=" + e.route;
    for (const Frame& f : e.frames) {
      out += " frame=" + f.file + ":" + std::to_string(f.line) + ":" + std::to_string(f.column);
      if (!f.function.empty()) out += " fn=" + f.function;
      if (!f.module.empty()) out += " module=" + f.module;
    }
    if (!e.stack.empty()) out += " stack=" + Escape(e.stack.substr(0, 40));
    out += "\n";
  }
  for (const EntrySpan& e : batch.entries) {
    out += "entry " + ServiceDump(e.service) + GitDump(e.git) + " " + e.resource +
           " name=" + e.name + " t=" + std::to_string(e.time_unix_nano) +
           " d=" + std::to_string(e.duration_nano) + " trace=" + e.trace_id + " span=" + e.span_id;
    if (e.error) out += " error";
    for (const CodeOriginFrame& f : e.origin) {
      out += " origin=" + f.frame.file + ":" + std::to_string(f.frame.line) + ":" +
             std::to_string(f.frame.column);
      if (!f.frame.function.empty()) out += " fn=" + f.frame.function;
      if (!f.type.empty()) out += " type=" + f.type;
    }
    out += "\n";
  }
  for (const std::string& p : batch.problems) out += "problem " + p + "\n";
  return out;
}

}  // namespace srclink
