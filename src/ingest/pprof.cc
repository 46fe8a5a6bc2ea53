// DecodePprof: one pass over the Profile message's fields, in whatever order
// they come (Go writes the string table last), keeping pprof's ids as they
// are; then the ids are resolved to indices and every reference is checked.
#include "ingest/pprof.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/protobuf_wire.h"

namespace srclink {
namespace {

// A raw string index as read (int64 on the wire): values that cannot be an
// index become kNoIndex, which is out of range of any table we accept.
StringId StringIndex(uint64_t v) { return v >= kNoIndex ? kNoIndex : static_cast<StringId>(v); }

// pprof ids → indices: a direct table when the ids are dense (Go numbers
// them 1..n), a hash map otherwise.
class IdIndex {
 public:
  // Returns the first duplicate or zero id's position, or SIZE_MAX.
  template <typename Item>
  size_t Build(const std::vector<Item>& items) {
    uint64_t max_id = 0;
    for (const Item& item : items) max_id = std::max(max_id, item.id);
    dense_ = max_id <= 4 * static_cast<uint64_t>(items.size()) + 1024;
    if (dense_) {
      table_.assign(max_id + 1, kNoIndex);
    } else {
      map_.reserve(items.size());
    }
    for (size_t i = 0; i < items.size(); ++i) {
      uint64_t id = items[i].id;
      if (id == 0) return i;
      if (dense_) {
        if (table_[id] != kNoIndex) return i;
        table_[id] = static_cast<uint32_t>(i);
      } else if (!map_.emplace(id, static_cast<uint32_t>(i)).second) {
        return i;
      }
    }
    return SIZE_MAX;
  }

  uint32_t Find(uint64_t id) const {
    if (dense_) return id < table_.size() ? table_[id] : kNoIndex;
    auto it = map_.find(id);
    return it == map_.end() ? kNoIndex : it->second;
  }

 private:
  bool dense_ = true;
  std::vector<uint32_t> table_;
  std::unordered_map<uint64_t, uint32_t> map_;
};

class Decoder {
 public:
  Decoder(std::string_view body, const PprofLimits& limits) : body_(body), limits_(limits) {}

  Result<Profile> Decode() {
    if (IsGzip(body_))
      return Invalid("the profile is gzip-compressed (it starts with 1f 8b); decompress it first");
    if (body_.size() > limits_.max_bytes)
      return Invalid("the profile is " + std::to_string(body_.size()) +
                     " bytes, over the limit of " + std::to_string(limits_.max_bytes) + " bytes");
    p_.strings.clear();
    if (!ReadFields()) {
      if (!error_.empty()) return Invalid("malformed protobuf: " + error_);
      return Invalid(limit_error_);
    }
    if (p_.strings.empty()) p_.strings.push_back(std::string_view());
    if (!p_.strings[0].empty()) {
      std::string_view first = p_.strings[0].substr(0, 40);
      return Invalid("string_table[0] must be \"\" but is \"" + std::string(first) +
                     (p_.strings[0].size() > 40 ? "…" : "") + "\"");
    }
    if (Status s = Resolve(); !s.ok()) return s;
    return std::move(p_);
  }

 private:
  static Status Invalid(const std::string& what) {
    return Status::InvalidArgument("pprof: " + what);
  }

  bool OverLimit(size_t count, size_t limit, const char* what) {
    if (count < limit) return false;
    limit_error_ = "more than " + std::to_string(limit) + " " + what + " (the limit)";
    return true;
  }

