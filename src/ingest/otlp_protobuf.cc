// OTLP protobuf: ExportTraceServiceRequest / ExportLogsServiceRequest read
// straight from the wire format (field numbers of proto/opentelemetry/…),
// as views into the body — no message objects, no copies of attributes.
// docs/DESIGN.md ("OTLP ingest") has the measurement that made us hand-write
// this: libprotobuf's ParseFromString into messages was the bottleneck.
//
// Like libprotobuf, unknown fields (and known fields with an unexpected wire
// type) are skipped; values inside arrays and maps are never descended into.
#include <cstring>
#include <string>

#include "core/protobuf_wire.h"
#include "ingest/otlp.h"
#include "ingest/otlp_extract.h"

namespace srclink {
namespace {

using otlp::Event;
using otlp::KeyValue;
using otlp::LogView;
using otlp::SpanView;
using otlp::Value;

// The wire reader lives in core (core/protobuf_wire.h), shared with pprof.
using Wire = ProtobufWire;
constexpr int kVarint = kWireVarint;
constexpr int kFixed64 = kWireFixed64;
constexpr int kLen = kWireLen;

class Decoder {
 public:
  explicit Decoder(std::string_view body) : body_(body) {}

  // Returns false on malformed input (error() says why).
  bool KeyValueAt(std::string_view msg, std::vector<KeyValue>* out) {
    Wire w(msg, body_.data(), "KeyValue", &error_);
    KeyValue kv;
    while (w.Next()) {
      if (w.type != kLen) continue;
      if (w.field == 1)
        kv.key = w.bytes;
      else if (w.field == 2 && !AnyValueAt(w.bytes, &kv.value))
        return false;
    }
    if (w.failed()) return false;
    out->push_back(kv);
    return true;
  }

  bool AnyValueAt(std::string_view msg, Value* v) {
    Wire w(msg, body_.data(), "AnyValue", &error_);
    while (w.Next()) {
      switch (w.field) {
        case 1:
          if (w.type == kLen) v->kind = Value::Kind::kString, v->str = w.bytes;
          break;
        case 2:
          if (w.type == kVarint) v->kind = Value::Kind::kBool, v->b = w.varint != 0;
          break;
        case 3:
          if (w.type == kVarint) v->kind = Value::Kind::kInt, v->i = static_cast<int64_t>(w.varint);
          break;
        case 4:
          if (w.type == kFixed64) {
            v->kind = Value::Kind::kDouble;
            std::memcpy(&v->d, &w.fixed, 8);
          }
          break;
        case 5:
        case 6:
        case 7:
          v->kind = Value::Kind::kOther;  // arrays, maps, bytes: not descended into
          break;
      }
    }
    return !w.failed();
  }

  // Resource (field `attributes_field` of `msg` holds KeyValues).
  bool AttributesOf(std::string_view msg, uint32_t attributes_field, const char* name,
                    std::vector<KeyValue>* out) {
    Wire w(msg, body_.data(), name, &error_);
    while (w.Next()) {
      if (w.field == attributes_field && w.type == kLen && !KeyValueAt(w.bytes, out)) return false;
    }
    return !w.failed();
  }

  bool EventAt(std::string_view msg, SpanView* span) {
    Wire w(msg, body_.data(), "Span.Event", &error_);
    std::string_view name;
    uint64_t time = 0;
    bool has_attributes = false;
    while (w.Next()) {
      if (w.field == 1 && w.type == kFixed64)
        time = w.fixed;
      else if (w.field == 2 && w.type == kLen)
        name = w.bytes;
      else if (w.field == 3)
        has_attributes = true;
    }
    if (w.failed()) return false;
    if (name != "exception") return true;
    Event& e = span->AddExceptionEvent();
    e.time_unix_nano = time;
    return !has_attributes || AttributesOf(msg, 3, "Span.Event", &e.attributes);
  }

  // Reads a span; its attributes only when it may be an entry or an error
  // (or `all`): most spans are children that need none of them.
  bool SpanAt(std::string_view msg, SpanView* span, bool all = false) {
    span->Clear();
    bool has_attributes = false;
    Wire w(msg, body_.data(), "Span", &error_);
    while (w.Next()) {
      switch (w.field) {
        case 1:
          if (w.type == kLen) span->trace_id = w.bytes;
          break;
        case 2:
          if (w.type == kLen) span->span_id = w.bytes;
          break;
        case 4:
          if (w.type == kLen) span->parent_span_id = w.bytes;
          break;
        case 5:
          if (w.type == kLen) span->name = w.bytes;
          break;
        case 6:
          if (w.type == kVarint) span->kind = static_cast<int>(w.varint & 0xFF);
          break;
        case 7:
          if (w.type == kFixed64) span->start_time_unix_nano = w.fixed;
          break;
        case 8:
          if (w.type == kFixed64) span->end_time_unix_nano = w.fixed;
          break;
        case 9:
          has_attributes = true;  // read below, only when the span needs them
          break;
        case 11:
          if (w.type == kLen && !EventAt(w.bytes, span)) return false;
          break;
        case 15:
          if (w.type == kLen) {
            Wire s(w.bytes, body_.data(), "Status", &error_);
            while (s.Next())
              if (s.field == 3 && s.type == kVarint) span->status_code = static_cast<int>(s.varint);
            if (s.failed()) return false;
          }
          break;
      }
    }
    if (w.failed()) return false;
    bool needed = all || span->exception_count > 0 || span->parent_span_id.empty() ||
                  span->kind == 2 || span->kind == 5;
    return !has_attributes || !needed || AttributesOf(msg, 9, "Span", &span->attributes);
  }

