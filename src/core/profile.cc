// Profile's queries and its one-line dump.
#include "core/profile.h"

#include <algorithm>
#include <cstdio>

namespace srclink {

std::optional<size_t> Profile::FindSampleType(std::string_view type) const {
  for (size_t i = 0; i < sample_types.size(); ++i)
    if (str(sample_types[i].type) == type) return i;
  return std::nullopt;
}

size_t Profile::DefaultSampleTypeIndex() const {
  if (default_sample_type != 0) {
    if (auto i = FindSampleType(str(default_sample_type))) return *i;
  }
  return sample_types.empty() ? 0 : sample_types.size() - 1;
}

std::vector<StackValue> SumByStack(const Profile& profile, size_t value_index) {
  const size_t types = profile.sample_types.size();
  const size_t n = profile.samples.size();
  // Open addressing over distinct stacks: slot → index into `out` + 1.
  size_t slots = 16;
  while (slots < 2 * n) slots *= 2;
  std::vector<uint32_t> table(slots, 0);
  std::vector<uint64_t> hashes;
  std::vector<StackValue> out;
  for (size_t s = 0; s < n; ++s) {
    const int64_t v = profile.sample_values[s * types + value_index];
    if (v == 0) continue;
    auto locs = profile.Locations(profile.samples[s]);
    uint64_t h = 0x9E3779B97F4A7C15ull ^ locs.size();
    for (uint32_t l : locs) h = (h ^ l) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
    for (size_t i = h & (slots - 1);; i = (i + 1) & (slots - 1)) {
      if (table[i] == 0) {
        out.push_back({static_cast<uint32_t>(s), v});
        hashes.push_back(h);
        table[i] = static_cast<uint32_t>(out.size());
        break;
      }
      StackValue& other = out[table[i] - 1];
      if (hashes[table[i] - 1] != h) continue;
      auto other_locs = profile.Locations(profile.samples[other.sample]);
      if (std::equal(locs.begin(), locs.end(), other_locs.begin(), other_locs.end())) {
        other.value =
            static_cast<int64_t>(static_cast<uint64_t>(other.value) + static_cast<uint64_t>(v));
        break;
      }
    }
  }
  std::erase_if(out, [](const StackValue& sv) { return sv.value == 0; });
  return out;
}

namespace {

void AppendType(const Profile& p, const ProfileValueType& t, std::string* out) {
  *out += p.str(t.type);
  *out += '/';
  *out += p.str(t.unit);
}

void AppendLocation(const Profile& p, const ProfileLocation& loc, std::string* out) {
  auto lines = p.Lines(loc);
  if (lines.empty()) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(loc.address));
    *out += buf;
    return;
  }
  for (size_t i = lines.size(); i-- > 0;) {  // the function inlined into first
    const ProfileLine& l = lines[i];
    *out += l.function == kNoIndex ? std::string_view("?") : p.str(p.functions[l.function].name);
    *out += ':';
    *out += std::to_string(l.line);
    if (i > 0) *out += '+';
  }
}

}  // namespace

std::string Profile::Dump() const {
  std::string out = "types=[";
  for (size_t i = 0; i < sample_types.size(); ++i) {
    if (i > 0) out += ' ';
    AppendType(*this, sample_types[i], &out);
  }
  out += "]";
  if (default_sample_type != 0) {
    out += " default=";
    out += str(default_sample_type);
  }
  if (period != 0 || period_type.type != 0) {
    out += " period=";
    AppendType(*this, period_type, &out);
    out += '*' + std::to_string(period);
  }
  if (time_nanos != 0) out += " time=" + std::to_string(time_nanos);
  if (duration_nanos != 0) out += " duration=" + std::to_string(duration_nanos);
  out += " samples=[";
  for (size_t s = 0; s < samples.size(); ++s) {
    if (s > 0) out += ", ";
    auto locs = Locations(samples[s]);
    for (size_t i = locs.size(); i-- > 0;) {
      AppendLocation(*this, locations[locs[i]], &out);
      if (i > 0) out += ';';
    }
    out += '=';
    auto values = Values(s);
    for (size_t v = 0; v < values.size(); ++v) {
      if (v > 0) out += ',';
      out += std::to_string(values[v]);
    }
    auto labels = Labels(samples[s]);
    if (!labels.empty()) {
      out += " {";
      for (size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) out += ' ';
        out += str(labels[i].key);
        out += '=';
        if (labels[i].str != 0) {
          out += str(labels[i].str);
        } else {
          out += std::to_string(labels[i].num);
          out += str(labels[i].num_unit);
        }
      }
      out += '}';
    }
  }
  out += ']';
  return out;
}

}  // namespace srclink
