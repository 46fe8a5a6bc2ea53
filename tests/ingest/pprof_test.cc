// DecodePprof: profiles built with the generated perftools::profiles classes
// (proto/pprof/profile.proto) and their one-line dumps; malformed and hostile
// inputs with their exact messages.
#include "ingest/pprof.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "pprof/profile.pb.h"

namespace srclink {
namespace {

namespace pb = perftools::profiles;

// A small Go-like CPU profile:
//   strings: "" samples count cpu nanoseconds main.main main.go main.handle
//            handle.go main.parse thread t1 bytes /app
//   functions 1 main.main (main.go:3), 2 main.handle (handle.go:10), 3 main.parse
//   locations 1 → main.main:5; 2 → main.handle:20 + main.parse:12 inlined; 3 → address only
//   samples [2,1] = 1,10 {thread=t1}; [3,1] = 2,20 {bytes=64bytes}
pb::Profile BaseProfile() {
  pb::Profile p;
  for (const char* s : {"", "samples", "count", "cpu", "nanoseconds", "main.main", "main.go",
                        "main.handle", "handle.go", "main.parse", "thread", "t1", "bytes", "/app"})
    p.add_string_table(s);
  auto type = [&](int t, int u) {
    pb::ValueType* v = p.add_sample_type();
    v->set_type(t);
    v->set_unit(u);
  };
  type(1, 2);
  type(3, 4);
  p.mutable_period_type()->set_type(3);
  p.mutable_period_type()->set_unit(4);
  p.set_period(10000000);
  p.set_time_nanos(1700000000000000000);
  p.set_duration_nanos(10000000000);
  p.set_default_sample_type(3);
  pb::Mapping* m = p.add_mapping();
  m->set_id(1);
  m->set_memory_start(0x400000);
  m->set_memory_limit(0x800000);
  m->set_filename(13);
  auto function = [&](uint64_t id, int name, int file, int start) {
    pb::Function* f = p.add_function();
    f->set_id(id);
    f->set_name(name);
    f->set_system_name(name);
    f->set_filename(file);
    f->set_start_line(start);
  };
  function(1, 5, 6, 3);
  function(2, 7, 8, 10);
  function(3, 9, 8, 0);
  auto location = [&](uint64_t id, uint64_t address, std::vector<std::pair<uint64_t, int>> lines) {
    pb::Location* l = p.add_location();
    l->set_id(id);
    l->set_mapping_id(1);
    l->set_address(address);
    for (auto [f, line] : lines) {
      pb::Line* ln = l->add_line();
      ln->set_function_id(f);
      ln->set_line(line);
    }
  };
  location(1, 0x401000, {{1, 5}});
  location(2, 0x402000, {{3, 12}, {2, 20}});  // main.parse inlined into main.handle
  location(3, 0x403000, {});
  pb::Sample* s = p.add_sample();
  s->add_location_id(2);
  s->add_location_id(1);
  s->add_value(1);
  s->add_value(10);
  pb::Label* l = s->add_label();
  l->set_key(10);
  l->set_str(11);
  s = p.add_sample();
  s->add_location_id(3);
  s->add_location_id(1);
  s->add_value(2);
  s->add_value(20);
  l = s->add_label();
  l->set_key(12);
  l->set_num(64);
  l->set_num_unit(12);
  return p;
}

constexpr char kBaseDump[] =
    "types=[samples/count cpu/nanoseconds] default=cpu period=cpu/nanoseconds*10000000 "
    "time=1700000000000000000 duration=10000000000 "
    "samples=[main.main:5;main.handle:20+main.parse:12=1,10 {thread=t1}, "
    "main.main:5;0x403000=2,20 {bytes=64bytes}]";

TEST(PprofTest, DecodesAGoLikeProfile) {
  std::string bytes = BaseProfile().SerializeAsString();
  auto p = DecodePprof(bytes);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->Dump(), kBaseDump);
  EXPECT_EQ(p->DefaultSampleTypeIndex(), 1u);
  ASSERT_EQ(p->functions.size(), 3u);
  EXPECT_EQ(p->str(p->functions[1].filename), "handle.go");
  EXPECT_EQ(p->functions[1].start_line, 10);
  ASSERT_EQ(p->mappings.size(), 1u);
  EXPECT_EQ(p->str(p->mappings[0].filename), "/app");
  EXPECT_EQ(p->locations[1].mapping, 0u);
  auto lines = p->Lines(p->locations[1]);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(p->str(p->functions[lines[0].function].name), "main.parse");  // innermost first
  // Views into the input, no copies.
  EXPECT_GE(p->str(p->functions[0].name).data(), bytes.data());
  EXPECT_LT(p->str(p->functions[0].name).data(), bytes.data() + bytes.size());
}

TEST(PprofTest, EmptyAndMinimalProfiles) {
  auto p = DecodePprof("");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->Dump(), "types=[] samples=[]");
  EXPECT_EQ(p->strings.size(), 1u);
}

