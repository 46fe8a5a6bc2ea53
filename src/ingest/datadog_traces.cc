#include "ingest/datadog_traces.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/git_tags.h"

namespace srclink {
namespace {

constexpr int kMaxDepth = 32;          // nesting of the body, arrays and maps together
constexpr size_t kMaxProblems = 5;     // reasons kept in TelemetryBatch::problems
constexpr size_t kLinearParents = 64;  // chunks up to this size find parents by scanning
// Bounds on what one body can make us keep (a 64 MiB body of tiny spans, or a
// v0.5 string table whose 4 KiB strings every span repeats):
constexpr size_t kMaxChunkSpans = 100'000;    // spans of one chunk; the rest are rejected
constexpr size_t kMaxEvents = 20'000;         // errors + entry spans of one body
constexpr size_t kMaxEventBytes = 64u << 20;  // their strings, together
constexpr size_t kMaxGitAttributes = 32;      // git attributes kept per chunk
constexpr size_t kMaxVersions = 8;            // (service, version) pairs remembered per chunk
constexpr size_t kDedupWindow = 16;           // errors of a chunk an error is compared with

// ---------------------------------------------------------------------------
// A streaming msgpack reader over the body: no object tree, no recursion.
// Typed reads do not consume a value of another type (kWrongType), so the
// caller can skip it and reject only the span; kBroken means the body itself
// is undecodable (error() says where).

enum class Read { kOk, kWrongType, kBroken };

const char* TypeName(uint8_t b) {
  if (b <= 0x7f || b >= 0xe0) return "an integer";
  if ((b & 0xe0) == 0xa0) return "a string";
  if ((b & 0xf0) == 0x90) return "an array";
  if ((b & 0xf0) == 0x80) return "a map";
  switch (b) {
    case 0xc0:
      return "nil";
    case 0xc2:
    case 0xc3:
      return "a boolean";
    case 0xc4:
    case 0xc5:
    case 0xc6:
      return "binary data";
    case 0xca:
    case 0xcb:
      return "a float";
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf:
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3:
      return "an integer";
    case 0xd9:
    case 0xda:
    case 0xdb:
      return "a string";
    case 0xdc:
    case 0xdd:
      return "an array";
    case 0xde:
    case 0xdf:
      return "a map";
    case 0xc7:
    case 0xc8:
    case 0xc9:
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
      return "an extension";
    default:
      return "the unused byte";
  }
}

class Reader {
 public:
  Reader(std::string_view data, const char* format) : data_(data), format_(format) {}

  size_t pos() const { return pos_; }
  bool at_end() const { return pos_ == data_.size(); }
  const std::string& error() const { return error_; }
  bool broken() const { return !error_.empty(); }

  // Sets the error "v0.4 traces: at byte N: expected X, got Y" (the first wins).
  Read Fail(std::string_view expected, size_t at) {
    if (error_.empty()) {
      std::string got;
      if (at >= data_.size()) {
        got = "the end of the body";
      } else {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", static_cast<uint8_t>(data_[at]));
        got = std::string(TypeName(static_cast<uint8_t>(data_[at]))) + " (" + hex + ")";
      }
      error_ = std::string(format_) + " traces: at byte " + std::to_string(at) + ": expected " +
               std::string(expected) + ", got " + got;
    }
    return Read::kBroken;
  }
  Read Truncated(std::string_view what, size_t at) {
    if (error_.empty()) {
      error_ = std::string(format_) + " traces: at byte " + std::to_string(at) + ": " +
               std::string(what) + " runs past the end of the body (" +
               std::to_string(data_.size()) + " bytes); was it truncated?";
    }
    return Read::kBroken;
  }

  // An array or map header; `count` items (2×count values for a map). Counts
  // beyond the bytes left are broken (each item takes at least one byte).
  Read Array(uint32_t* count, std::string_view expected) {
    return Container(count, expected, 0x90, 0xdc, 1);
  }
  Read Map(uint32_t* count, std::string_view expected) {
    return Container(count, expected, 0x80, 0xde, 2);
  }

  // A string; nil reads as "".
  Read String(std::string_view* out) {
    if (pos_ >= data_.size()) return Truncated("a value", pos_);
    uint8_t b = Byte(pos_);
    size_t len;
    size_t head;
    if ((b & 0xe0) == 0xa0) {
      len = b & 0x1f;
      head = 1;
    } else if (b == 0xd9 || b == 0xda || b == 0xdb) {
      head = b == 0xd9 ? 2 : b == 0xda ? 3 : 5;
      if (!Has(head)) return Truncated("a string's length", pos_);
      len = Be(pos_ + 1, head - 1);
    } else if (b == 0xc0) {
      *out = {};
      ++pos_;
      return Read::kOk;
    } else {
      return Read::kWrongType;
    }
    if (!Has(head + len)) return Truncated("a string of " + std::to_string(len) + " bytes", pos_);
    *out = data_.substr(pos_ + head, len);
    pos_ += head + len;
    return Read::kOk;
  }

