// OTLP/JSON: the protobuf messages in the proto3 JSON mapping, with OTLP's
// exceptions (hex trace and span ids, enums as integers). Keys are
// lowerCamelCase; the snake_case names are accepted too. 64-bit integers may
// be strings or numbers. Nesting is bounded before parsing (kOtlpMaxJsonDepth).
#include <charconv>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "ingest/otlp.h"
#include "ingest/otlp_extract.h"

namespace srclink {
namespace {

using json = nlohmann::json;
using otlp::Event;
using otlp::KeyValue;
using otlp::LogView;
using otlp::SpanView;
using otlp::Value;

// Where the body nests deeper than the limit, outside strings; npos if it does not.
size_t TooDeepAt(std::string_view body) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kOtlpMaxJsonDepth) return i;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return std::string_view::npos;
}

const json* Find(const json& obj, const char* camel, const char* snake) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(camel);
  if (it == obj.end() && snake) it = obj.find(snake);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

uint64_t U64(const json* v) {
  if (!v) return 0;
  if (v->is_number_unsigned()) return v->get<uint64_t>();
  if (v->is_number_integer()) return static_cast<uint64_t>(std::max<int64_t>(0, v->get<int64_t>()));
  if (v->is_number_float()) {
    double d = v->get<double>();
    return d > 0 && d < 1.8e19 ? static_cast<uint64_t>(d) : 0;
  }
  if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    uint64_t x = 0;
    if (std::from_chars(s.data(), s.data() + s.size(), x).ec == std::errc()) return x;
  }
  return 0;
}

int Enum(const json* v, std::initializer_list<std::pair<const char*, int>> names) {
  if (!v) return 0;
  if (v->is_number_integer()) return static_cast<int>(v->get<int64_t>());
  if (v->is_string()) {
    for (const auto& [name, value] : names)
      if (v->get_ref<const std::string&>() == name) return value;
  }
  return 0;
}

std::string_view StringOf(const json* v) {
  return v && v->is_string() ? std::string_view(v->get_ref<const std::string&>())
                             : std::string_view();
}

Value ValueOf(const json* v) {
  Value out;
  if (!v || !v->is_object()) return out;
  if (const json* s = Find(*v, "stringValue", "string_value"); s && s->is_string()) {
    out.kind = Value::Kind::kString;
    out.str = s->get_ref<const std::string&>();
  } else if (const json* i = Find(*v, "intValue", "int_value")) {
    out.kind = Value::Kind::kInt;
    if (i->is_number_integer()) {
      out.i = i->get<int64_t>();
    } else if (i->is_string()) {
      const std::string& t = i->get_ref<const std::string&>();
      if (std::from_chars(t.data(), t.data() + t.size(), out.i).ec != std::errc()) out.i = 0;
    } else if (i->is_number_float()) {
      out.kind = Value::Kind::kDouble;
      out.d = i->get<double>();
    }
  } else if (const json* b = Find(*v, "boolValue", "bool_value"); b && b->is_boolean()) {
    out.kind = Value::Kind::kBool;
    out.b = b->get<bool>();
  } else if (const json* d = Find(*v, "doubleValue", "double_value"); d && d->is_number()) {
    out.kind = Value::Kind::kDouble;
    out.d = d->get<double>();
  } else if (!v->empty()) {
    out.kind = Value::Kind::kOther;  // arrayValue, kvlistValue, bytesValue
  }
  return out;
}

class Decoder {
 public:
  // Appends `attributes` of `obj` (a KeyValue array) to *out; false on a shape error.
  bool Attributes(const json& obj, const std::string& where, std::vector<KeyValue>* out) {
    const json* list = Find(obj, "attributes", nullptr);
    if (!list) return true;
    if (!list->is_array()) return Shape(where + ".attributes", "an array of {\"key\", \"value\"}");
    for (const json& kv : *list) {
      const json* key = Find(kv, "key", nullptr);
      if (!key || !key->is_string()) continue;  // not an attribute: skipped
      out->push_back({key->get_ref<const std::string&>(), ValueOf(Find(kv, "value", nullptr))});
    }
    return true;
  }

