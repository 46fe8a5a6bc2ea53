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
//
// and, for `srclink serve`, where it may fetch file contents from:
//
//   {"fetch": {"hosts": ["git.example.com", "*.corp.example", "file"],
//              "credentials": {"git.example.com": {"username": "srclink",
//                                                  "password_env": "GIT_TOKEN"},
//                              "ssh.example.com": {"ssh_key": "/etc/srclink/id_ed25519"}},
//              "max_bytes": 1073741824, "max_files": 500000, "max_file_bytes": 10485760,
//              "timeout_seconds": 600}}
//
// Secrets are best named by environment variable (password_env); a literal
// "password" is accepted too. Neither is ever printed.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/provider.h"
#include "core/status.h"
#include "server/content_fetch.h"

namespace srclink::cli {

inline constexpr size_t kMaxConfigBytes = 1 << 20;

// Adds the hosts of the JSON text `json` (read from `source`, for messages).
Status AddHostsFromJson(const std::string& json, const std::string& source, HostRegistry* hosts);

// Reads `path` (at most kMaxConfigBytes) and adds its hosts.
Status LoadHostConfigFile(const std::string& path, HostRegistry* hosts);

// The text of the config file `path`, at most kMaxConfigBytes.
Result<std::string> ReadConfigFile(const std::string& path);

// Adds the "fetch" object of the JSON text `json` (read from `source`) to
// `fetch`: hosts appended, credentials and limits set. `env` looks up the
// variables that password_env names. Nothing when there is no "fetch".
Status AddFetchFromJson(const std::string& json, const std::string& source,
                        const std::function<std::string(const std::string&)>& env,
                        server::FetchOptions* fetch);

// Config file first (when `config_path` is non-empty), then each --host spec.
Result<HostRegistry> BuildHostRegistry(const std::string& config_path,
                                       const std::vector<std::string>& host_specs);

}  // namespace srclink::cli