  // An integer that fits in uint64 (negative ones are a wrong type).
  Read Uint(uint64_t* out) {
    if (pos_ >= data_.size()) return Truncated("a value", pos_);
    uint8_t b = Byte(pos_);
    if (b <= 0x7f) {
      *out = b;
      ++pos_;
      return Read::kOk;
    }
    size_t n = 0;
    bool is_signed = false;
    switch (b) {
      case 0xcc:
        n = 1;
        break;
      case 0xcd:
        n = 2;
        break;
      case 0xce:
        n = 4;
        break;
      case 0xcf:
        n = 8;
        break;
      case 0xd0:
        n = 1;
        is_signed = true;
        break;
      case 0xd1:
        n = 2;
        is_signed = true;
        break;
      case 0xd2:
        n = 4;
        is_signed = true;
        break;
      case 0xd3:
        n = 8;
        is_signed = true;
        break;
      default:
        return Read::kWrongType;
    }
    if (!Has(1 + n)) return Truncated("an integer", pos_);
    uint64_t v = Be(pos_ + 1, n);
    if (is_signed && (v >> (8 * n - 1)) != 0) return Read::kWrongType;  // negative
    *out = v;
    pos_ += 1 + n;
    return Read::kOk;
  }

  // Any integer or float, as int64 (floats truncated, clamped).
  Read Int(int64_t* out) {
    if (pos_ >= data_.size()) return Truncated("a value", pos_);
    uint8_t b = Byte(pos_);
    if (b >= 0xe0) {
      *out = static_cast<int8_t>(b);
      ++pos_;
      return Read::kOk;
    }
    if (b >= 0xd0 && b <= 0xd3) {
      size_t n = size_t{1} << (b - 0xd0);
      if (!Has(1 + n)) return Truncated("an integer", pos_);
      uint64_t v = Be(pos_ + 1, n);
      int shift = 64 - 8 * static_cast<int>(n);
      *out = shift == 0 ? static_cast<int64_t>(v)
                        : static_cast<int64_t>(v << shift) >> shift;  // sign-extend
      pos_ += 1 + n;
      return Read::kOk;
    }
    if (b == 0xca || b == 0xcb) {
      double d;
      if (Read r = Float(&d); r != Read::kOk) return r;
      if (!(d > -9.2e18)) d = std::isnan(d) ? 0 : -9.2e18;
      if (d > 9.2e18) d = 9.2e18;
      *out = static_cast<int64_t>(d);
      return Read::kOk;
    }
    uint64_t u;
    Read r = Uint(&u);
    if (r == Read::kOk) *out = static_cast<int64_t>(std::min<uint64_t>(u, INT64_MAX));
    return r;
  }

  Read Float(double* out) {
    if (pos_ >= data_.size()) return Truncated("a value", pos_);
    uint8_t b = Byte(pos_);
    if (b == 0xcb) {
      if (!Has(9)) return Truncated("a float", pos_);
      uint64_t bits = Be(pos_ + 1, 8);
      std::memcpy(out, &bits, 8);
      pos_ += 9;
      return Read::kOk;
    }
    if (b == 0xca) {
      if (!Has(5)) return Truncated("a float", pos_);
      uint32_t bits = static_cast<uint32_t>(Be(pos_ + 1, 4));
      float f;
      std::memcpy(&f, &bits, 4);
      *out = f;
      pos_ += 5;
      return Read::kOk;
    }
    int64_t i;
    Read r = Int(&i);
    if (r == Read::kOk) *out = static_cast<double>(i);
    return r;
  }

