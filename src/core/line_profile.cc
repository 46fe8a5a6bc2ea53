// LineProfile: functions, (function, file) pairs and lines in arrays with
// hash maps from their keys. AddProfile resolves each of the profile's lines
// to its entry once (lazily, so lines no sample uses add nothing), then walks
// each distinct stack (SumByStack) deduplicating with per-entry stamps.
#include "core/line_profile.h"

#include <algorithm>
#include <utility>

#include "core/protobuf_wire.h"

namespace srclink {
namespace {

int64_t AddWrapping(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

constexpr std::string_view kMagic = "SLLP";
constexpr uint32_t kUnresolved = kNoIndex - 1;

}  // namespace

uint32_t LineProfile::FunctionIndex(std::string_view name) {
  uint32_t id = strings_.Intern(name);
  auto [it, added] = function_of_name_.emplace(id, static_cast<uint32_t>(functions_.size()));
  if (added) functions_.emplace_back().name = id;
  return it->second;
}

uint32_t LineProfile::FileIndex(uint32_t function, std::string_view file, int64_t start_line) {
  uint32_t id = strings_.Intern(file);
  auto [it, added] =
      file_of_.emplace(uint64_t{function} << 32 | id, static_cast<uint32_t>(files_.size()));
  if (added) {
    File& f = files_.emplace_back();
    f.function = function;
    f.file = id;
    f.start_line = start_line;
    functions_[function].files.push_back(it->second);
  } else if (files_[it->second].start_line == 0) {
    files_[it->second].start_line = start_line;
  }
  return it->second;
}

uint32_t LineProfile::LineIndex(uint32_t file, int64_t line) {
  auto [it, added] = line_of_.emplace(std::pair{file, line}, static_cast<uint32_t>(lines_.size()));
  if (added) {
    Line& l = lines_.emplace_back();
    l.file = file;
    l.line = line;
    files_[file].lines.push_back(it->second);
  }
  return it->second;
}

Status LineProfile::AddProfile(const Profile& profile, size_t value_index) {
  const size_t types = profile.sample_types.size();
  if (value_index >= types)
    return Status::InvalidArgument("line profile: value index " + std::to_string(value_index) +
                                   " is out of range: the profile has " + std::to_string(types) +
                                   " sample types");
  // Per profile line: its entry in lines_ (kNoIndex: no function), resolved on first use.
  std::vector<uint32_t> entry(profile.lines.size(), kUnresolved);
  std::vector<uint32_t> function_file(profile.functions.size(), kNoIndex);  // → files_
  auto resolve = [&](uint32_t l) {
    if (entry[l] != kUnresolved) return entry[l];
    const ProfileLine& line = profile.lines[l];
    if (line.function == kNoIndex) return entry[l] = kNoIndex;
    uint32_t& file = function_file[line.function];
    if (file == kNoIndex) {
      const ProfileFunction& f = profile.functions[line.function];
      std::string_view name = profile.str(f.name);
      if (name.empty()) name = profile.str(f.system_name);
      file = FileIndex(FunctionIndex(name), profile.str(f.filename), f.start_line);
    }
    return entry[l] = LineIndex(file, line.line);
  };
  std::vector<uint32_t> line_stamp(lines_.size(), 0);
  std::vector<uint32_t> function_stamp(functions_.size(), 0);

  uint32_t stamp = 0;
  for (const StackValue& stack : SumByStack(profile, value_index)) {
    const int64_t v = stack.value;
    ++stamp;
    auto locs = profile.Locations(profile.samples[stack.sample]);
    for (uint32_t loc : locs) {
      const ProfileLocation& location = profile.locations[loc];
      for (uint32_t l = location.lines_begin; l < location.lines_begin + location.line_count; ++l) {
        uint32_t e = resolve(l);
        if (e == kNoIndex) continue;
        if (e >= line_stamp.size()) line_stamp.resize(lines_.size(), 0);
        if (line_stamp[e] != stamp) {
          line_stamp[e] = stamp;
          lines_[e].total = AddWrapping(lines_[e].total, v);
        }
        uint32_t f = files_[lines_[e].file].function;
        if (f >= function_stamp.size()) function_stamp.resize(functions_.size(), 0);
        if (function_stamp[f] != stamp) {
          function_stamp[f] = stamp;
          functions_[f].total = AddWrapping(functions_[f].total, v);
        }
      }
    }
    if (!locs.empty()) {
      const ProfileLocation& leaf = profile.locations[locs[0]];
      if (leaf.line_count > 0) {
        uint32_t e = resolve(leaf.lines_begin);  // lines[0]: the innermost
        if (e != kNoIndex) {
          lines_[e].self = AddWrapping(lines_[e].self, v);
          Function& f = functions_[files_[lines_[e].file].function];
          f.self = AddWrapping(f.self, v);
        }
      }
    }
  }
  return Status::Ok();
}

void LineProfile::Merge(const LineProfile& other) {
  std::vector<uint32_t> function_map(other.functions_.size());
  for (size_t i = 0; i < other.functions_.size(); ++i) {
    const Function& f = other.functions_[i];
    uint32_t mine = FunctionIndex(other.strings_.Get(f.name));
    function_map[i] = mine;
    functions_[mine].self = AddWrapping(functions_[mine].self, f.self);
    functions_[mine].total = AddWrapping(functions_[mine].total, f.total);
  }
  std::vector<uint32_t> file_map(other.files_.size());
  for (size_t i = 0; i < other.files_.size(); ++i) {
    const File& f = other.files_[i];
    file_map[i] = FileIndex(function_map[f.function], other.strings_.Get(f.file), f.start_line);
  }
  for (const Line& l : other.lines_) {
    uint32_t mine = LineIndex(file_map[l.file], l.line);
    lines_[mine].self = AddWrapping(lines_[mine].self, l.self);
    lines_[mine].total = AddWrapping(lines_[mine].total, l.total);
  }
}

std::vector<LineProfile::FileLines> LineProfile::FunctionLines(std::string_view name) const {
  std::vector<FileLines> out;
  uint32_t id = strings_.Find(name);
  if (id == StringInterner::kNotFound) return out;
  auto it = function_of_name_.find(id);
  if (it == function_of_name_.end()) return out;
  for (uint32_t fi : functions_[it->second].files) {
    const File& file = files_[fi];
    FileLines& fl = out.emplace_back();
    fl.file = strings_.Get(file.file);
    fl.start_line = file.start_line;
    fl.lines.reserve(file.lines.size());
    for (uint32_t li : file.lines)
      fl.lines.push_back({lines_[li].line, lines_[li].self, lines_[li].total});
    std::sort(fl.lines.begin(), fl.lines.end(),
              [](const LineStat& a, const LineStat& b) { return a.line < b.line; });
  }
  std::sort(out.begin(), out.end(),
            [](const FileLines& a, const FileLines& b) { return a.file < b.file; });
  return out;
}

std::vector<LineProfile::FunctionStat> LineProfile::HottestFunctions(size_t n, Order order) const {
  std::vector<uint32_t> index(functions_.size());
  for (uint32_t i = 0; i < index.size(); ++i) index[i] = i;
  auto key = [&](uint32_t i) {
    const Function& f = functions_[i];
    return order == Order::kByTotal ? std::pair{f.total, f.self} : std::pair{f.self, f.total};
  };
  auto hotter = [&](uint32_t a, uint32_t b) {
    auto ka = key(a), kb = key(b);
    if (ka != kb) return ka > kb;
    return strings_.Get(functions_[a].name) < strings_.Get(functions_[b].name);
  };
  n = std::min(n, index.size());
  std::partial_sort(index.begin(), index.begin() + n, index.end(), hotter);
  std::vector<FunctionStat> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const Function& f = functions_[index[i]];
    out.push_back({std::string(strings_.Get(f.name)), f.self, f.total});
  }
  return out;
}

std::string LineProfile::Dump() const {
  std::vector<uint32_t> order(functions_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return strings_.Get(functions_[a].name) < strings_.Get(functions_[b].name);
  });
  std::string out;
  for (uint32_t fi : order) {
    const Function& f = functions_[fi];
    if (!out.empty()) out += ' ';
    std::string_view name = strings_.Get(f.name);
    out += name;
    out += '=' + std::to_string(f.total) + '/' + std::to_string(f.self) + " [";
    bool first = true;
    for (const FileLines& file : FunctionLines(name)) {
      if (!first) out += ' ';
      first = false;
      out += file.file;
      if (file.start_line != 0) out += '@' + std::to_string(file.start_line);
      out += " {";
      for (size_t i = 0; i < file.lines.size(); ++i) {
        if (i > 0) out += ' ';
        const LineStat& l = file.lines[i];
        out +=
            std::to_string(l.line) + '=' + std::to_string(l.total) + '/' + std::to_string(l.self);
      }
      out += '}';
    }
    out += ']';
  }
  return out;
}

