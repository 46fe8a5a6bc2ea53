// DecodeFoldedProfile: one pass over the lines; frame names interned by a
// hash map of views into the text.
#include "ingest/folded_profile.h"

#include <string>
#include <unordered_map>

namespace srclink {
namespace {

std::string Quote(std::string_view s) {
  constexpr size_t kMax = 80;
  std::string out = "\"";
  out += s.substr(0, kMax);
  if (s.size() > kMax) out += "…";
  return out + "\"";
}

}  // namespace

Result<Profile> DecodeFoldedProfile(std::string_view text, std::string_view type,
                                    std::string_view unit, const FoldedProfileLimits& limits) {
  if (text.size() > limits.max_bytes)
    return Status::InvalidArgument("folded profile of " + std::to_string(text.size()) +
                                   " bytes is over the limit of " +
                                   std::to_string(limits.max_bytes) + " bytes");
  Profile p;
  p.strings.push_back(type);
  p.strings.push_back(unit);
  p.sample_types.push_back({1, 2});
  std::unordered_map<std::string_view, uint32_t> function_of;  // name → index
  std::vector<uint32_t> stack;                                 // root first
  size_t line_number = 0;
  auto fail = [&](const std::string& what) {
    return Status::InvalidArgument("folded profile line " + std::to_string(line_number) + ": " +
                                   what);
  };
  while (!text.empty()) {
    ++line_number;
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    if (line.empty()) continue;

    size_t space = line.rfind(' ');
    if (space == std::string_view::npos)
      return fail("expected \"frame;frame;... count\", got " + Quote(line));
    std::string_view count = line.substr(space + 1);
    std::string_view frames = line.substr(0, space);
    while (!frames.empty() && frames.back() == ' ') frames.remove_suffix(1);
    if (frames.empty()) return fail("expected \"frame;frame;... count\", got " + Quote(line));
    uint64_t value = 0;
    for (char c : count) {
      if (c < '0' || c > '9' || value > (uint64_t{INT64_MAX} - 9) / 10)
        return fail("count " + Quote(count) + " is not a non-negative integer");
      value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    if (p.samples.size() >= limits.max_samples)
      return fail("more than " + std::to_string(limits.max_samples) + " samples (the limit)");

    stack.clear();
    while (true) {
      size_t semi = frames.find(';');
      std::string_view name = frames.substr(0, semi);
      if (name.empty())
        return fail("empty frame name (frame " + std::to_string(stack.size() + 1) + ")");
      if (stack.size() >= limits.max_depth)
        return fail("more than " + std::to_string(limits.max_depth) + " frames (the limit)");
      auto [it, added] = function_of.emplace(name, static_cast<uint32_t>(p.functions.size()));
      if (added) {
        if (p.functions.size() >= limits.max_functions)
          return fail("more than " + std::to_string(limits.max_functions) +
                      " distinct frames (the limit)");
        uint32_t index = it->second;
        ProfileFunction& f = p.functions.emplace_back();
        f.id = index + 1;
        f.name = static_cast<StringId>(p.strings.size());
        p.strings.push_back(name);
        ProfileLocation& loc = p.locations.emplace_back();
        loc.id = index + 1;
        loc.lines_begin = index;
        loc.line_count = 1;
        p.lines.push_back({index, 0, 0});
      }
      stack.push_back(it->second);
      if (semi == std::string_view::npos) break;
      frames.remove_prefix(semi + 1);
    }
    ProfileSample& s = p.samples.emplace_back();
    s.locations_begin = static_cast<uint32_t>(p.sample_locations.size());
    s.location_count = static_cast<uint32_t>(stack.size());
    s.labels_begin = static_cast<uint32_t>(p.labels.size());
    p.sample_locations.insert(p.sample_locations.end(), stack.rbegin(), stack.rend());
    p.sample_values.push_back(static_cast<int64_t>(value));
  }
  return p;
}

}  // namespace srclink
