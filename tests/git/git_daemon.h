// GitDaemon: `git daemon` serving the repositories under a directory on a
// free 127.0.0.1 port, for tests that fetch over git://. Start() waits until
// the daemon accepts connections and reports why when it does not; the
// destructor stops it. The daemon runs with GIT_CONFIG_GLOBAL=`empty_config`
// and GIT_CONFIG_NOSYSTEM=1.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace srclink::testing {

// A port no one listens on right now.
inline int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

inline bool LoopbackAccepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

class GitDaemon {
 public:
  GitDaemon() = default;
  GitDaemon(const GitDaemon&) = delete;
  GitDaemon& operator=(const GitDaemon&) = delete;
  ~GitDaemon() { Stop(); }

  // Serves `base_path`; logs to `log_path`. "" on success, else why it failed.
  std::string Start(const std::string& base_path, const std::string& log_path,
                    const std::string& empty_config) {
    port_ = FreeLoopbackPort();
    std::vector<std::string> args = {"git",
                                     "daemon",
                                     "--reuseaddr",
                                     "--export-all",
                                     "--informative-errors",
                                     "--base-path=" + base_path,
                                     "--listen=127.0.0.1",
                                     "--port=" + std::to_string(port_),
                                     base_path};
    std::vector<std::string> env = {"GIT_CONFIG_GLOBAL=" + empty_config, "GIT_CONFIG_NOSYSTEM=1"};
    if (const char* path = getenv("PATH")) env.push_back(std::string("PATH=") + path);
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    const int rc = posix_spawnp(&pid_, "git", &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = 0;
      return std::string("cannot start git daemon: ") + strerror(rc);
    }
    for (int i = 0; i < 400; ++i) {
      if (LoopbackAccepts(port_)) return "";
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        return "git daemon exited before accepting connections: " + Read(log_path);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return "git daemon did not accept connections on 127.0.0.1:" + std::to_string(port_) +
           " within 10 s: " + Read(log_path);
  }

  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = 0;
    }
  }

  int port() const { return port_; }
  // "git://127.0.0.1:PORT/<name>".
  std::string Url(const std::string& name) const {
    return "git://127.0.0.1:" + std::to_string(port_) + "/" + name;
  }

 private:
  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  pid_t pid_ = 0;
  int port_ = 0;
};

}  // namespace srclink::testing