std::string LineProfile::Serialize() const {
  std::string out(kMagic);
  AppendProtobufVarint(&out, kFormatVersion);
  AppendProtobufVarint(&out, strings_.size());
  for (uint32_t i = 0; i < strings_.size(); ++i) {
    std::string_view s = strings_.Get(i);
    AppendProtobufVarint(&out, s.size());
    out += s;
  }
  AppendProtobufVarint(&out, functions_.size());
  for (const Function& f : functions_) {
    AppendProtobufVarint(&out, f.name);
    AppendProtobufVarint(&out, ZigZagEncode(f.self));
    AppendProtobufVarint(&out, ZigZagEncode(f.total));
  }
  AppendProtobufVarint(&out, files_.size());
  for (const File& f : files_) {
    AppendProtobufVarint(&out, f.function);
    AppendProtobufVarint(&out, f.file);
    AppendProtobufVarint(&out, ZigZagEncode(f.start_line));
  }
  AppendProtobufVarint(&out, lines_.size());
  for (const Line& l : lines_) {
    AppendProtobufVarint(&out, l.file);
    AppendProtobufVarint(&out, ZigZagEncode(l.line));
    AppendProtobufVarint(&out, ZigZagEncode(l.self));
    AppendProtobufVarint(&out, ZigZagEncode(l.total));
  }
  return out;
}