  // Skips one value of any type, nested at most kMaxDepth - `depth` levels;
  // iterative: a stack of items left per open container.
  Read Skip(int depth) {
    std::array<uint64_t, kMaxDepth + 1> left;
    int top = 0;
    left[0] = 1;
    while (true) {
      while (top >= 0 && left[top] == 0) --top;
      if (top < 0) return Read::kOk;
      --left[top];
      size_t at = pos_;
      if (at >= data_.size()) return Truncated("a value", at);
      uint8_t b = Byte(at);
      uint64_t items = 0;
      bool container = false;
      size_t skip = 0;     // bytes after the type byte
      bool sized = false;  // a string, binary data or an extension
      if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
        skip = 0;
      } else if ((b & 0xe0) == 0xa0) {
        skip = b & 0x1f;
        sized = true;
      } else if ((b & 0xf0) == 0x90 || (b & 0xf0) == 0x80 || b == 0xdc || b == 0xdd || b == 0xde ||
                 b == 0xdf) {
        uint32_t n;
        Read r = (b & 0xf0) == 0x90 || b == 0xdc || b == 0xdd ? Array(&n, "a value")
                                                              : Map(&n, "a value");
        if (r != Read::kOk) return r;
        items = ((b & 0xf0) == 0x80 || b == 0xde || b == 0xdf) ? 2ull * n : n;
        container = true;
      } else {
        size_t len_bytes = 0;
        switch (b) {
          case 0xc4:
          case 0xd9:
            len_bytes = 1;
            break;
          case 0xc5:
          case 0xda:
            len_bytes = 2;
            break;
          case 0xc6:
          case 0xdb:
            len_bytes = 4;
            break;
          case 0xc7:
            len_bytes = 1;
            skip = 1;
            break;  // ext 8: length, type
          case 0xc8:
            len_bytes = 2;
            skip = 1;
            break;
          case 0xc9:
            len_bytes = 4;
            skip = 1;
            break;
          case 0xca:
            skip = 4;
            break;
          case 0xcb:
            skip = 8;
            break;
          case 0xcc:
          case 0xd0:
            skip = 1;
            break;
          case 0xcd:
          case 0xd1:
            skip = 2;
            break;
          case 0xce:
          case 0xd2:
            skip = 4;
            break;
          case 0xcf:
          case 0xd3:
            skip = 8;
            break;
          case 0xd4:
            skip = 2;
            break;  // fixext 1: type + 1
          case 0xd5:
            skip = 3;
            break;
          case 0xd6:
            skip = 5;
            break;
          case 0xd7:
            skip = 9;
            break;
          case 0xd8:
            skip = 17;
            break;
          default:
            return Fail("a msgpack value", at);  // 0xc1
        }
        if (len_bytes > 0) {
          if (!Has(1 + len_bytes)) return Truncated("a length", at);
          skip += Be(at + 1, len_bytes) + len_bytes;
          sized = true;
        }
      }
      if (!container) {
        if (!Has(1 + skip)) {
          return Truncated(sized
                               ? std::string(TypeName(b)) + " of " + std::to_string(skip) + " bytes"
                               : std::string(TypeName(b)),
                           at);
        }
        pos_ += 1 + skip;
        continue;
      }
      if (items == 0) continue;
      if (depth + top + 1 >= kMaxDepth) {
        if (error_.empty()) {
          error_ = std::string(format_) + " traces: at byte " + std::to_string(at) +
                   ": values nest deeper than " + std::to_string(kMaxDepth) + " levels";
        }
        return Read::kBroken;
      }
      left[++top] = items;
    }
  }

  // Skips a value of the wrong type; kBroken if even that fails.
  bool SkipValue(int depth) { return Skip(depth) == Read::kOk; }

 private:
  uint8_t Byte(size_t at) const { return static_cast<uint8_t>(data_[at]); }
  bool Has(size_t n) const { return data_.size() - pos_ >= n; }
  uint64_t Be(size_t at, size_t n) const {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | Byte(at + i);
    return v;
  }

  Read Container(uint32_t* count, std::string_view expected, uint8_t fix, uint8_t wide,
                 uint64_t per_item) {
    if (pos_ >= data_.size()) return Truncated(expected, pos_);
    uint8_t b = Byte(pos_);
    size_t head;
    uint64_t n;
    if ((b & 0xf0) == fix) {
      n = b & 0x0f;
      head = 1;
    } else if (b == wide || b == wide + 1) {
      head = b == wide ? 3 : 5;
      if (!Has(head)) return Truncated(expected, pos_);
      n = Be(pos_ + 1, head - 1);
    } else {
      return Read::kWrongType;
    }
    if (n * per_item > data_.size() - pos_ - head) {
      return Truncated(std::string(expected) + " of " + std::to_string(n) + " items", pos_);
    }
    *count = static_cast<uint32_t>(n);
    pos_ += head;
    return Read::kOk;
  }

  std::string_view data_;
  const char* format_;
  size_t pos_ = 0;
  std::string error_;
};

// ---------------------------------------------------------------------------
// One span, as views into the body (or the v0.5 string table).

enum OriginField : uint8_t { kFile, kLine, kColumn, kMethod, kType, kOriginFields };

struct OriginValue {
  uint8_t frame;
  uint8_t field;
  std::string_view value;
};

struct SpanView {
  std::string_view service, name, resource;
  uint64_t trace_id = 0, span_id = 0, parent_id = 0;
  int64_t start = 0, duration = 0, error = 0;
  std::string_view version, env, language, runtime_version;
  std::string_view error_type, error_message, error_stack, http_route, tid_high, origin_type;
  std::string_view span_kind;  // meta span.kind: "server", "client", "producer", …
  bool top_level = false;
  uint32_t origin_begin = 0, origin_end = 0;  // into Chunk::origin
  std::string reject;                         // why the span is malformed; "" when it is not
};

struct Chunk {
  std::vector<SpanView> spans;
  std::vector<OriginValue> origin;
  std::vector<std::pair<std::string_view, std::string_view>> git;
  std::vector<std::pair<uint64_t, uint32_t>> by_id;  // span_id → index, for large chunks

  void Clear() {
    spans.clear();
    origin.clear();
    git.clear();
  }
};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && std::memcmp(s.data(), prefix.data(), prefix.size()) == 0;
}