  bool ReadFields() {
    ProtobufWire w(body_, body_.data(), "Profile", &error_);
    while (w.Next()) {
      switch (w.field) {
        case 1:
          if (w.type == kWireLen && !ValueTypeAt(w.bytes, &p_.sample_types.emplace_back()))
            return false;
          break;
        case 2:
          if (w.type != kWireLen) break;
          if (OverLimit(p_.samples.size(), limits_.max_samples, "samples")) return false;
          if (!SampleAt(w.bytes)) return false;
          break;
        case 3:
          if (w.type != kWireLen) break;
          if (OverLimit(p_.mappings.size(), limits_.max_locations, "mappings")) return false;
          if (!MappingAt(w.bytes)) return false;
          break;
        case 4:
          if (w.type != kWireLen) break;
          if (OverLimit(p_.locations.size(), limits_.max_locations, "locations")) return false;
          if (!LocationAt(w.bytes)) return false;
          break;
        case 5:
          if (w.type != kWireLen) break;
          if (OverLimit(p_.functions.size(), limits_.max_functions, "functions")) return false;
          if (!FunctionAt(w.bytes)) return false;
          break;
        case 6:
          if (w.type != kWireLen) break;
          if (OverLimit(p_.strings.size(), limits_.max_strings, "strings")) return false;
          p_.strings.push_back(w.bytes);
          break;
        case 7:
          if (w.type == kWireVarint) p_.drop_frames = StringIndex(w.varint);
          break;
        case 8:
          if (w.type == kWireVarint) p_.keep_frames = StringIndex(w.varint);
          break;
        case 9:
          if (w.type == kWireVarint) p_.time_nanos = static_cast<int64_t>(w.varint);
          break;
        case 10:
          if (w.type == kWireVarint) p_.duration_nanos = static_cast<int64_t>(w.varint);
          break;
        case 11:
          if (w.type == kWireLen && !ValueTypeAt(w.bytes, &p_.period_type)) return false;
          break;
        case 12:
          if (w.type == kWireVarint) p_.period = static_cast<int64_t>(w.varint);
          break;
        case 13:
          if (w.type == kWireVarint) {
            p_.comments.push_back(StringIndex(w.varint));
          } else if (w.type == kWireLen) {
            PackedVarints packed(w.bytes);
            uint64_t v;
            while (packed.Next(&v)) p_.comments.push_back(StringIndex(v));
            if (!packed.ok()) return w.Fail("truncated packed varint");
          }
          break;
        case 14:
          if (w.type == kWireVarint) p_.default_sample_type = StringIndex(w.varint);
          break;
      }
    }
    return !w.failed();
  }

  bool ValueTypeAt(std::string_view msg, ProfileValueType* out) {
    ProtobufWire w(msg, body_.data(), "ValueType", &error_);
    while (w.Next()) {
      if (w.type != kWireVarint) continue;
      if (w.field == 1) out->type = StringIndex(w.varint);
      if (w.field == 2) out->unit = StringIndex(w.varint);
    }
    return !w.failed();
  }

  bool SampleAt(std::string_view msg) {
    ProfileSample s;
    s.locations_begin = static_cast<uint32_t>(LocationRefs());
    s.labels_begin = static_cast<uint32_t>(p_.labels.size());
    value_begin_.push_back(p_.sample_values.size());
    ProtobufWire w(msg, body_.data(), "Sample", &error_);
    while (w.Next()) {
      if (w.field == 1) {
        if (w.type == kWireLen) {
          if (!AddPackedLocationIds(w.bytes)) return w.Fail("truncated packed varint");
        } else if (w.type == kWireVarint) {
          AddLocationId(w.varint);
        }
      } else if (w.field == 2) {
        if (w.type == kWireLen) {
          PackedVarints packed(w.bytes);
          uint64_t v;
          while (packed.Next(&v)) p_.sample_values.push_back(static_cast<int64_t>(v));
          if (!packed.ok()) return w.Fail("truncated packed varint");
        } else if (w.type == kWireVarint) {
          p_.sample_values.push_back(static_cast<int64_t>(w.varint));
        }
      } else if (w.field == 3 && w.type == kWireLen) {
        if (!LabelAt(w.bytes)) return false;
      }
    }
    if (w.failed()) return false;
    if (LocationRefs() >= kNoIndex || p_.labels.size() >= kNoIndex) {
      limit_error_ = "more than 4294967294 location references or labels";
      return false;
    }
    s.location_count = static_cast<uint32_t>(LocationRefs()) - s.locations_begin;
    s.label_count = static_cast<uint32_t>(p_.labels.size()) - s.labels_begin;
    p_.samples.push_back(s);
    return true;
  }

  size_t LocationRefs() const {
    return wide_ ? wide_location_ids_.size() : p_.sample_locations.size();
  }

