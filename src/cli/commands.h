// The commands that live in their own files; cli.cc lists them in its table.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "cli/host_config.h"
#include "core/provider.h"
#include "core/status.h"

namespace srclink::cli {

// --config FILE and --host HOST=PROVIDER, for commands that parse remotes.
struct HostOptions {
  std::string config;
  std::vector<std::string> hosts;
  void Add(CLI::App& app);
  Result<HostRegistry> Build(Streams& io) const;  // $SRCLINK_CONFIG when no --config
};

// Parses `args` into `app`: an exit code when the command should stop here
// (help printed, or a usage error said on stderr), std::nullopt to go on.
std::optional<int> Parse(CLI::App& app, const std::vector<std::string>& args, Streams& io);

// Says "srclink COMMAND: <message>" on stderr and returns `code`.
int Fail(Streams& io, const std::string& command, const Status& status, int code = 1);

int RunServe(const std::vector<std::string>& args, Streams& io);   // serve_command.cc
int RunKeys(const std::vector<std::string>& args, Streams& io);    // keys_command.cc
int RunUpload(const std::vector<std::string>& args, Streams& io);  // upload_command.cc
int RunTrace(const std::vector<std::string>& args, Streams& io);   // trace_command.cc

// Help text of each, for `srclink help NAME`.
std::string ServeHelp();
std::string KeysHelp();
std::string UploadHelp();
std::string TraceHelp();

}  // namespace srclink::cli