// _dd.code_origin.type, _dd.code_origin.frames.N.{file,line,column,method,type}
void ApplyCodeOrigin(std::string_view key, std::string_view value, SpanView& span, Chunk& chunk) {
  key.remove_prefix(sizeof("_dd.code_origin.") - 1);
  if (key == "type") {
    span.origin_type = value;
    return;
  }
  if (!StartsWith(key, "frames.")) return;
  key.remove_prefix(sizeof("frames.") - 1);
  size_t dot = key.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot > 2) return;
  unsigned n = 0;
  for (size_t i = 0; i < dot; ++i) {
    if (key[i] < '0' || key[i] > '9') return;
    n = n * 10 + static_cast<unsigned>(key[i] - '0');
  }
  if (n >= kMaxCodeOriginFrames) return;
  std::string_view field = key.substr(dot + 1);
  uint8_t f;
  if (field == "file") {
    f = kFile;
  } else if (field == "line") {
    f = kLine;
  } else if (field == "column") {
    f = kColumn;
  } else if (field == "method") {
    f = kMethod;
  } else if (field == "type") {
    f = kType;
  } else {
    return;
  }
  chunk.origin.push_back({static_cast<uint8_t>(n), f, value});
}

void ApplyMeta(std::string_view key, std::string_view value, SpanView& span, Chunk& chunk) {
  if (key.empty()) return;
  if (key == "span.kind") {
    span.span_kind = value;
    return;
  }
  switch (key[0]) {
    case '_':
      if (StartsWith(key, "_dd.code_origin.")) {
        ApplyCodeOrigin(key, value, span, chunk);
        return;
      }
      if (key == "_dd.p.tid") {
        span.tid_high = value;
        return;
      }
      break;
    case 'e':
      if (key == "env") {
        span.env = value;
        return;
      }
      if (StartsWith(key, "error.")) {
        std::string_view rest = key.substr(6);
        if (rest == "type") {
          span.error_type = value;
        } else if (rest == "message" || rest == "msg") {
          span.error_message = value;
        } else if (rest == "stack") {
          span.error_stack = value;
        }
        return;
      }
      break;
    case 'h':
      if (key == "http.route") {
        span.http_route = value;
        return;
      }
      break;
    case 'l':
      if (key == "language") {
        span.language = value;
        return;
      }
      break;
    case 'r':
      if (key == "runtime-version" || key == "runtime_version") {
        span.runtime_version = value;
        return;
      }
      break;
    case 'v':
      if (key == "version") {
        span.version = value;
        return;
      }
      break;
    default:
      break;
  }
  // Every git tag attribute name has a '.' or an '_' in it; most meta keys
  // that reach here do too, so this only saves the call on the others.
  if (chunk.git.size() < kMaxGitAttributes && IsGitTagAttribute(key)) {
    chunk.git.emplace_back(key, value);
  }
}

void ApplyMetric(std::string_view key, double value, SpanView& span) {
  if (key == "_dd.top_level") span.top_level = value == 1;
}

void Reject(SpanView& span, std::string why) {
  if (span.reject.empty()) span.reject = std::move(why);
}

// ---------------------------------------------------------------------------
// v0.4: a span is a map with string keys.

// Reads a {str: str} (meta) or {str: number} (metrics) map. Returns false when
// the body is broken.
bool ReadMetaMapV04(Reader& in, SpanView& span, Chunk& chunk, bool metrics) {
  const char* what = metrics ? "\"metrics\"" : "\"meta\"";
  uint32_t n;
  Read r = in.Map(&n, "a map");
  if (r == Read::kBroken) return false;
  if (r == Read::kWrongType) {
    Reject(span, std::string(what) + " is not a map");
    return in.SkipValue(3);
  }
  for (uint32_t i = 0; i < n; ++i) {
    std::string_view key;
    r = in.String(&key);
    if (r == Read::kBroken) return false;
    if (r == Read::kWrongType) {
      Reject(span, std::string(what) + " has a key that is not a string");
      if (!in.SkipValue(4) || !in.SkipValue(4)) return false;
      continue;
    }
    if (metrics) {
      double v;
      r = in.Float(&v);
      if (r == Read::kOk) ApplyMetric(key, v, span);
    } else {
      std::string_view v;
      r = in.String(&v);
      if (r == Read::kOk) ApplyMeta(key, v, span, chunk);
    }
    if (r == Read::kBroken) return false;
    if (r == Read::kWrongType) {
      Reject(span, std::string(what) + " \"" + std::string(key.substr(0, 64)) + "\" is not a " +
                       (metrics ? "number" : "string"));
      if (!in.SkipValue(4)) return false;
    }
  }
  return true;
}