TEST(PprofTest, AcceptsUnpackedRepeatedFieldsAndAnyFieldOrder) {
  // string_table first, then a sample with unpacked location ids and values,
  // then its location and function; plus an unknown field 99 and a sample_type
  // sent as a varint (wrong wire type: skipped).
  std::string b;
  auto key = [&](int field, int type) { b += static_cast<char>(field << 3 | type); };
  auto str = [&](const std::string& s) {
    key(6, 2);
    b += static_cast<char>(s.size());
    b += s;
  };
  str("");
  str("n");
  str("c");
  str("f");
  key(1, 2), b += std::string("\x04\x08\x01\x10\x02", 5);          // sample_type n/c
  key(2, 2), b += std::string("\x06\x08\x07\x08\x07\x10\x05", 7);  // locations 7,7; value 5
  key(4, 2), b += std::string("\x06\x08\x07\x22\x02\x08\x02", 7);  // location 7: line fn 2
  key(5, 2), b += std::string("\x04\x08\x02\x10\x03", 5);          // function 2 "f"
  b += std::string("\x98\x06\x01", 3);                             // field 99, varint
  key(1, 0), b += '\x01';
  auto p = DecodePprof(b);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->Dump(), "types=[n/c] samples=[f:0;f:0=5]");
}

struct BadCase {
  std::string name;
  std::function<void(pb::Profile*)> mutate;
  std::string message;
};

TEST(PprofTest, RefusesInconsistentProfiles) {
  const BadCase cases[] = {
      {"value count", [](pb::Profile* p) { p->mutable_sample(1)->add_value(3); },
       "pprof: sample 1 has 3 values but the profile declares 2 sample types"},
      {"no values", [](pb::Profile* p) { p->mutable_sample(0)->clear_value(); },
       "pprof: sample 0 has 0 values but the profile declares 2 sample types"},
      {"function name", [](pb::Profile* p) { p->mutable_function(2)->set_name(99); },
       "pprof: function id 3's name is string 99, but the string table has 14 strings"},
      {"negative index", [](pb::Profile* p) { p->mutable_function(0)->set_filename(-1); },
       "pprof: function id 1's filename is string >= 4294967295, but the string table has 14 "
       "strings"},
      {"label value",
       [](pb::Profile* p) { p->mutable_sample(1)->mutable_label(0)->set_num_unit(14); },
       "pprof: sample 1's label 0 unit is string 14, but the string table has 14 strings"},
      {"sample type", [](pb::Profile* p) { p->mutable_sample_type(1)->set_unit(20); },
       "pprof: sample type 1's unit is string 20, but the string table has 14 strings"},
      {"default type", [](pb::Profile* p) { p->set_default_sample_type(14); },
       "pprof: default_sample_type is string 14, but the string table has 14 strings"},
      {"mapping file", [](pb::Profile* p) { p->mutable_mapping(0)->set_build_id(30); },
       "pprof: mapping id 1's build id is string 30, but the string table has 14 strings"},
      {"missing location", [](pb::Profile* p) { p->mutable_sample(1)->add_location_id(99); },
       "pprof: sample 1 refers to location id 99, which the profile does not define"},
      {"missing function",
       [](pb::Profile* p) { p->mutable_location(1)->mutable_line(1)->set_function_id(4); },
       "pprof: location id 2 refers to function id 4, which the profile does not define"},
      {"missing mapping", [](pb::Profile* p) { p->mutable_location(2)->set_mapping_id(2); },
       "pprof: location id 3 refers to mapping id 2, which the profile does not define"},
      {"duplicate location", [](pb::Profile* p) { p->mutable_location(2)->set_id(1); },
       "pprof: two locations have id 1"},
      {"duplicate function", [](pb::Profile* p) { p->mutable_function(1)->set_id(3); },
       "pprof: two functions have id 3"},
      {"location id 0", [](pb::Profile* p) { p->mutable_location(1)->set_id(0); },
       "pprof: location 1 has id 0, which is reserved"},
      {"sparse ids",
       [](pb::Profile* p) {
         p->mutable_location(0)->set_id(1ull << 60);
         p->mutable_sample(1)->set_location_id(1, 12345678901);
       },
       "pprof: sample 0 refers to location id 1, which the profile does not define"},
      {"string 0", [](pb::Profile* p) { p->set_string_table(0, "oops"); },
       "pprof: string_table[0] must be \"\" but is \"oops\""},
  };
  for (const BadCase& c : cases) {
    pb::Profile p = BaseProfile();
    c.mutate(&p);
    auto result = DecodePprof(p.SerializeAsString());
    ASSERT_FALSE(result.ok()) << c.name;
    EXPECT_EQ(result.status().code(), Status::Code::kInvalidArgument) << c.name;
    EXPECT_EQ(result.status().message(), c.message) << c.name;
  }
}

