// PostgresHarness: a throwaway PostgreSQL cluster for tests.
//
// Start() runs initdb into a fresh temporary directory, starts `postgres`
// listening only on 127.0.0.1 at a free port (its unix socket inside the
// temporary directory), waits until it accepts connections and creates the
// database "srclink". The destructor stops the server and deletes the
// directory. When the process runs as root (CI), initdb and postgres run as
// the `postgres` system user through `runuser -u postgres --`.
//
// TCP connections need a password (scram-sha-256); Url() carries it, so
// tests exercise the real password path. The harness itself talks to the
// server over the unix socket (trust).
//
// Binaries: $SRCLINK_TEST_PG_BINDIR if set, else `pg_config --bindir`, else
// the newest /usr/lib/postgresql/*/bin.
//
// No gtest dependency: usable from any test binary (e.g. a server test that
// starts two processes on one database). Thread-safety: CreateDatabase() may
// be called from several threads; everything else is for one thread.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <string>

#include "core/status.h"

namespace srclink::testing {

class PostgresHarness {
 public:
  // Unavailable, with initdb's or postgres's own output, when the cluster
  // cannot be created or started.
  static Result<std::unique_ptr<PostgresHarness>> Start();

  PostgresHarness(const PostgresHarness&) = delete;
  PostgresHarness& operator=(const PostgresHarness&) = delete;
  ~PostgresHarness();  // Stop()

  // "postgresql://postgres:PASSWORD@127.0.0.1:PORT/srclink".
  std::string Url() const { return UrlFor("srclink"); }
  // The same for another database of this cluster.
  std::string UrlFor(const std::string& database) const;

  // A new empty database ("t_1", "t_2", …); returns its URL.
  Result<std::string> CreateDatabase();

  // Runs one SQL statement as the superuser (unix socket) on `database`.
  Status Execute(const std::string& database, const std::string& sql) const;

  const std::string& password() const { return password_; }
  int port() const { return port_; }
  // Seconds Start() took (initdb + startup + first database).
  double startup_seconds() const { return startup_seconds_; }

  // Stops the server (immediate shutdown) and deletes the directory.
  // Idempotent.
  void Stop();

 private:
  PostgresHarness() = default;
  Status StartImpl();

  std::string bindir_;
  std::string dir_;  // temporary directory: data/, socket, logs
  std::string password_;
  int port_ = 0;
  pid_t server_pid_ = -1;  // postgres, or runuser running it
  bool as_postgres_user_ = false;
  double startup_seconds_ = 0;
  std::atomic<int> next_database_{1};
};

}  // namespace srclink::testing
