// ProtobufWire: a reader of the protobuf wire format, one message's fields at
// a time, as views into the bytes — no message objects, no copies. The OTLP
// decoder (ingest/otlp_protobuf.cc) and the pprof decoder (ingest/pprof.cc)
// walk their messages with it; docs/DESIGN.md ("OTLP ingest") has the
// measurement that made us hand-write it.
//
//   ProtobufWire w(msg, body.data(), "Sample", &error);
//   while (w.Next()) {
//     if (w.field == 1 && w.type == kWireLen) Use(w.bytes);
//   }
//   if (w.failed()) return error;  // "truncated varint at byte 12 (field 2 of Sample)"
//
// Next() reads one field: its number in `field`, its wire type in `type`, and
// its value in `varint` (kWireVarint), `fixed` (kWireFixed64, kWireFixed32:
// the raw bits) or `bytes` (kWireLen: a view into the message). Groups (wire
// types 3 and 4, deprecated) are malformed here. On malformed input Next()
// returns false, stops, and sets *error — once, shared by every reader given
// the same string, so the first problem wins — to what broke, at which byte
// offset from `body` (the start of the whole input) and in which message.
// Every length is checked against the bytes left before it is used.
//
// PackedVarints reads a packed repeated varint field (proto3's default for
// repeated integers) the same way.
//
// Thread-safety: a reader is a cursor over bytes it does not own; the bytes
// must outlive it and the views it hands out. Pure; no allocation except the
// error message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace srclink {

enum ProtobufWireType { kWireVarint = 0, kWireFixed64 = 1, kWireLen = 2, kWireFixed32 = 5 };

// Reads a base-128 varint of at most 10 bytes from [*p, end); advances *p.
// Returns false (leaving *p anywhere in range) when the bytes end first or the
// varint is longer than 10 bytes. Bits past the 64th are dropped, as libprotobuf does.
inline bool ReadProtobufVarint(const uint8_t** p, const uint8_t* end, uint64_t* out) {
  uint64_t v = 0;
  const uint8_t* q = *p;
  for (int shift = 0; shift < 70 && q < end; shift += 7) {
    uint8_t b = *q++;
    if (shift < 64) v |= uint64_t{b & 0x7Fu} << shift;
    if (b < 0x80) {
      *out = v;
      *p = q;
      return true;
    }
  }
  *p = q;
  return false;
}

// Appends `v` as a base-128 varint (for our own binary formats too).
inline void AppendProtobufVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Zigzag encoding of signed integers (sint64): small magnitudes, small varints.
inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

class ProtobufWire {
 public:
  // `msg` lies inside the input that starts at `body`; `message` names the
  // message type for errors ("Sample") and must outlive the reader.
  ProtobufWire(std::string_view msg, const char* body, const char* message, std::string* error)
      : p_(reinterpret_cast<const uint8_t*>(msg.data())),
        end_(p_ + msg.size()),
        body_(reinterpret_cast<const uint8_t*>(body)),
        start_(p_),
        message_(message),
        error_(error) {}

  // Reads the next field. False at the end of the message or on malformed
  // input (then failed() is true).
  bool Next() {
    if (p_ == end_) return false;
    start_ = p_;
    uint64_t key;
    if (*p_ < 0x80) {
      key = *p_++;  // fields 1..15: a one-byte key
    } else if (!ReadProtobufVarint(&p_, end_, &key)) {
      return Fail("truncated field key");
    }
    field = static_cast<uint32_t>(key >> 3);
    type = static_cast<int>(key & 7);
    if (field == 0 || (key >> 3) > 0x1FFFFFFF) return Fail("invalid field number 0");
    switch (type) {
      case kWireVarint:
        if (p_ < end_ && *p_ < 0x80) {
          varint = *p_++;
          return true;
        }
        if (!ReadProtobufVarint(&p_, end_, &varint)) return Fail("truncated varint");
        return true;
      case kWireFixed64:
        if (end_ - p_ < 8) return Fail("truncated fixed64");
        std::memcpy(&fixed, p_, 8);
        p_ += 8;
        return true;
      case kWireFixed32: {
        if (end_ - p_ < 4) return Fail("truncated fixed32");
        uint32_t v;
        std::memcpy(&v, p_, 4);
        fixed = v;
        p_ += 4;
        return true;
      }
      case kWireLen: {
        uint64_t len;
        if (p_ < end_ && *p_ < 0x80) {
          len = *p_++;
        } else if (!ReadProtobufVarint(&p_, end_, &len)) {
          return Fail("truncated length");
        }
        if (len > static_cast<uint64_t>(end_ - p_)) return FailLength(len);
        bytes = std::string_view(reinterpret_cast<const char*>(p_), len);
        p_ += len;
        return true;
      }
      default:
        return FailWireType();
    }
  }

  bool failed() const { return !error_->empty(); }
  // Byte offset of `inner` (a view into the input) from the input's start.
  size_t offset(std::string_view inner) const {
    return reinterpret_cast<const uint8_t*>(inner.data()) - body_;
  }
  // Byte offset of the field Next() read last.
  size_t field_offset() const { return start_ - body_; }

  // Records a problem the caller found in the field read last (a value out of
  // range, a packed field that does not parse), in the same form as the
  // reader's own: "<what> at byte N (field F of Message)". Returns false.
  bool Fail(const std::string& what);

  uint32_t field = 0;
  int type = 0;
  uint64_t varint = 0;
  uint64_t fixed = 0;
  std::string_view bytes;

 private:
  bool FailLength(uint64_t len);
  bool FailWireType();

  const uint8_t* p_;
  const uint8_t* end_;
  const uint8_t* body_;
  const uint8_t* start_;
  const char* message_;
  std::string* error_;
};

// The varints of a packed repeated field (a kWireLen value).
//   PackedVarints packed(w.bytes);
//   uint64_t v;
//   while (packed.Next(&v)) Use(v);
//   if (!packed.ok()) return w.Fail("truncated packed varint");
class PackedVarints {
 public:
  explicit PackedVarints(std::string_view bytes)
      : p_(reinterpret_cast<const uint8_t*>(bytes.data())), end_(p_ + bytes.size()) {}

  bool Next(uint64_t* v) {
    if (p_ == end_) return false;
    if (*p_ < 0x80) {
      *v = *p_++;
      return true;
    }
    if (ReadProtobufVarint(&p_, end_, v)) return true;
    ok_ = false;
    p_ = end_;
    return false;
  }
  // False when the bytes ended inside a varint.
  bool ok() const { return ok_; }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
  bool ok_ = true;
};

}  // namespace srclink