  // The hot loop: a stack's packed location ids (mostly one- or two-byte
  // varints) written straight into sample_locations.
  bool AddPackedLocationIds(std::string_view bytes) {
    if (wide_) return AddPackedLocationIdsSlowly(bytes);
    std::vector<uint32_t>& out = p_.sample_locations;
    const size_t base = out.size();
    out.resize(base + bytes.size());  // a varint takes a byte or more
    uint32_t* dst = out.data() + base;
    const uint8_t* p = reinterpret_cast<const uint8_t*>(bytes.data());
    const uint8_t* const end = p + bytes.size();
    while (p < end) {
      uint64_t v;
      if (p[0] < 0x80) {
        v = *p++;
      } else if (end - p >= 2 && p[1] < 0x80) {
        v = (p[0] & 0x7Fu) | uint64_t{p[1]} << 7;
        p += 2;
      } else if (!ReadProtobufVarint(&p, end, &v)) {
        out.resize(dst - out.data());
        return false;
      }
      if (v >= kNoIndex) {  // a 64-bit id: the rest the slow way
        out.resize(dst - out.data());
        AddLocationId(v);
        return AddPackedLocationIdsSlowly(
            bytes.substr(reinterpret_cast<const char*>(p) - bytes.data()));
      }
      *dst++ = static_cast<uint32_t>(v);
    }
    out.resize(dst - out.data());
    return true;
  }

  bool AddPackedLocationIdsSlowly(std::string_view bytes) {
    PackedVarints packed(bytes);
    uint64_t v;
    while (packed.Next(&v)) AddLocationId(v);
    return packed.ok();
  }

  void AddLocationId(uint64_t id) {
    if (!wide_ && id < kNoIndex) {
      p_.sample_locations.push_back(static_cast<uint32_t>(id));
      return;
    }
    if (!wide_) {
      wide_ = true;
      wide_location_ids_.assign(p_.sample_locations.begin(), p_.sample_locations.end());
      p_.sample_locations.clear();
      p_.sample_locations.shrink_to_fit();
    }
    wide_location_ids_.push_back(id);
  }

  bool LabelAt(std::string_view msg) {
    ProfileLabel& l = p_.labels.emplace_back();
    ProtobufWire w(msg, body_.data(), "Label", &error_);
    while (w.Next()) {
      if (w.type != kWireVarint) continue;
      switch (w.field) {
        case 1:
          l.key = StringIndex(w.varint);
          break;
        case 2:
          l.str = StringIndex(w.varint);
          break;
        case 3:
          l.num = static_cast<int64_t>(w.varint);
          break;
        case 4:
          l.num_unit = StringIndex(w.varint);
          break;
      }
    }
    return !w.failed();
  }

  bool MappingAt(std::string_view msg) {
    ProfileMapping& m = p_.mappings.emplace_back();
    ProtobufWire w(msg, body_.data(), "Mapping", &error_);
    while (w.Next()) {
      if (w.type != kWireVarint) continue;
      switch (w.field) {
        case 1:
          m.id = w.varint;
          break;
        case 2:
          m.memory_start = w.varint;
          break;
        case 3:
          m.memory_limit = w.varint;
          break;
        case 4:
          m.file_offset = w.varint;
          break;
        case 5:
          m.filename = StringIndex(w.varint);
          break;
        case 6:
          m.build_id = StringIndex(w.varint);
          break;
      }
    }
    return !w.failed();
  }

  bool LocationAt(std::string_view msg) {
    ProfileLocation& loc = p_.locations.emplace_back();
    mapping_ids_.push_back(0);
    loc.lines_begin = static_cast<uint32_t>(p_.lines.size());
    ProtobufWire w(msg, body_.data(), "Location", &error_);
    while (w.Next()) {
      if (w.field == 4 && w.type == kWireLen) {
        ProfileLine& line = p_.lines.emplace_back();
        uint64_t function_id = 0;
        ProtobufWire l(w.bytes, body_.data(), "Line", &error_);
        while (l.Next()) {
          if (l.type != kWireVarint) continue;
          if (l.field == 1) function_id = l.varint;
          if (l.field == 2) line.line = static_cast<int64_t>(l.varint);
          if (l.field == 3) line.column = static_cast<int64_t>(l.varint);
        }
        if (l.failed()) return false;
        line_function_ids_.push_back(function_id);
        if (p_.lines.size() >= kNoIndex) {
          limit_error_ = "more than 4294967294 lines";
          return false;
        }
        continue;
      }
      if (w.type != kWireVarint) continue;
      switch (w.field) {
        case 1:
          loc.id = w.varint;
          break;
        case 2:
          mapping_ids_.back() = w.varint;
          break;
        case 3:
          loc.address = w.varint;
          break;
        case 5:
          loc.is_folded = w.varint != 0;
          break;
      }
    }
    loc.line_count = static_cast<uint32_t>(p_.lines.size()) - loc.lines_begin;
    return !w.failed();
  }

