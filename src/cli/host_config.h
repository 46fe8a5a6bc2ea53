// HostConfig: the operator's host declarations for the CLI — `--host
// HOST=PROVIDER` flags and a JSON config file (--config FILE or
// $SRCLINK_CONFIG):
//
//   {"hosts": {"git.corp.example": "gitlab",
//              "code.internal": {"file": "{base}/view/{commit}/{path}",
//                                "blame": "{base}/blame/{commit}/{path}",
//                                "commit": "{base}/commit/{commit}",
//                                "line_anchor": "#L{line}",
//                                "range_anchor": "#L{line}-{end}"}}}
#pragma once

#include <string>
#include <vector>

#include "core/provider.h"
#include "core/status.h"

namespace srclink::cli {

inline constexpr size_t kMaxConfigBytes = 1 << 20;

// Adds the hosts of the JSON text `json` (read from `source`, for messages).
Status AddHostsFromJson(const std::string& json, const std::string& source, HostRegistry* hosts);

// Reads `path` (at most kMaxConfigBytes) and adds its hosts.
Status LoadHostConfigFile(const std::string& path, HostRegistry* hosts);

// Config file first (when `config_path` is non-empty), then each --host spec.
Result<HostRegistry> BuildHostRegistry(const std::string& config_path,
                                       const std::vector<std::string>& host_specs);

}  // namespace srclink::cli