TEST(PprofTest, SparseIdsResolve) {
  pb::Profile p = BaseProfile();
  p.mutable_location(0)->set_id(1ull << 60);
  p.mutable_sample(0)->set_location_id(1, 1ull << 60);
  p.mutable_sample(1)->set_location_id(1, 1ull << 60);
  p.mutable_function(2)->set_id(77777777777);
  p.mutable_location(1)->mutable_line(0)->set_function_id(77777777777);
  const std::string bytes = p.SerializeAsString();  // the profile's strings view it
  auto result = DecodePprof(bytes);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->Dump(), kBaseDump);
}

TEST(PprofTest, RefusesMalformedProtobuf) {
  std::string good = BaseProfile().SerializeAsString();
  const struct {
    std::string bytes;
    std::string message;
  } cases[] = {
      {good.substr(0, 1),
       "pprof: malformed protobuf: truncated length at byte 0 (field 1 of Profile)"},
      {good.substr(0, 3),
       "pprof: malformed protobuf: length 4 runs past the end of the message (1 bytes left) at "
       "byte 0 (field 1 of Profile)"},
      {std::string("\x10\x80", 2),
       "pprof: malformed protobuf: truncated varint at byte 0 (field 2 of Profile)"},
      {std::string("\x12\x02\x08\x80", 4),
       "pprof: malformed protobuf: truncated varint at byte 2 (field 1 of Sample)"},
      {std::string("\x12\x03\x0a\x01\x80", 5),
       "pprof: malformed protobuf: truncated packed varint at byte 2 (field 1 of Sample)"},
      {std::string("\x22\x04\x22\x02\x08\x80", 6),
       "pprof: malformed protobuf: truncated varint at byte 4 (field 1 of Line)"},
      {std::string("\x0f", 1),
       "pprof: malformed protobuf: unsupported wire type 7 at byte 0 (field 1 of Profile)"},
      {std::string("\x1f\x8b\x08\x00", 4),
       "pprof: the profile is gzip-compressed (it starts with 1f 8b); decompress it first"},
  };
  for (const auto& c : cases) {
    auto result = DecodePprof(c.bytes);
    ASSERT_FALSE(result.ok()) << c.message;
    EXPECT_EQ(result.status().message(), c.message);
  }
  // Every truncation of a good profile fails cleanly or decodes a prefix.
  for (size_t n = 0; n < good.size(); ++n) (void)DecodePprof(good.substr(0, n));
}

TEST(PprofTest, Limits) {
  std::string bytes = BaseProfile().SerializeAsString();
  const struct {
    PprofLimits limits;
    std::string message;
  } cases[] = {
      {{.max_bytes = 100},
       "pprof: the profile is " + std::to_string(bytes.size()) +
           " bytes, over the limit of 100 bytes"},
      {{.max_samples = 1}, "pprof: more than 1 samples (the limit)"},
      {{.max_locations = 2}, "pprof: more than 2 locations (the limit)"},
      {{.max_functions = 2}, "pprof: more than 2 functions (the limit)"},
      {{.max_strings = 10}, "pprof: more than 10 strings (the limit)"},
  };
  for (const auto& c : cases) {
    auto result = DecodePprof(bytes, c.limits);
    ASSERT_FALSE(result.ok()) << c.message;
    EXPECT_EQ(result.status().message(), c.message);
  }
  EXPECT_TRUE(
      DecodePprof(bytes,
                  {.max_samples = 2, .max_locations = 3, .max_functions = 3, .max_strings = 14})
          .ok());
}

TEST(PprofTest, IsGzip) {
  EXPECT_TRUE(IsGzip(std::string("\x1f\x8b\x08", 3)));
  EXPECT_FALSE(IsGzip("\x1f"));
  EXPECT_FALSE(IsGzip(""));
  EXPECT_FALSE(IsGzip(BaseProfile().SerializeAsString()));
}

}  // namespace
}  // namespace srclink
