#include "postgres_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <glob.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

namespace srclink::testing {

namespace {

namespace fs = std::filesystem;

bool IsExecutable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

// The directory holding initdb and postgres.
Result<std::string> FindBindir() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("SRCLINK_TEST_PG_BINDIR"); env && *env) {
    if (IsExecutable(std::string(env) + "/initdb") &&
        IsExecutable(std::string(env) + "/postgres")) {
      return std::string(env);
    }
    return Status::Unavailable("SRCLINK_TEST_PG_BINDIR=" + std::string(env) +
                               " holds no initdb and postgres");
  }
  if (FILE* p = popen("pg_config --bindir 2>/dev/null", "r")) {
    char buf[4096];
    std::string out;
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    if (!out.empty()) candidates.push_back(out);
  }
  glob_t g{};
  if (glob("/usr/lib/postgresql/*/bin", 0, nullptr, &g) == 0) {
    std::vector<std::string> found(g.gl_pathv, g.gl_pathv + g.gl_pathc);
    // Newest major version first ("15" > "9.6" numerically).
    std::sort(found.begin(), found.end(), [](const std::string& a, const std::string& b) {
      auto major = [](const std::string& s) {
        return std::atof(s.c_str() + std::strlen("/usr/lib/postgresql/"));
      };
      return major(a) > major(b);
    });
    candidates.insert(candidates.end(), found.begin(), found.end());
  }
  globfree(&g);
  for (const std::string& dir : candidates) {
    if (IsExecutable(dir + "/initdb") && IsExecutable(dir + "/postgres")) return dir;
  }
  return Status::Unavailable(
      "PostgreSQL server binaries (initdb, postgres) not found via `pg_config --bindir` or "
      "/usr/lib/postgresql/*/bin; install the postgresql server package");
}

