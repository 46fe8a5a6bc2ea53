// OtlpExtractor: what both OTLP decoders (otlp_protobuf.cc, otlp_json.cc)
// share — the rules of ingest/otlp.h applied to one resource, span or log
// record at a time, as views into the request body, so the decoders only
// walk their encoding. Internal to src/ingest/.
//
// Protocol: for each resource, BeginResource(attributes); for each scope,
// BeginScope(attributes); then AddSpan() or AddLog() per item. Spans that may
// be entries because of a parent in another service are remembered as
// candidates (their handle); after the whole body, the decoder re-reads each
// of PendingEntries() and hands it to AddDeferredEntry(). Finish() returns
// the batch. Views passed in only need to live for the call.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/telemetry.h"

namespace srclink::otlp {

// An attribute value; only scalars are kept (arrays, maps and bytes are kOther).
struct Value {
  enum class Kind : uint8_t { kNone, kString, kInt, kDouble, kBool, kOther };
  Kind kind = Kind::kNone;
  std::string_view str;
  int64_t i = 0;
  double d = 0;
  bool b = false;
};

struct KeyValue {
  std::string_view key;
  Value value;
};

struct Event {
  uint64_t time_unix_nano = 0;
  std::vector<KeyValue> attributes;
};

// A span as its decoder saw it. Ids are raw bytes (16 / 8 when valid).
struct SpanView {
  std::string_view trace_id, span_id, parent_span_id;
  std::string_view name;
  int kind = 0;  // SpanKind: 2 SERVER, 5 CONSUMER
  uint64_t start_time_unix_nano = 0, end_time_unix_nano = 0;
  int status_code = 0;  // 2 = ERROR
  // May be left empty for spans the extractor reads no attributes of: those
  // with a parent, of another kind than SERVER/CONSUMER and without exception
  // events (until AddDeferredEntry, which needs them).
  std::vector<KeyValue> attributes;
  std::vector<Event> exception_events;  // only the first `exception_count` are valid
  size_t exception_count = 0;
  std::string id_problem;  // set by a decoder that could not read an id (JSON hex)

  // Forgets the previous span, keeping the vectors' capacity.
  void Clear();
  Event& AddExceptionEvent();
};

struct LogView {
  std::string_view trace_id, span_id;
  uint64_t time_unix_nano = 0, observed_time_unix_nano = 0;
  std::string_view body;  // the body when it is a string
  std::vector<KeyValue> attributes;
  std::string id_problem;

  void Clear();
};

class Extractor {
 public:
  void BeginResource(const std::vector<KeyValue>& attributes);
  void BeginScope(const std::vector<KeyValue>& attributes);
  // `handle` lets the decoder find the span again for AddDeferredEntry.
  void AddSpan(const SpanView& span, uint64_t handle);
  void AddLog(const LogView& log);
  void Reject(std::string reason);

  struct Pending {
    uint64_t handle;
    uint32_t scope;  // the scope it was added in (an internal index)
  };
  // whose parent turned out to be in another service.
  std::vector<Pending> PendingEntries();
  void AddDeferredEntry(const SpanView& span, const Pending& pending);

  TelemetryBatch Finish();

 private:
  struct Resource {
    ServiceIdentity service;
    std::shared_ptr<const GitAttributes> git;
  };
  struct Scope {
    uint32_t resource;
    std::shared_ptr<const GitAttributes> git;
  };
  struct SeenSpan {
    uint64_t span_id;
    uint32_t resource;
  };
  struct Candidate {
    uint64_t parent;
    uint64_t handle;
    uint32_t scope;
  };
  bool ValidateIds(std::string_view trace_id, std::string_view span_id,
                   std::string_view parent_span_id, bool required, const std::string& id_problem,
                   const char* what);
  void AddEntry(const SpanView& span, const Scope& scope);
  std::string Where(const char* item) const;

  TelemetryBatch batch_;
  std::vector<Resource> resources_;
  std::vector<Scope> scopes_;
  std::vector<SeenSpan> seen_;         // every valid span, for parents in another service
  std::vector<Candidate> candidates_;  // spans that are entries if their parent is elsewhere
  size_t item_ = 0;                    // index of the item in its resource, for problems
  bool many_services_ = false;         // more than one service.name seen
};

// "0123…" lowercase hex of raw bytes.
std::string Hex(std::string_view bytes);

}  // namespace srclink::otlp