  bool FunctionAt(std::string_view msg) {
    ProfileFunction& f = p_.functions.emplace_back();
    ProtobufWire w(msg, body_.data(), "Function", &error_);
    while (w.Next()) {
      if (w.type != kWireVarint) continue;
      switch (w.field) {
        case 1:
          f.id = w.varint;
          break;
        case 2:
          f.name = StringIndex(w.varint);
          break;
        case 3:
          f.system_name = StringIndex(w.varint);
          break;
        case 4:
          f.filename = StringIndex(w.varint);
          break;
        case 5:
          f.start_line = static_cast<int64_t>(w.varint);
          break;
      }
    }
    return !w.failed();
  }

  // "<where> is string 9, but the string table has 7 strings", or "".
  std::string CheckString(StringId id, const std::string& where) const {
    if (id < p_.strings.size()) return "";
    return where + " is string " + (id == kNoIndex ? ">= 4294967295" : std::to_string(id)) +
           ", but the string table has " + std::to_string(p_.strings.size()) + " strings";
  }

  Status CheckStrings() const {
    auto check = [&](StringId id, auto&& where) -> std::string {
      return id < p_.strings.size() ? std::string() : CheckString(id, where());
    };
    std::string e;
    for (size_t i = 0; i < p_.sample_types.size() && e.empty(); ++i) {
      e = check(p_.sample_types[i].type, [&] { return "sample type " + std::to_string(i); });
      if (e.empty())
        e = check(p_.sample_types[i].unit,
                  [&] { return "sample type " + std::to_string(i) + "'s unit"; });
    }
    if (e.empty()) e = check(p_.period_type.type, [] { return std::string("period type"); });
    if (e.empty()) e = check(p_.period_type.unit, [] { return std::string("period unit"); });
    if (e.empty()) e = check(p_.drop_frames, [] { return std::string("drop_frames"); });
    if (e.empty()) e = check(p_.keep_frames, [] { return std::string("keep_frames"); });
    if (e.empty())
      e = check(p_.default_sample_type, [] { return std::string("default_sample_type"); });
    for (size_t i = 0; i < p_.comments.size() && e.empty(); ++i)
      e = check(p_.comments[i], [&] { return "comment " + std::to_string(i); });
    for (size_t i = 0; i < p_.functions.size() && e.empty(); ++i) {
      const ProfileFunction& f = p_.functions[i];
      auto where = [&](const char* what) {
        return [&f, what] { return "function id " + std::to_string(f.id) + "'s " + what; };
      };
      e = check(f.name, where("name"));
      if (e.empty()) e = check(f.system_name, where("system name"));
      if (e.empty()) e = check(f.filename, where("filename"));
    }
    for (size_t i = 0; i < p_.mappings.size() && e.empty(); ++i) {
      const ProfileMapping& m = p_.mappings[i];
      e = check(m.filename, [&] { return "mapping id " + std::to_string(m.id) + "'s filename"; });
      if (e.empty())
        e = check(m.build_id, [&] { return "mapping id " + std::to_string(m.id) + "'s build id"; });
    }
    if (e.empty()) {
      for (size_t s = 0; s < p_.samples.size() && e.empty(); ++s) {
        auto labels = p_.Labels(p_.samples[s]);
        for (size_t i = 0; i < labels.size() && e.empty(); ++i) {
          auto where = [&](const char* what) {
            return [s, i, what] {
              return "sample " + std::to_string(s) + "'s label " + std::to_string(i) + " " + what;
            };
          };
          e = check(labels[i].key, where("key"));
          if (e.empty()) e = check(labels[i].str, where("value"));
          if (e.empty()) e = check(labels[i].num_unit, where("unit"));
        }
      }
    }
    return e.empty() ? Status::Ok() : Invalid(e);
  }

