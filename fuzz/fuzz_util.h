// Helpers shared by the fuzz targets: turning the fuzzer's bytes into
// fields, and failing loudly when an invariant does not hold.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace srclink::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Splits `text` at each `sep`, keeping empty fields; at most `max_fields`
// fields, the last one holding the rest.
inline std::vector<std::string_view> SplitFields(std::string_view text, char sep,
                                                 size_t max_fields) {
  std::vector<std::string_view> fields;
  while (fields.size() + 1 < max_fields) {
    size_t pos = text.find(sep);
    if (pos == std::string_view::npos) break;
    fields.push_back(text.substr(0, pos));
    text.remove_prefix(pos + 1);
  }
  fields.push_back(text);
  return fields;
}

inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Case-insensitive count of (possibly overlapping) occurrences of needle.
inline size_t CountInsensitive(std::string_view hay, std::string_view needle) {
  if (needle.empty() || needle.size() > hay.size()) return 0;
  size_t count = 0;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    size_t j = 0;
    while (j < needle.size() && Lower(hay[i + j]) == Lower(needle[j])) ++j;
    if (j == needle.size()) ++count;
  }
  return count;
}

inline bool ContainsInsensitive(std::string_view hay, std::string_view needle) {
  return CountInsensitive(hay, needle) > 0;
}

// Prints what went wrong, then traps so that libFuzzer saves the input.
[[noreturn]] inline void Fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "srclink fuzz invariant violated: %s\n  detail: [%.*s]\n", what,
               static_cast<int>(detail.size()), detail.data());
  std::fflush(stderr);
  __builtin_trap();
}

#define SRCLINK_FUZZ_CHECK(cond, detail)                 \
  do {                                                   \
    if (!(cond)) ::srclink::fuzz::Fail(#cond, (detail)); \
  } while (0)

}  // namespace srclink::fuzz