  // Hex id → raw bytes in *buf; a problem in *problem when not hex.
  static std::string_view Id(const json* v, const char* name, std::string* buf,
                             std::string* problem) {
    buf->clear();
    if (!v) return {};
    if (!v->is_string()) {
      if (problem->empty()) *problem = std::string(name) + " must be a hex string";
      return {};
    }
    const std::string& s = v->get_ref<const std::string&>();
    auto nibble = [](char c) {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (s.size() % 2 != 0) {
      if (problem->empty())
        *problem = std::string(name) + " has an odd number of hex digits (" +
                   std::to_string(s.size()) + ")";
      return {};
    }
    for (size_t i = 0; i < s.size(); i += 2) {
      int hi = nibble(s[i]), lo = nibble(s[i + 1]);
      if (hi < 0 || lo < 0) {
        if (problem->empty())
          *problem = std::string(name) + " is not hex: \"" + s.substr(0, 40) + "\"";
        return {};
      }
      *buf += static_cast<char>(hi * 16 + lo);
    }
    return *buf;
  }

  bool Span(const json& s, const std::string& where, SpanView* span) {
    span->Clear();
    span->trace_id = Id(Find(s, "traceId", "trace_id"), "traceId", &trace_, &span->id_problem);
    span->span_id = Id(Find(s, "spanId", "span_id"), "spanId", &span_, &span->id_problem);
    span->parent_span_id =
        Id(Find(s, "parentSpanId", "parent_span_id"), "parentSpanId", &parent_, &span->id_problem);
    span->name = StringOf(Find(s, "name", nullptr));
    span->kind = Enum(Find(s, "kind", nullptr), {{"SPAN_KIND_INTERNAL", 1},
                                                 {"SPAN_KIND_SERVER", 2},
                                                 {"SPAN_KIND_CLIENT", 3},
                                                 {"SPAN_KIND_PRODUCER", 4},
                                                 {"SPAN_KIND_CONSUMER", 5}});
    span->start_time_unix_nano = U64(Find(s, "startTimeUnixNano", "start_time_unix_nano"));
    span->end_time_unix_nano = U64(Find(s, "endTimeUnixNano", "end_time_unix_nano"));
    if (const json* status = Find(s, "status", nullptr))
      span->status_code =
          Enum(Find(*status, "code", nullptr), {{"STATUS_CODE_OK", 1}, {"STATUS_CODE_ERROR", 2}});
    if (!Attributes(s, where, &span->attributes)) return false;
    if (const json* events = Find(s, "events", nullptr)) {
      if (!events->is_array()) return Shape(where + ".events", "an array of events");
      for (const json& e : *events) {
        if (StringOf(Find(e, "name", nullptr)) != "exception") continue;
        Event& event = span->AddExceptionEvent();
        event.time_unix_nano = U64(Find(e, "timeUnixNano", "time_unix_nano"));
        if (!Attributes(e, where + ".events[]", &event.attributes)) return false;
      }
    }
    return true;
  }

  bool Log(const json& l, const std::string& where, LogView* log) {
    log->Clear();
    log->trace_id = Id(Find(l, "traceId", "trace_id"), "traceId", &trace_, &log->id_problem);
    log->span_id = Id(Find(l, "spanId", "span_id"), "spanId", &span_, &log->id_problem);
    log->time_unix_nano = U64(Find(l, "timeUnixNano", "time_unix_nano"));
    log->observed_time_unix_nano = U64(Find(l, "observedTimeUnixNano", "observed_time_unix_nano"));
    Value body = ValueOf(Find(l, "body", nullptr));
    if (body.kind == Value::Kind::kString) log->body = body.str;
    return Attributes(l, where, &log->attributes);
  }

  // resourceSpans / resourceLogs: each resource, each scope, each item.
  template <typename Item>
  bool Resources(const json& root, const char* camel, const char* snake, const char* scopes_camel,
                 const char* scopes_snake, const char* items_camel, const char* items_snake,
                 Item item) {
    const json* resources = Find(root, camel, snake);
    if (!resources) return true;
    if (!resources->is_array()) return Shape(camel, "an array");
    std::vector<KeyValue> attributes;
    for (size_t r = 0; r < resources->size(); ++r) {
      const json& res = (*resources)[r];
      std::string where = std::string(camel) + "[" + std::to_string(r) + "]";
      if (!res.is_object()) return Shape(where, "an object");
      attributes.clear();
      if (const json* resource = Find(res, "resource", nullptr);
          resource && !Attributes(*resource, where + ".resource", &attributes))
        return false;
      extractor_.BeginResource(attributes);
      const json* scopes = Find(res, scopes_camel, scopes_snake);
      if (!scopes) continue;
      if (!scopes->is_array()) return Shape(where + "." + scopes_camel, "an array");
      for (size_t s = 0; s < scopes->size(); ++s) {
        const json& sc = (*scopes)[s];
        std::string swhere = where + "." + scopes_camel + "[" + std::to_string(s) + "]";
        if (!sc.is_object()) return Shape(swhere, "an object");
        attributes.clear();
        if (const json* scope = Find(sc, "scope", nullptr);
            scope && !Attributes(*scope, swhere + ".scope", &attributes))
          return false;
        extractor_.BeginScope(attributes);
        const json* items = Find(sc, items_camel, items_snake);
        if (!items) continue;
        if (!items->is_array()) return Shape(swhere + "." + items_camel, "an array");
        for (size_t i = 0; i < items->size(); ++i) {
          std::string iwhere = swhere + "." + items_camel + "[" + std::to_string(i) + "]";
          if (!(*items)[i].is_object()) return Shape(iwhere, "an object");
          if (!item((*items)[i], iwhere)) return false;
        }
      }
    }
    return true;
  }

  Result<TelemetryBatch> Traces(const json& root) {
    SpanView span;
    bool ok = Resources(root, "resourceSpans", "resource_spans", "scopeSpans", "scope_spans",
                        "spans", nullptr, [&](const json& s, const std::string& where) {
                          if (!Span(s, where, &span)) return false;
                          extractor_.AddSpan(span, reinterpret_cast<uintptr_t>(&s));
                          return true;
                        });
    if (!ok) return Fail();
    for (const auto& pending : extractor_.PendingEntries()) {
      const json& s = *reinterpret_cast<const json*>(static_cast<uintptr_t>(pending.handle));
      if (Span(s, "", &span)) extractor_.AddDeferredEntry(span, pending);
    }
    return extractor_.Finish();
  }

  Result<TelemetryBatch> Logs(const json& root) {
    LogView log;
    bool ok = Resources(root, "resourceLogs", "resource_logs", "scopeLogs", "scope_logs",
                        "logRecords", "log_records", [&](const json& l, const std::string& where) {
                          if (!Log(l, where, &log)) return false;
                          extractor_.AddLog(log);
                          return true;
                        });
    if (!ok) return Fail();
    return extractor_.Finish();
  }

 private:
  bool Shape(const std::string& where, const char* want) {
    if (error_.empty()) error_ = where + " must be " + want;
    return false;
  }
  Status Fail() {
    return Status::InvalidArgument("request body is not valid OTLP/JSON: " + error_);
  }

  std::string trace_, span_, parent_;  // raw bytes of the current item's ids
  std::string error_;
  otlp::Extractor extractor_;
};

Result<json> Parse(std::string_view body, const char* root_key) {
  if (size_t at = TooDeepAt(body); at != std::string_view::npos) {
    return Status::InvalidArgument("request body is not valid OTLP/JSON: nested deeper than " +
                                   std::to_string(kOtlpMaxJsonDepth) + " levels at byte " +
                                   std::to_string(at));
  }
  json root;
  try {
    root = json::parse(body);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number overflow
    return Status::InvalidArgument(std::string("request body is not valid JSON: ") + e.what() +
                                   "; send OTLP/JSON {\"" + root_key +
                                   "\": [...]} or protobuf with Content-Type "
                                   "application/x-protobuf");
  }
  if (!root.is_object()) {
    return Status::InvalidArgument(std::string("request body must be a JSON object {\"") +
                                   root_key + "\": [...]}");
  }
  return root;
}

}  // namespace

Result<TelemetryBatch> DecodeOtlpJsonTraces(std::string_view body) {
  auto root = Parse(body, "resourceSpans");
  if (!root.ok()) return root.status();
  return Decoder().Traces(*root);
}

Result<TelemetryBatch> DecodeOtlpJsonLogs(std::string_view body) {
  auto root = Parse(body, "resourceLogs");
  if (!root.ok()) return root.status();
  return Decoder().Logs(*root);
}

}  // namespace srclink