  bool LogAt(std::string_view msg, LogView* log) {
    log->Clear();
    Wire w(msg, body_.data(), "LogRecord", &error_);
    while (w.Next()) {
      switch (w.field) {
        case 1:
          if (w.type == kFixed64) log->time_unix_nano = w.fixed;
          break;
        case 11:
          if (w.type == kFixed64) log->observed_time_unix_nano = w.fixed;
          break;
        case 5:
          if (w.type == kLen) {
            Value v;
            if (!AnyValueAt(w.bytes, &v)) return false;
            if (v.kind == Value::Kind::kString) log->body = v.str;
          }
          break;
        case 6:
          if (w.type == kLen && !KeyValueAt(w.bytes, &log->attributes)) return false;
          break;
        case 9:
          if (w.type == kLen) log->trace_id = w.bytes;
          break;
        case 10:
          if (w.type == kLen) log->span_id = w.bytes;
          break;
      }
    }
    return !w.failed();
  }

  // ResourceSpans / ResourceLogs: the resource (field 1) first, wherever it is,
  // then each scope (field 2): its scope (field 1) first, then its items (field 2).
  template <typename Item>
  bool ResourceAt(std::string_view msg, const char* name, const char* scope_name, Item item) {
    std::vector<KeyValue> attributes;
    {
      Wire w(msg, body_.data(), name, &error_);
      while (w.Next())
        if (w.field == 1 && w.type == kLen && !AttributesOf(w.bytes, 1, "Resource", &attributes))
          return false;
      if (w.failed()) return false;
    }
    extractor_.BeginResource(attributes);
    Wire w(msg, body_.data(), name, &error_);
    while (w.Next()) {
      if (w.field != 2 || w.type != kLen) continue;
      attributes.clear();
      Wire scope(w.bytes, body_.data(), scope_name, &error_);
      while (scope.Next())
        if (scope.field == 1 && scope.type == kLen &&
            !AttributesOf(scope.bytes, 3, "InstrumentationScope", &attributes))
          return false;
      if (scope.failed()) return false;
      extractor_.BeginScope(attributes);
      Wire items(w.bytes, body_.data(), scope_name, &error_);
      while (items.Next())
        if (items.field == 2 && items.type == kLen && !item(items.bytes)) return false;
      if (items.failed()) return false;
    }
    return !w.failed();
  }

  Result<TelemetryBatch> Traces() {
    SpanView span;
    auto on_span = [&](std::string_view bytes) {
      if (!SpanAt(bytes, &span)) return false;
      uint64_t handle = (uint64_t{static_cast<uint32_t>(bytes.data() - body_.data())} << 32) |
                        static_cast<uint32_t>(bytes.size());
      extractor_.AddSpan(span, handle);
      return true;
    };
    Wire w(body_, body_.data(), "ExportTraceServiceRequest", &error_);
    while (w.Next()) {
      if (w.field == 1 && w.type == kLen &&
          !ResourceAt(w.bytes, "ResourceSpans", "ScopeSpans", on_span))
        break;
    }
    if (!error_.empty()) return Fail("ExportTraceServiceRequest");
    for (const auto& pending : extractor_.PendingEntries()) {
      std::string_view bytes = body_.substr(pending.handle >> 32, pending.handle & 0xFFFFFFFFu);
      if (SpanAt(bytes, &span, /*all=*/true)) extractor_.AddDeferredEntry(span, pending);
    }
    return extractor_.Finish();
  }

  Result<TelemetryBatch> Logs() {
    LogView log;
    auto on_log = [&](std::string_view bytes) {
      if (!LogAt(bytes, &log)) return false;
      extractor_.AddLog(log);
      return true;
    };
    Wire w(body_, body_.data(), "ExportLogsServiceRequest", &error_);
    while (w.Next()) {
      if (w.field == 1 && w.type == kLen &&
          !ResourceAt(w.bytes, "ResourceLogs", "ScopeLogs", on_log))
        break;
    }
    if (!error_.empty()) return Fail("ExportLogsServiceRequest");
    return extractor_.Finish();
  }

 private:
  Status Fail(const char* request) {
    return Status::InvalidArgument("request body is not a valid protobuf " + std::string(request) +
                                   ": " + error_ +
                                   "; send an OTLP protobuf message with Content-Type "
                                   "application/x-protobuf, or OTLP/JSON with application/json");
  }

  std::string_view body_;
  std::string error_;
  otlp::Extractor extractor_;
};

}  // namespace

Result<TelemetryBatch> DecodeOtlpProtobufTraces(std::string_view body) {
  return Decoder(body).Traces();
}

Result<TelemetryBatch> DecodeOtlpProtobufLogs(std::string_view body) {
  return Decoder(body).Logs();
}

}  // namespace srclink