bool ReadSpanV04(Reader& in, SpanView& span, Chunk& chunk) {
  uint32_t fields;
  Read r = in.Map(&fields, "a span (a map)");
  if (r == Read::kBroken) return false;
  if (r == Read::kWrongType) {
    Reject(span, "the span is not a map");
    return in.SkipValue(2);
  }
  for (uint32_t i = 0; i < fields; ++i) {
    std::string_view key;
    r = in.String(&key);
    if (r == Read::kBroken) return false;
    if (r == Read::kWrongType) {
      Reject(span, "a span field name is not a string");
      if (!in.SkipValue(3) || !in.SkipValue(3)) return false;
      continue;
    }
    const char* expected = nullptr;
    r = Read::kOk;
    if (key == "meta") {
      if (!ReadMetaMapV04(in, span, chunk, false)) return false;
      continue;
    } else if (key == "metrics") {
      if (!ReadMetaMapV04(in, span, chunk, true)) return false;
      continue;
    } else if (key == "service") {
      r = in.String(&span.service), expected = "a string";
    } else if (key == "name") {
      r = in.String(&span.name), expected = "a string";
    } else if (key == "resource") {
      r = in.String(&span.resource), expected = "a string";
    } else if (key == "trace_id") {
      r = in.Uint(&span.trace_id), expected = "an unsigned integer";
    } else if (key == "span_id") {
      r = in.Uint(&span.span_id), expected = "an unsigned integer";
    } else if (key == "parent_id") {
      r = in.Uint(&span.parent_id), expected = "an unsigned integer";
    } else if (key == "start") {
      r = in.Int(&span.start), expected = "an integer";
    } else if (key == "duration") {
      r = in.Int(&span.duration), expected = "an integer";
    } else if (key == "error") {
      r = in.Int(&span.error), expected = "an integer";
    } else {
      // type, meta_struct, span_links, span_events, …: not needed.
      r = in.Skip(3);
    }
    if (r == Read::kBroken) return false;
    if (r == Read::kWrongType) {
      Reject(span, "\"" + std::string(key) + "\" is not " + expected);
      if (!in.SkipValue(3)) return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// v0.5: a span is an array of 12; strings are indices into the string table.

Read TableString(Reader& in, const std::vector<std::string_view>& table, std::string_view* out,
                 SpanView& span) {
  uint64_t index;
  Read r = in.Uint(&index);
  if (r != Read::kOk) return r;
  if (index >= table.size()) {
    Reject(span, "string index " + std::to_string(index) + " is beyond the string table (" +
                     std::to_string(table.size()) + " strings)");
    *out = {};
    return Read::kOk;
  }
  *out = table[index];
  return Read::kOk;
}

bool ReadMetaMapV05(Reader& in, const std::vector<std::string_view>& table, SpanView& span,
                    Chunk& chunk, bool metrics) {
  const char* what = metrics ? "metrics" : "meta";
  uint32_t n;
  Read r = in.Map(&n, "a map");
  if (r == Read::kBroken) return false;
  if (r == Read::kWrongType) {
    Reject(span, std::string(what) + " is not a map");
    return in.SkipValue(3);
  }
  for (uint32_t i = 0; i < n; ++i) {
    std::string_view key;
    r = TableString(in, table, &key, span);
    if (r == Read::kBroken) return false;
    if (r == Read::kWrongType) {
      Reject(span, std::string(what) + " has a key that is not a string index");
      if (!in.SkipValue(4) || !in.SkipValue(4)) return false;
      continue;
    }
    if (metrics) {
      double v;
      r = in.Float(&v);
      if (r == Read::kOk) ApplyMetric(key, v, span);
    } else {
      std::string_view v;
      r = TableString(in, table, &v, span);
      if (r == Read::kOk) ApplyMeta(key, v, span, chunk);
    }
    if (r == Read::kBroken) return false;
    if (r == Read::kWrongType) {
      Reject(span, std::string(what) + " \"" + std::string(key.substr(0, 64)) + "\" is not a " +
                       (metrics ? "number" : "string index"));
      if (!in.SkipValue(4)) return false;
    }
  }
  return true;
}

bool ReadSpanV05(Reader& in, const std::vector<std::string_view>& table, SpanView& span,
                 Chunk& chunk) {
  static constexpr const char* kFields[] = {"service", "name",      "resource", "trace_id",
                                            "span_id", "parent_id", "start",    "duration",
                                            "error",   "meta",      "metrics",  "type"};
  uint32_t n;
  Read r = in.Array(&n, "a span (an array of 12)");
  if (r == Read::kBroken) return false;
  if (r == Read::kWrongType || n != 12) {
    Reject(span, r == Read::kWrongType
                     ? std::string("the span is not an array")
                     : "the span is an array of " + std::to_string(n) + ", not 12");
    if (r == Read::kWrongType) return in.SkipValue(2);
    for (uint32_t i = 0; i < n; ++i) {
      if (!in.SkipValue(3)) return false;
    }
    return true;
  }
  for (uint32_t i = 0; i < 12; ++i) {
    const char* expected = "an unsigned integer";
    switch (i) {
      case 0:
        r = TableString(in, table, &span.service, span), expected = "a string index";
        break;
      case 1:
        r = TableString(in, table, &span.name, span), expected = "a string index";
        break;
      case 2:
        r = TableString(in, table, &span.resource, span), expected = "a string index";
        break;
      case 3:
        r = in.Uint(&span.trace_id);
        break;
      case 4:
        r = in.Uint(&span.span_id);
        break;
      case 5:
        r = in.Uint(&span.parent_id);
        break;
      case 6:
        r = in.Int(&span.start), expected = "an integer";
        break;
      case 7:
        r = in.Int(&span.duration), expected = "an integer";
        break;
      case 8:
        r = in.Int(&span.error), expected = "an integer";
        break;
      case 9:
        if (!ReadMetaMapV05(in, table, span, chunk, false)) return false;
        continue;
      case 10:
        if (!ReadMetaMapV05(in, table, span, chunk, true)) return false;
        continue;
      default:
        r = in.Skip(3);
        break;  // type
    }
    if (r == Read::kBroken) return false;
    if (r == Read::kWrongType) {
      Reject(span, std::string(kFields[i]) + " is not " + expected);
      if (!in.SkipValue(3)) return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// From a chunk's spans to errors and entry spans.

// At most `max` bytes of `s`, not cutting a UTF-8 sequence.
std::string_view BoundedView(std::string_view s, size_t max = kMaxTelemetryString) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<uint8_t>(s[end]) & 0xc0) == 0x80) --end;
  return s.substr(0, end);
}

std::string Bounded(std::string_view s, size_t max = kMaxTelemetryString) {
  return std::string(BoundedView(s, max));
}

void Hex64(uint64_t v, char* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int i = 15; i >= 0; --i, v >>= 4) out[i] = kDigits[v & 0xf];
}

std::string HexId(uint64_t v) {
  std::string out(16, '0');
  Hex64(v, out.data());
  return out;
}

// 32 hex digits when _dd.p.tid holds the high 64 bits, else 16.
std::string TraceId(const SpanView& span, std::string_view chunk_tid) {
  std::string_view tid = !span.tid_high.empty() ? span.tid_high : chunk_tid;
  std::string out;
  if (!tid.empty() && tid.size() <= 16 && std::all_of(tid.begin(), tid.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      })) {
    out.assign(16 - tid.size(), '0');
    for (char c : tid) out += static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
    if (out != "0000000000000000") {
      out.resize(32);
      Hex64(span.trace_id, out.data() + 16);
      return out;
    }
  }
  return HexId(span.trace_id);
}

int ParseNumber(std::string_view s) {
  int v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || v < 0) return 0;
  return v;
}