Result<LineProfile> LineProfile::Deserialize(std::string_view bytes) {
  const uint8_t* const begin = reinterpret_cast<const uint8_t*>(bytes.data());
  const uint8_t* p = begin;
  const uint8_t* const end = begin + bytes.size();
  auto fail = [&](const std::string& what) {
    return Status::InvalidArgument("line profile: " + what + " at byte " +
                                   std::to_string(p - begin));
  };
  auto varint = [&](uint64_t* v) { return ReadProtobufVarint(&p, end, v); };
  // A count of items of at least `min_bytes` each must fit in the bytes left.
  auto count = [&](uint64_t* n, uint64_t min_bytes) {
    return varint(n) && *n <= static_cast<uint64_t>(end - p) / min_bytes;
  };
  if (bytes.substr(0, kMagic.size()) != kMagic)
    return Status::InvalidArgument(
        "line profile: not a serialized line profile (no \"SLLP\" header)");
  p += kMagic.size();
  uint64_t version, n, a, b, c, d;
  if (!varint(&version)) return fail("truncated version");
  if (version != kFormatVersion)
    return Status::InvalidArgument("line profile: format version " + std::to_string(version) +
                                   " is not supported (this build reads version " +
                                   std::to_string(kFormatVersion) + ")");
  LineProfile lp;
  if (!count(&n, 1)) return fail("bad string count");
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t len;
    if (!varint(&len)) return fail("truncated string length");
    if (len > static_cast<uint64_t>(end - p)) return fail("string length over the bytes left");
    std::string_view s(reinterpret_cast<const char*>(p), len);
    if (lp.strings_.Intern(s) != i) return fail("duplicate string");
    p += len;
  }
  const uint64_t strings = n;
  if (!count(&n, 3)) return fail("bad function count");
  for (uint64_t i = 0; i < n; ++i) {
    if (!varint(&a) || !varint(&b) || !varint(&c)) return fail("truncated function");
    if (a >= strings) return fail("function name out of range");
    if (lp.FunctionIndex(lp.strings_.Get(static_cast<uint32_t>(a))) != i)
      return fail("duplicate function");
    lp.functions_[i].self = ZigZagDecode(b);
    lp.functions_[i].total = ZigZagDecode(c);
  }
  const uint64_t functions = n;
  if (!count(&n, 3)) return fail("bad file count");
  for (uint64_t i = 0; i < n; ++i) {
    if (!varint(&a) || !varint(&b) || !varint(&c)) return fail("truncated file");
    if (a >= functions || b >= strings) return fail("file index out of range");
    size_t before = lp.files_.size();
    lp.FileIndex(static_cast<uint32_t>(a), lp.strings_.Get(static_cast<uint32_t>(b)),
                 ZigZagDecode(c));
    if (lp.files_.size() == before) return fail("duplicate file");
  }
  const uint64_t files = n;
  if (!count(&n, 4)) return fail("bad line count");
  for (uint64_t i = 0; i < n; ++i) {
    if (!varint(&a) || !varint(&b) || !varint(&c) || !varint(&d)) return fail("truncated line");
    if (a >= files) return fail("line's file out of range");
    size_t before = lp.lines_.size();
    uint32_t l = lp.LineIndex(static_cast<uint32_t>(a), ZigZagDecode(b));
    if (lp.lines_.size() == before) return fail("duplicate line");
    lp.lines_[l].self = ZigZagDecode(c);
    lp.lines_[l].total = ZigZagDecode(d);
  }
  if (p != end) return fail("trailing bytes");
  return lp;
}

}  // namespace srclink
