// ServeProcess: the real `srclink serve` binary as a child process on a free
// loopback port, for end-to-end tests. Start() waits until /healthz answers;
// the destructor sends SIGTERM and waits. stderr goes to a log file the test
// can read (Log()).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace srclink::testing {

// A free TCP port on 127.0.0.1 (bound, read back, released).
int FreeLoopbackPort();

// Runs `command` with /bin/sh, returns its stdout; *exit_code gets its exit status.
std::string RunShell(const std::string& command, int* exit_code);

class ServeProcess {
 public:
  // Starts SRCLINK_BINARY serve --listen 127.0.0.1:PORT ARGS…, logging to
  // `log_path`. Unavailable, with the log, when /healthz does not answer 200
  // within 10 s or the process exits.
  static Result<std::unique_ptr<ServeProcess>> Start(const std::vector<std::string>& args,
                                                     const std::string& log_path);

  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;
  ~ServeProcess();  // Stop()

  int port() const { return port_; }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string Log() const;

  // SIGTERM, then waits; returns the exit status (-1 if killed by a signal).
  // Idempotent.
  int Stop();

 private:
  ServeProcess() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  int exit_status_ = -1;
  std::string log_path_;
};

}  // namespace srclink::testing
