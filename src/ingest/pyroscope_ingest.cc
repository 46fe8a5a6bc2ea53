#include "ingest/pyroscope_ingest.h"

#include <algorithm>
#include <charconv>

namespace srclink {

namespace {

// Pyroscope's profile types, as application-name suffixes.
constexpr std::string_view kProfileTypes[] = {
    "cpu",           "wall",           "itimer",     "alloc_objects", "alloc_space",
    "inuse_objects", "inuse_space",    "goroutines", "mutex_count",   "mutex_duration",
    "block_count",   "block_duration", "lock_count", "lock_duration", "exceptions",
};

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Quote(std::string_view s) {
  return "\"" + std::string(s.substr(0, 80)) + (s.size() > 80 ? "…\"" : "\"");
}

Status BadName(std::string_view name, const std::string& why) {
  return Status::InvalidArgument("name " + Quote(name) + ": " + why +
                                 " (expected APP or APP{key=value,…}, as Pyroscope clients send)");
}

// Seconds from a time given in s, ms or ns since the epoch.
Result<int64_t> ParseTime(const char* param, std::string_view text) {
  text = Trim(text);
  if (text.empty()) return int64_t{0};
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) {
    return Status::InvalidArgument(std::string(param) + "=" + Quote(text) +
                                   " is not a time: give unix seconds (or ms, ns)");
  }
  if (v >= 100'000'000'000'000'000) return v / 1'000'000'000;  // ns
  if (v >= 100'000'000'000) return v / 1000;                   // ms
  return v;
}

}  // namespace

std::string PyroscopeAppName::Dump() const {
  std::string out = service;
  if (!profile_type.empty()) out += " type=" + profile_type;
  for (const auto& [k, v] : labels) out += " " + k + "=" + v;
  return out;
}

Result<PyroscopeAppName> ParsePyroscopeAppName(std::string_view name) {
  if (name.size() > kMaxPyroscopeNameBytes) {
    return BadName(name, "longer than " + std::to_string(kMaxPyroscopeNameBytes) + " bytes");
  }
  PyroscopeAppName out;
  const size_t brace = name.find('{');
  std::string_view app = Trim(name.substr(0, brace));
  if (app.empty()) return BadName(name, "no application name before the labels");
  for (std::string_view type : kProfileTypes) {
    if (app.size() > type.size() + 1 && app.ends_with(type) &&
        app[app.size() - type.size() - 1] == '.') {
      out.profile_type = std::string(type);
      app.remove_suffix(type.size() + 1);
      break;
    }
  }
  out.service = std::string(app);
  if (brace == std::string_view::npos) return out;

  std::string_view rest = name.substr(brace + 1);
  if (rest.empty() || rest.back() != '}') return BadName(name, "the labels' '{' is not closed");
  rest.remove_suffix(1);
  while (!Trim(rest).empty()) {
    const size_t comma = rest.find(',');
    std::string_view pair = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (Trim(pair).empty()) continue;  // "a=1,,b=2", a trailing ','
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return BadName(name, "label " + Quote(pair) + " has no '='");
    std::string_view key = Trim(pair.substr(0, eq));
    std::string_view value = Trim(pair.substr(eq + 1));
    if (key.empty() || !std::all_of(key.begin(), key.end(), IsKeyChar)) {
      return BadName(name, "label key " + Quote(key) + " is not letters, digits, '_', '.', '-'");
    }
    if (key.size() > kMaxPyroscopeLabelBytes || value.size() > kMaxPyroscopeLabelBytes ||
        value.find('}') != std::string_view::npos || value.find('{') != std::string_view::npos) {
      return BadName(name, "label " + Quote(key) + " has a value that is too long or has braces");
    }
    auto it = std::find_if(out.labels.begin(), out.labels.end(),
                           [key](const auto& l) { return l.first == key; });
    if (it != out.labels.end()) {
      it->second = std::string(value);
      continue;
    }
    if (out.labels.size() >= kMaxPyroscopeLabels) {
      return BadName(name, "more than " + std::to_string(kMaxPyroscopeLabels) + " labels");
    }
    out.labels.emplace_back(std::string(key), std::string(value));
  }
  std::sort(out.labels.begin(), out.labels.end());
  return out;
}

std::string PyroscopeIngest::Dump() const {
  std::string out = app.Dump();
  out += " from=" + std::to_string(from) + " until=" + std::to_string(until);
  out += " rate=" + std::to_string(sample_rate);
  if (!spy_name.empty()) out += " spy=" + spy_name;
  if (!units.empty()) out += " units=" + units;
  if (!aggregation_type.empty()) out += " aggregation=" + aggregation_type;
  out += format == PyroscopeFormat::kPprof ? " pprof" : " folded";
  return out;
}

Result<PyroscopeIngest> ParsePyroscopeIngest(const QueryLookup& query, bool multipart) {
  PyroscopeIngest out;
  const std::string name = query("name");
  if (name.empty()) {
    return Status::InvalidArgument(
        "the name parameter is missing: /ingest?name=APP{key=value,…} names the service");
  }
  Result<PyroscopeAppName> app = ParsePyroscopeAppName(name);
  if (!app.ok()) return app.status();
  out.app = std::move(*app);

  Result<int64_t> from = ParseTime("from", query("from"));
  if (!from.ok()) return from.status();
  Result<int64_t> until = ParseTime("until", query("until"));
  if (!until.ok()) return until.status();
  out.from = *from;
  out.until = *until;
  if (out.from > 0 && out.until > 0 && out.until < out.from) {
    return Status::InvalidArgument("until=" + std::to_string(out.until) +
                                   " is before from=" + std::to_string(out.from) + ": swap them");
  }

  const std::string rate = query("sampleRate");
  if (!rate.empty()) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(rate.data(), rate.data() + rate.size(), v);
    if (ec != std::errc() || end != rate.data() + rate.size() || v <= 0 || v > 1'000'000) {
      return Status::InvalidArgument("sampleRate=" + Quote(rate) +
                                     " is not a rate in Hz between 1 and 1000000");
    }
    out.sample_rate = v;
  }
  out.spy_name = query("spyName").substr(0, 64);
  out.units = query("units").substr(0, 64);
  out.aggregation_type = query("aggregationType").substr(0, 64);

  const std::string format = query("format");
  if (format == "pprof" || (format.empty() && multipart)) {
    out.format = PyroscopeFormat::kPprof;
  } else if (format.empty() || format == "lines" || format == "folded") {
    out.format = PyroscopeFormat::kFolded;
  } else {
    return Status::InvalidArgument("format=" + Quote(format) +
                                   " is not one srclink reads: send pprof (raw, gzipped, or "
                                   "multipart with a 'profile' part) or lines (\"a;b;c 42\")");
  }
  return out;
}

}  // namespace srclink
