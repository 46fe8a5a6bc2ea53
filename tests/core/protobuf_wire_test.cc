// ProtobufWire: fields of hand-written messages, as one-line dumps, and the
// exact errors for malformed bytes; PackedVarints; the varint helpers.
#include "core/protobuf_wire.h"

#include <gtest/gtest.h>

#include <string>

namespace srclink {
namespace {

// "1:v150 2:s'hi' 3:f64=… 4:f32=…", or "error: …".
std::string Fields(const std::string& msg) {
  std::string error, out;
  ProtobufWire w(msg, msg.data(), "Test", &error);
  while (w.Next()) {
    if (!out.empty()) out += ' ';
    out += std::to_string(w.field) + ':';
    switch (w.type) {
      case kWireVarint:
        out += "v" + std::to_string(w.varint);
        break;
      case kWireLen:
        out += "s'" + std::string(w.bytes) + "'@" + std::to_string(w.offset(w.bytes));
        break;
      case kWireFixed64:
        out += "f64=" + std::to_string(w.fixed);
        break;
      case kWireFixed32:
        out += "f32=" + std::to_string(w.fixed);
        break;
    }
  }
  if (w.failed()) return (out.empty() ? "" : out + " ") + "error: " + error;
  return out;
}

TEST(ProtobufWireTest, Table) {
  const struct {
    std::string msg;
    std::string fields;
  } cases[] = {
      {"", ""},
      {std::string("\x08\x96\x01", 3), "1:v150"},
      {std::string("\x12\x02hi\x08\x00", 6), "2:s'hi'@2 1:v0"},
      {std::string("\x19\x01\x00\x00\x00\x00\x00\x00\x00", 9), "3:f64=1"},
      {std::string("\x25\x02\x00\x00\x00", 5), "4:f32=2"},
      // Field 16 takes a two-byte key; the largest field number 536870911.
      {std::string("\x80\x01\x07", 3), "16:v7"},
      {std::string("\xf8\xff\xff\xff\x0f\x01", 6), "536870911:v1"},
      // A ten-byte varint: all 64 bits.
      {std::string("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11), "1:v18446744073709551615"},
      // Malformed.
      {std::string("\x08", 1), "error: truncated varint at byte 0 (field 1 of Test)"},
      {std::string("\x08\x01\x08\x80", 4),
       "1:v1 error: truncated varint at byte 2 (field 1 of Test)"},
      {std::string("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12),
       "error: truncated varint at byte 0 (field 1 of Test)"},
      {std::string("\x80", 1), "error: truncated field key at byte 0 (field 0 of Test)"},
      {std::string("\x00\x01", 2), "error: invalid field number 0 at byte 0 (field 0 of Test)"},
      {std::string("\x12\x05hi", 4),
       "error: length 5 runs past the end of the message (2 bytes left) at byte 0 (field 2 of "
       "Test)"},
      {std::string("\x12\x80", 2), "error: truncated length at byte 0 (field 2 of Test)"},
      {std::string("\x19\x01\x00", 3), "error: truncated fixed64 at byte 0 (field 3 of Test)"},
      {std::string("\x25\x01", 2), "error: truncated fixed32 at byte 0 (field 4 of Test)"},
      {std::string("\x0b", 1), "error: unsupported wire type 3 at byte 0 (field 1 of Test)"},
  };
  for (const auto& c : cases) EXPECT_EQ(Fields(c.msg), c.fields) << c.fields;
}

TEST(ProtobufWireTest, NestedReadersShareTheFirstError) {
  // Field 1 holds a message whose field 2 is a truncated varint, at byte 2 of the input.
  std::string body("\x08\x01\x0a\x02\x10\x80\x08\x02", 8);
  std::string error;
  ProtobufWire outer(body, body.data(), "Outer", &error);
  int seen = 0;
  while (outer.Next()) {
    if (outer.field == 1 && outer.type == kWireLen) {
      ProtobufWire inner(outer.bytes, body.data(), "Inner", &error);
      while (inner.Next()) ++seen;
      EXPECT_TRUE(inner.failed());
      break;
    }
  }
  EXPECT_EQ(error, "truncated varint at byte 4 (field 2 of Inner)");
  EXPECT_TRUE(outer.failed());
  EXPECT_EQ(seen, 0);
  EXPECT_FALSE(outer.Fail("later problem"));
  EXPECT_EQ(error, "truncated varint at byte 4 (field 2 of Inner)");
}

TEST(ProtobufWireTest, CallerFailures) {
  std::string body("\x08\x05\x10\x07", 4);
  std::string error;
  ProtobufWire w(body, body.data(), "Sample", &error);
  ASSERT_TRUE(w.Next());
  ASSERT_TRUE(w.Next());
  EXPECT_EQ(w.field_offset(), 2u);
  EXPECT_FALSE(w.Fail("value 7 out of range"));
  EXPECT_EQ(error, "value 7 out of range at byte 2 (field 2 of Sample)");
  EXPECT_FALSE(w.Next());
}

TEST(ProtobufWireTest, PackedVarints) {
  auto read = [](const std::string& bytes) {
    PackedVarints packed(bytes);
    std::string out;
    uint64_t v;
    while (packed.Next(&v)) out += std::to_string(v) + ",";
    return packed.ok() ? out : out + "truncated";
  };
  EXPECT_EQ(read(""), "");
  EXPECT_EQ(read(std::string("\x01\x96\x01\x00", 4)), "1,150,0,");
  EXPECT_EQ(read(std::string("\x01\x96", 2)), "1,truncated");
}

TEST(ProtobufWireTest, VarintAndZigZagHelpers) {
  for (uint64_t v :
       {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{300}, UINT64_MAX}) {
    std::string bytes;
    AppendProtobufVarint(&bytes, v);
    const uint8_t* p = reinterpret_cast<const uint8_t*>(bytes.data());
    uint64_t back = 0;
    ASSERT_TRUE(ReadProtobufVarint(&p, p + bytes.size(), &back));
    EXPECT_EQ(back, v);
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1}, INT64_MIN, INT64_MAX})
    EXPECT_EQ(ZigZagDecode(ZigZagEncode(v)), v);
  EXPECT_EQ(ZigZagEncode(-1), 1u);
  EXPECT_EQ(ZigZagEncode(1), 2u);
}

}  // namespace
}  // namespace srclink