Result<int> FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Status::Unavailable(std::string("socket(): ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::string err = std::strerror(errno);
    close(fd);
    return Status::Unavailable("cannot find a free port on 127.0.0.1: " + err);
  }
  close(fd);
  return static_cast<int>(ntohs(addr.sin_port));
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Tail(const std::string& text, size_t max = 4000) {
  return text.size() <= max ? text : "…" + text.substr(text.size() - max);
}

// Forks and execs argv (prefixed with runuser when `as_postgres`), output to
// `log`. Returns the child's pid.
Result<pid_t> Spawn(std::vector<std::string> argv, bool as_postgres, const std::string& log) {
  if (as_postgres) argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) return Status::IoError("cannot open " + log + ": " + std::strerror(errno));
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(out);
    return Status::Unavailable(std::string("fork(): ") + std::strerror(errno));
  }
  if (pid == 0) {
    // If the test process dies, take the server down with it.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(out, 1);
    dup2(out, 2);
    setsid();
    execvp(args[0], args.data());
    dprintf(2, "exec %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  close(out);
  return pid;
}

Status Run(const std::vector<std::string>& argv, bool as_postgres, const std::string& log) {
  Result<pid_t> pid = Spawn(argv, as_postgres, log);
  if (!pid.ok()) return pid.status();
  int status = 0;
  while (waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  return Status::Unavailable(argv[0] + " failed (" +
                             (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                                : "signal " + std::to_string(WTERMSIG(status))) +
                             "):\n" + Tail(ReadFile(log)));
}

std::string RandomPassword() {
  std::random_device rd;
  std::mt19937_64 gen(rd());
  const char* alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
  std::string pw = "pw";
  for (int i = 0; i < 20; ++i) pw += alphabet[gen() % 32];
  return pw;
}

}  // namespace

Result<std::unique_ptr<PostgresHarness>> PostgresHarness::Start() {
  std::unique_ptr<PostgresHarness> h(new PostgresHarness());
  auto started = std::chrono::steady_clock::now();
  Status s = h->StartImpl();
  if (!s.ok()) {
    std::string where = h->dir_;
    h->Stop();
    return s.WithContext("cannot start a test PostgreSQL cluster" +
                         (where.empty() ? std::string() : " in " + where));
  }
  h->startup_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return h;
}

Status PostgresHarness::StartImpl() {
  Result<std::string> bindir = FindBindir();
  if (!bindir.ok()) return bindir.status();
  bindir_ = *bindir;
  as_postgres_user_ = geteuid() == 0;

  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl =
      std::string(tmp && *tmp && std::strlen(tmp) < 60 ? tmp : "/tmp") + "/srclink-pg-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    return Status::IoError("mkdtemp(" + tmpl + "): " + std::strerror(errno));
  }
  dir_ = tmpl;
  if (as_postgres_user_) {
    passwd* pw = getpwnam("postgres");
    if (pw == nullptr) {
      return Status::Unavailable(
          "running as root, and there is no `postgres` system user to run initdb/postgres as "
          "(they refuse to run as root)");
    }
    if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      return Status::IoError("chown " + dir_ + ": " + std::strerror(errno));
    }
  }
  chmod(dir_.c_str(), 0700);

  password_ = RandomPassword();
  const std::string pwfile = dir_ + "/pwfile";
  { std::ofstream(pwfile) << password_ << "\n"; }
  if (as_postgres_user_) {
    passwd* pw = getpwnam("postgres");
    if (chown(pwfile.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      return Status::IoError("chown " + pwfile + ": " + std::strerror(errno));
    }
  }
  const std::string data = dir_ + "/data";
  Status s = Run({bindir_ + "/initdb", "-D", data, "-U", "postgres", "--pwfile=" + pwfile,
                  "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale",
                  "--no-sync", "--no-instructions"},
                 as_postgres_user_, dir_ + "/initdb.log");
  std::remove(pwfile.c_str());
  if (!s.ok()) return s;

  // A port found free can be taken before postgres binds it: retry.
  Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    Result<int> port = FreePort();
    if (!port.ok()) return port.status();
    port_ = *port;
    const std::string log = dir_ + "/postgres.log";
    Result<pid_t> pid =
        Spawn({bindir_ + "/postgres", "-D", data, "-p", std::to_string(port_), "-c",
               "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir_, "-c",
               "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c",
               "max_connections=200", "-c", "shared_buffers=64MB"},
              as_postgres_user_, log);
    if (!pid.ok()) return pid.status();
    server_pid_ = *pid;
    const std::string conninfo =
        "host=" + dir_ + " port=" + std::to_string(port_) + " user=postgres dbname=postgres";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    bool exited = false;
    while (std::chrono::steady_clock::now() < deadline) {
      if (PQping(conninfo.c_str()) == PQPING_OK) {
        return Execute("postgres", "CREATE DATABASE srclink");
      }
      int status = 0;
      if (waitpid(server_pid_, &status, WNOHANG) == server_pid_) {
        exited = true;
        server_pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    last = Status::Unavailable(
        std::string(exited ? "postgres exited during startup"
                           : "postgres did not accept connections within 60 s") +
        " (port " + std::to_string(port_) + "):\n" + Tail(ReadFile(log)));
    if (!exited) return last;
  }
  return last;
}

PostgresHarness::~PostgresHarness() { Stop(); }

void PostgresHarness::Stop() {
  if (server_pid_ > 0) {
    // runuser forwards signals to postgres, but the postmaster's own pid (first
    // line of postmaster.pid) is the sure target. SIGQUIT: immediate shutdown.
    std::ifstream pidfile(dir_ + "/data/postmaster.pid");
    long postmaster = 0;
    if (pidfile >> postmaster && postmaster > 0) kill(static_cast<pid_t>(postmaster), SIGQUIT);
    kill(server_pid_, SIGQUIT);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    int status = 0;
    while (waitpid(server_pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        if (postmaster > 0) kill(static_cast<pid_t>(postmaster), SIGKILL);
        kill(server_pid_, SIGKILL);
        waitpid(server_pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // Wait for the postmaster itself (not our child under runuser) to go.
    if (postmaster > 0) {
      for (int i = 0; i < 500 && kill(static_cast<pid_t>(postmaster), 0) == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    server_pid_ = -1;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    dir_.clear();
  }
}

std::string PostgresHarness::UrlFor(const std::string& database) const {
  return "postgresql://postgres:" + password_ + "@127.0.0.1:" + std::to_string(port_) + "/" +
         database;
}

Status PostgresHarness::Execute(const std::string& database, const std::string& sql) const {
  const char* keys[] = {"host", "port", "user", "dbname", nullptr};
  std::string port = std::to_string(port_);
  const char* values[] = {dir_.c_str(), port.c_str(), "postgres", database.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 0);
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string err = PQerrorMessage(conn);
    PQfinish(conn);
    return Status::Unavailable("cannot connect to the test cluster: " + err);
  }
  PGresult* res = PQexec(conn, sql.c_str());
  Status s;
  ExecStatusType st = PQresultStatus(res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    s = Status::Internal("`" + sql + "` failed: " + PQresultErrorMessage(res));
  }
  PQclear(res);
  PQfinish(conn);
  return s;
}

Result<std::string> PostgresHarness::CreateDatabase() {
  std::string name = "t_" + std::to_string(next_database_.fetch_add(1));
  Status s = Execute("postgres", "CREATE DATABASE " + name);
  if (!s.ok()) return s;
  return UrlFor(name);
}

}  // namespace srclink::testing
