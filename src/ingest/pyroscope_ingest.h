// PyroscopeIngest: what a Pyroscope client says about a profile it pushes
// to `POST /ingest?name=APP{label=value,…}&from=&until=&sampleRate=&spyName=
// &units=&aggregationType=&format=` — the service, its labels, the time range
// and the body's format — read from the query parameters, as the Pyroscope
// SDKs (@pyroscope/nodejs, pyroscope-go, pyroscope-java, pyroscope-rs…) and
// `pyroscope.write` components send them.
//
// The application name is "APP" or "APP.TYPE" where TYPE is a Pyroscope
// profile type (".cpu", ".alloc_space", …); the type names what a folded
// ("lines") body counts, pprof bodies carry their own sample types. Labels
// are "key=value" pairs between braces, separated by commas; keys are
// letters, digits, '_', '.' and '-'; values run to the next ',' or '}'.
//
// Pure functions; errors are InvalidArgument with the parameter and the
// offending text.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace srclink {

inline constexpr size_t kMaxPyroscopeLabels = 64;
inline constexpr size_t kMaxPyroscopeLabelBytes = 1024;  // a key or a value
inline constexpr size_t kMaxPyroscopeNameBytes = 8192;   // the whole name parameter

enum class PyroscopeFormat {
  kPprof,   // format=pprof (also the default for a multipart body)
  kFolded,  // format=lines or folded: "a;b;c 42" per line (the default otherwise)
};

struct PyroscopeAppName {
  std::string service;       // "checkout" of "checkout.cpu{env=prod}"
  std::string profile_type;  // "cpu" of "checkout.cpu", "" when the name has no type suffix
  std::vector<std::pair<std::string, std::string>> labels;  // sorted by key, keys unique

  // "checkout type=cpu env=prod region=eu" for test tables.
  std::string Dump() const;
};

// Parses the `name` parameter. The last occurrence of a repeated key wins.
Result<PyroscopeAppName> ParsePyroscopeAppName(std::string_view name);

struct PyroscopeIngest {
  PyroscopeAppName app;
  int64_t from = 0;              // unix seconds; 0 when not given
  int64_t until = 0;             // unix seconds; 0 when not given
  int64_t sample_rate = 100;     // Hz, for CPU samples of folded bodies
  std::string spy_name;          // "nodespy", "gospy", "pyspy", …
  std::string units;             // "samples", "objects", "bytes" (folded bodies)
  std::string aggregation_type;  // "sum" or "average" (folded bodies)
  PyroscopeFormat format = PyroscopeFormat::kFolded;

  std::string Dump() const;
};

// Reads one query parameter; "" when absent.
using QueryLookup = std::function<std::string(const char* name)>;

// Parses the query of one /ingest request. `multipart` says the body is
// multipart/form-data (then the format defaults to pprof). Times may be
// given in seconds, milliseconds or nanoseconds since the epoch (told apart
// by magnitude); `until` before `from` is an error. Formats srclink does not
// read (jfr, trie, tree, speedscope) are InvalidArgument naming what to send.
Result<PyroscopeIngest> ParsePyroscopeIngest(const QueryLookup& query, bool multipart);

}  // namespace srclink