// What the spans of a chunk share: the process's env, language, runtime
// and trace id's high bits; the version of each service.
struct ChunkDefaults {
  std::string_view env, language, runtime_version, tid;
  std::vector<std::pair<std::string_view, std::string_view>> versions;  // service → version
};

ServiceIdentity Identity(const SpanView& span, const ChunkDefaults& d) {
  ServiceIdentity id;
  id.service = Bounded(span.service);
  std::string_view version = span.version;
  if (version.empty()) {  // from another span of the same service
    for (const auto& [service, v] : d.versions) {
      if (service == span.service) {
        version = v;
        break;
      }
    }
  }
  id.version = Bounded(version);
  id.environment = Bounded(span.env.empty() ? d.env : span.env);
  id.language = Bounded(span.language.empty() ? d.language : span.language);
  id.runtime_version =
      Bounded(span.runtime_version.empty() ? d.runtime_version : span.runtime_version);
  return id;
}

class Extractor {
 public:
  explicit Extractor(TelemetryBatch& batch) : batch_(batch) {}

  void Problem(std::string why) {
    if (batch_.problems.size() < kMaxProblems) batch_.problems.push_back(std::move(why));
  }

  void Finish(Chunk& chunk, size_t chunk_index) {
    std::shared_ptr<const GitAttributes> git = GitOf(chunk);
    ChunkDefaults& d = defaults_;
    d.env = d.language = d.runtime_version = d.tid = {};
    d.versions.clear();
    for (const SpanView& s : chunk.spans) {
      if (d.env.empty()) d.env = s.env;
      if (d.language.empty()) d.language = s.language;
      if (d.runtime_version.empty()) d.runtime_version = s.runtime_version;
      if (d.tid.empty()) d.tid = s.tid_high;
      if (!s.version.empty() && d.versions.size() < kMaxVersions &&
          std::none_of(d.versions.begin(), d.versions.end(),
                       [&](const auto& p) { return p.first == s.service; })) {
        d.versions.emplace_back(s.service, s.version);
      }
    }
    bool large = chunk.spans.size() > kLinearParents;
    if (large) {
      chunk.by_id.clear();
      for (uint32_t i = 0; i < chunk.spans.size(); ++i)
        chunk.by_id.emplace_back(chunk.spans[i].span_id, i);
      std::sort(chunk.by_id.begin(), chunk.by_id.end());
    }
    size_t first_error = batch_.errors.size();
    bool any_error_details = false;
    for (size_t i = 0; i < chunk.spans.size(); ++i) {
      SpanView& span = chunk.spans[i];
      if (span.reject.empty() && (span.trace_id == 0 || span.span_id == 0)) {
        span.reject = "trace_id and span_id must be non-zero";
      }
      if (!span.reject.empty()) {
        ++batch_.rejected;
        Problem("trace " + std::to_string(chunk_index) + ", span " + std::to_string(i) + ": " +
                span.reject);
        continue;
      }
      if (IsEntry(span, chunk, large) && Room()) AddEntry(span, chunk, git, d);
      bool details =
          !span.error_type.empty() || !span.error_message.empty() || !span.error_stack.empty();
      if ((details || span.error != 0) && Room()) {
        any_error_details |= details;
        AddError(span, git, d, first_error);
      }
    }
    // An error=1 span without error.* meta (a 500 answer) only counts when no
    // span of the chunk says what the error was.
    if (any_error_details) {
      auto& errors = batch_.errors;
      size_t kept = first_error;
      for (size_t i = first_error; i < errors.size(); ++i) {
        const ErrorEvent& e = errors[i];
        if (e.type.empty() && e.message.empty() && e.stack.empty()) continue;
        if (kept != i) {
          errors[kept] = std::move(errors[i]);
          route_is_http_[kept] = route_is_http_[i];
        }
        ++kept;
      }
      errors.resize(kept);
      route_is_http_.resize(kept);
    }
  }