  Status Resolve() {
    if (Status s = CheckStrings(); !s.ok()) return s;

    // Values: one per sample type.
    const size_t types = p_.sample_types.size();
    value_begin_.push_back(p_.sample_values.size());
    for (size_t i = 0; i + 1 < value_begin_.size(); ++i) {
      size_t n = value_begin_[i + 1] - value_begin_[i];
      if (n != types)
        return Invalid("sample " + std::to_string(i) + " has " + std::to_string(n) +
                       " values but the profile declares " + std::to_string(types) +
                       " sample types");
    }

    // Ids: nonzero and unique.
    IdIndex functions, mappings, locations;
    if (size_t i = functions.Build(p_.functions); i != SIZE_MAX)
      return DuplicateId("function", i, p_.functions[i].id);
    if (size_t i = mappings.Build(p_.mappings); i != SIZE_MAX)
      return DuplicateId("mapping", i, p_.mappings[i].id);
    if (size_t i = locations.Build(p_.locations); i != SIZE_MAX)
      return DuplicateId("location", i, p_.locations[i].id);

    for (size_t i = 0; i < p_.locations.size(); ++i) {
      ProfileLocation& loc = p_.locations[i];
      if (uint64_t id = mapping_ids_[i]; id != 0) {
        loc.mapping = mappings.Find(id);
        if (loc.mapping == kNoIndex) return Undefined("location", loc.id, "mapping", id);
      }
      for (uint32_t l = loc.lines_begin; l < loc.lines_begin + loc.line_count; ++l) {
        uint64_t id = line_function_ids_[l];
        if (id == 0) continue;
        p_.lines[l].function = functions.Find(id);
        if (p_.lines[l].function == kNoIndex) return Undefined("location", loc.id, "function", id);
      }
    }

    if (wide_) p_.sample_locations.resize(wide_location_ids_.size());
    for (size_t s = 0; s < p_.samples.size(); ++s) {
      const ProfileSample& sample = p_.samples[s];
      for (uint32_t i = sample.locations_begin; i < sample.locations_begin + sample.location_count;
           ++i) {
        const uint64_t id = wide_ ? wide_location_ids_[i] : p_.sample_locations[i];
        const uint32_t index = locations.Find(id);
        if (index == kNoIndex)
          return Invalid("sample " + std::to_string(s) + " refers to location id " +
                         std::to_string(id) + ", which the profile does not define");
        p_.sample_locations[i] = index;
      }
    }
    return Status::Ok();
  }

  static Status DuplicateId(const char* kind, size_t index, uint64_t id) {
    if (id == 0)
      return Invalid(std::string(kind) + " " + std::to_string(index) +
                     " has id 0, which is reserved");
    return Invalid(std::string("two ") + kind + "s have id " + std::to_string(id));
  }

  static Status Undefined(const char* kind, uint64_t id, const char* what, uint64_t ref) {
    return Invalid(std::string(kind) + " id " + std::to_string(id) + " refers to " + what + " id " +
                   std::to_string(ref) + ", which the profile does not define");
  }

  std::string_view body_;
  const PprofLimits& limits_;
  Profile p_;
  std::string error_;        // malformed protobuf
  std::string limit_error_;  // a limit was hit
  // Read as is, resolved at the end. Samples' location ids go straight into
  // p_.sample_locations (replaced by indices at the end) while they fit in
  // 32 bits; from the first that does not, all into wide_location_ids_.
  bool wide_ = false;
  std::vector<uint64_t> wide_location_ids_;
  std::vector<size_t> value_begin_;          // per sample, into sample_values
  std::vector<uint64_t> mapping_ids_;        // per location
  std::vector<uint64_t> line_function_ids_;  // per line
};

}  // namespace

Result<Profile> DecodePprof(std::string_view uncompressed_bytes, const PprofLimits& limits) {
  return Decoder(uncompressed_bytes, limits).Decode();
}

}  // namespace srclink
