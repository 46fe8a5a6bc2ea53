// ProfileBuilder: Profiles for the core tests (no protobuf in core), from
// stacks written root first like Profile::Dump() prints them:
//   "main@m.go:5;handle@h.go:20+parse@p.go:12"
// `;` between locations, `+` between the lines of one location (the
// function the others were inlined into first, the innermost last), each
// frame `function@file:line` (file and line optional). Equal location texts
// share one location; equal (function, file) pairs one function.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/profile.h"

namespace srclink::testing {

class ProfileBuilder {
 public:
  // Sample types as "type/unit".
  explicit ProfileBuilder(const std::vector<std::string>& types) {
    for (const std::string& t : types) {
      size_t slash = t.find('/');
      p_.sample_types.push_back({Str(t.substr(0, slash)), Str(t.substr(slash + 1))});
    }
  }

  ProfileBuilder& StartLine(const std::string& function, const std::string& file, int64_t line) {
    p_.functions[Function(function, file)].start_line = line;
    return *this;
  }

  ProfileBuilder& Sample(const std::string& stack, std::vector<int64_t> values) {
    std::vector<uint32_t> locations;  // root first
    size_t start = 0;
    while (start <= stack.size() && !stack.empty()) {
      size_t semi = stack.find(';', start);
      if (semi == std::string::npos) semi = stack.size();
      locations.push_back(Location(stack.substr(start, semi - start)));
      start = semi + 1;
    }
    ProfileSample& s = p_.samples.emplace_back();
    s.locations_begin = static_cast<uint32_t>(p_.sample_locations.size());
    s.location_count = static_cast<uint32_t>(locations.size());
    p_.sample_locations.insert(p_.sample_locations.end(), locations.rbegin(), locations.rend());
    p_.sample_values.insert(p_.sample_values.end(), values.begin(), values.end());
    return *this;
  }

  // The strings live in the builder: it must outlive the Profile.
  const Profile& profile() const { return p_; }

 private:
  StringId Str(const std::string& s) {
    if (s.empty()) return 0;
    auto it = strings_.find(s);
    if (it != strings_.end()) return it->second;
    storage_.push_back(s);
    StringId id = static_cast<StringId>(p_.strings.size());
    p_.strings.push_back(storage_.back());
    strings_.emplace(s, id);
    return id;
  }

  uint32_t Function(const std::string& name, const std::string& file) {
    auto key = std::pair{name, file};
    auto it = functions_.find(key);
    if (it != functions_.end()) return it->second;
    uint32_t index = static_cast<uint32_t>(p_.functions.size());
    ProfileFunction& f = p_.functions.emplace_back();
    f.id = index + 1;
    f.name = Str(name);
    f.filename = Str(file);
    functions_.emplace(key, index);
    return index;
  }

  uint32_t Location(const std::string& text) {
    auto it = locations_.find(text);
    if (it != locations_.end()) return it->second;
    std::vector<ProfileLine> lines;  // outer first, as written
    size_t start = 0;
    while (start <= text.size()) {
      size_t plus = text.find('+', start);
      if (plus == std::string::npos) plus = text.size();
      std::string frame = text.substr(start, plus - start);
      start = plus + 1;
      if (frame.rfind("0x", 0) == 0) continue;  // an address: no line
      std::string name = frame, file;
      int64_t line = 0;
      if (size_t colon = frame.rfind(':'); colon != std::string::npos) {
        line = std::stoll(frame.substr(colon + 1));
        name = frame.substr(0, colon);
      }
      if (size_t at = name.find('@'); at != std::string::npos) {
        file = name.substr(at + 1);
        name = name.substr(0, at);
      }
      ProfileLine l;
      l.function = name == "?" ? kNoIndex : Function(name, file);
      l.line = line;
      lines.push_back(l);
    }
    uint32_t index = static_cast<uint32_t>(p_.locations.size());
    ProfileLocation& loc = p_.locations.emplace_back();
    loc.id = index + 1;
    loc.address = text.rfind("0x", 0) == 0 ? std::stoull(text, nullptr, 16) : 0x1000 + index * 0x10;
    loc.lines_begin = static_cast<uint32_t>(p_.lines.size());
    loc.line_count = static_cast<uint32_t>(lines.size());
    p_.lines.insert(p_.lines.end(), lines.rbegin(), lines.rend());  // innermost first
    locations_.emplace(text, index);
    return index;
  }

  Profile p_;
  std::deque<std::string> storage_;
  std::map<std::string, StringId> strings_;
  std::map<std::pair<std::string, std::string>, uint32_t> functions_;
  std::map<std::string, uint32_t> locations_;
};

}  // namespace srclink::testing