 private:
  // False once the body has given kMaxEvents events or kMaxEventBytes of
  // their strings (says so once in problems).
  bool Room() {
    if (batch_.errors.size() + batch_.entries.size() < kMaxEvents && bytes_ < kMaxEventBytes) {
      return true;
    }
    if (!full_) {
      full_ = true;
      Problem("more than " + std::to_string(kMaxEvents) + " errors and entry spans, or " +
              std::to_string(kMaxEventBytes >> 20) +
              " MiB of their text, in one body; the rest are dropped (send smaller payloads)");
    }
    return false;
  }

  static std::shared_ptr<const GitAttributes> GitOf(const Chunk& chunk) {
    if (chunk.git.empty()) return nullptr;
    auto git = std::make_shared<GitAttributes>();
    for (const auto& [name, value] : chunk.git) {
      bool seen = false;  // the first span's value wins
      for (const auto& kept : git->attributes) seen |= kept.first == name;
      if (!seen) git->attributes.emplace_back(Bounded(name), Bounded(value));
    }
    return git;
  }

  static const SpanView* Parent(const SpanView& span, const Chunk& chunk, bool large) {
    if (large) {
      auto it = std::lower_bound(chunk.by_id.begin(), chunk.by_id.end(),
                                 std::make_pair(span.parent_id, uint32_t{0}));
      if (it == chunk.by_id.end() || it->first != span.parent_id) return nullptr;
      return &chunk.spans[it->second];
    }
    for (const SpanView& s : chunk.spans) {
      if (s.span_id == span.parent_id) return &s;
    }
    return nullptr;
  }

  static bool IsEntry(const SpanView& span, const Chunk& chunk, bool large) {
    if (span.origin_type == "entry") return true;
    // A call out of the service (an HTTP client, a queue producer) is never
    // where a request enters it, even as the first span of a trace.
    if (span.span_kind == "client" || span.span_kind == "producer") return false;
    if (span.parent_id == 0 || span.top_level) return true;
    const SpanView* parent = Parent(span, chunk, large);
    return parent == nullptr || parent->service != span.service;
  }

  void AddEntry(const SpanView& span, const Chunk& chunk,
                const std::shared_ptr<const GitAttributes>& git, const ChunkDefaults& d) {
    EntrySpan e;
    e.service = Identity(span, d);
    e.git = git;
    e.time_unix_nano = span.start;
    e.duration_nano = span.duration;
    e.trace_id = TraceId(span, d.tid);
    e.span_id = HexId(span.span_id);
    e.resource = Bounded(span.resource.empty() ? span.http_route : span.resource);
    e.name = Bounded(span.name);
    e.error = span.error != 0;
    e.origin_type = Bounded(span.origin_type);
    if (span.origin_end > span.origin_begin) {
      std::array<CodeOriginFrame, kMaxCodeOriginFrames> frames;
      size_t count = 0;
      for (uint32_t i = span.origin_begin; i < span.origin_end; ++i) {
        const OriginValue& v = chunk.origin[i];
        CodeOriginFrame& f = frames[v.frame];
        count = std::max<size_t>(count, v.frame + 1u);
        switch (v.field) {
          case kFile:
            f.frame.file = Bounded(v.value);
            break;
          case kLine:
            f.frame.line = ParseNumber(v.value);
            break;
          case kColumn:
            f.frame.column = ParseNumber(v.value);
            break;
          case kMethod:
            f.frame.function = Bounded(v.value);
            break;
          default:
            f.type = Bounded(v.value);
            break;
        }
      }
      for (size_t i = 0; i < count; ++i) {
        if (frames[i].frame.file.empty()) continue;
        bytes_ +=
            frames[i].frame.file.size() + frames[i].frame.function.size() + frames[i].type.size();
        e.origin.push_back(std::move(frames[i]));
      }
    }
    bytes_ += sizeof e + e.resource.size() + e.name.size() + e.origin_type.size() +
              IdentityBytes(e.service);
    batch_.entries.push_back(std::move(e));
  }

  void AddError(const SpanView& span, const std::shared_ptr<const GitAttributes>& git,
                const ChunkDefaults& d, size_t first_error) {
    // One exception seen by several spans of a chunk (the handler's, the
    // router's, the request's) is one error; the request's route names it.
    size_t from =
        std::max(first_error, batch_.errors.size() - std::min(batch_.errors.size(), kDedupWindow));
    for (size_t i = from; i < batch_.errors.size(); ++i) {
      ErrorEvent& seen = batch_.errors[i];
      if (seen.type == BoundedView(span.error_type) &&
          seen.message == BoundedView(span.error_message) &&
          seen.stack == BoundedView(span.error_stack, kMaxTelemetryStack)) {
        if (!span.http_route.empty() && !route_is_http_[i]) {
          seen.route = Bounded(span.http_route);
          route_is_http_[i] = true;
        }
        return;
      }
    }
    ErrorEvent e;
    e.service = Identity(span, d);
    e.git = git;
    e.time_unix_nano = span.start;
    e.trace_id = TraceId(span, d.tid);
    e.span_id = HexId(span.span_id);
    e.type = Bounded(span.error_type);
    e.message = Bounded(span.error_message);
    e.stack = Bounded(span.error_stack, kMaxTelemetryStack);
    e.source = "datadog-span";
    e.route = Bounded(span.http_route.empty() ? span.resource : span.http_route);
    bytes_ += sizeof e + e.type.size() + e.message.size() + e.stack.size() + e.route.size() +
              IdentityBytes(e.service);
    batch_.errors.push_back(std::move(e));
    route_is_http_.push_back(!span.http_route.empty());
  }

  static size_t IdentityBytes(const ServiceIdentity& s) {
    return s.service.size() + s.version.size() + s.environment.size() + s.language.size() +
           s.runtime_version.size();
  }

  TelemetryBatch& batch_;
  ChunkDefaults defaults_;
  std::vector<bool> route_is_http_;  // per error: its route came from http.route
  size_t bytes_ = 0;
  bool full_ = false;
};

// Reads the traces array (both versions); `table` is null for v0.4.
Result<TelemetryBatch> DecodeTraces(Reader& in, const std::vector<std::string_view>* table) {
  TelemetryBatch batch;
  Extractor extract(batch);
  uint32_t traces;
  Read r = in.Array(&traces, "an array of traces");
  if (r == Read::kWrongType) in.Fail("an array of traces", in.pos());
  if (r != Read::kOk) return Status::InvalidArgument(in.error());
  Chunk chunk;
  for (uint32_t t = 0; t < traces; ++t) {
    chunk.Clear();
    uint32_t spans;
    r = in.Array(&spans, "a trace (an array of spans)");
    if (r == Read::kWrongType) {
      extract.Problem("trace " + std::to_string(t) + " is not an array of spans");
      ++batch.spans;  // counted as one span, so that rejected <= spans
      ++batch.rejected;
      if (!in.SkipValue(1)) return Status::InvalidArgument(in.error());
      continue;
    }
    if (r != Read::kOk) return Status::InvalidArgument(in.error());
    uint32_t kept = static_cast<uint32_t>(std::min<size_t>(spans, kMaxChunkSpans));
    chunk.spans.resize(kept);
    for (uint32_t s = 0; s < kept; ++s) {
      SpanView& span = chunk.spans[s];
      span.origin_begin = static_cast<uint32_t>(chunk.origin.size());
      bool ok =
          table == nullptr ? ReadSpanV04(in, span, chunk) : ReadSpanV05(in, *table, span, chunk);
      if (!ok) return Status::InvalidArgument(in.error());
      span.origin_end = static_cast<uint32_t>(chunk.origin.size());
    }
    for (uint32_t s = kept; s < spans; ++s) {
      if (!in.SkipValue(2)) return Status::InvalidArgument(in.error());
    }
    if (kept < spans) {
      batch.rejected += spans - kept;
      extract.Problem("trace " + std::to_string(t) + " has " + std::to_string(spans) +
                      " spans; only the first " + std::to_string(kMaxChunkSpans) + " are read");
    }
    batch.spans += spans;
    extract.Finish(chunk, t);
  }
  if (!in.at_end()) {
    in.Fail("the end of the body", in.pos());
    return Status::InvalidArgument(in.error());
  }
  return batch;
}

}  // namespace

Result<TelemetryBatch> DecodeDatadogTracesV04(std::string_view body) {
  Reader in(body, "v0.4");
  return DecodeTraces(in, nullptr);
}

Result<TelemetryBatch> DecodeDatadogTracesV05(std::string_view body) {
  Reader in(body, "v0.5");
  uint32_t n;
  Read r = in.Array(&n, "[string table, traces]");
  if (r == Read::kOk && n != 2) {
    return Status::InvalidArgument(
        "v0.5 traces: at byte 0: expected an array of 2 (string "
        "table, traces), got an array of " +
        std::to_string(n));
  }
  if (r == Read::kWrongType) in.Fail("an array of 2 (string table, traces)", in.pos());
  if (r != Read::kOk) return Status::InvalidArgument(in.error());
  uint32_t strings;
  r = in.Array(&strings, "the string table (an array of strings)");
  if (r == Read::kWrongType) in.Fail("the string table (an array of strings)", in.pos());
  if (r != Read::kOk) return Status::InvalidArgument(in.error());
  std::vector<std::string_view> table(strings);
  for (uint32_t i = 0; i < strings; ++i) {
    r = in.String(&table[i]);
    if (r == Read::kWrongType) in.Fail("a string of the string table", in.pos());
    if (r != Read::kOk) return Status::InvalidArgument(in.error());
  }
  return DecodeTraces(in, &table);
}

}  // namespace srclink
