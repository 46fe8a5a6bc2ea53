// SQLite plumbing shared by the SQLite stores (sqlite_store.cc,
// sqlite_telemetry_store.cc): a connection with its cached prepared
// statements, a statement guard, and a Database — one writer connection and a
// pool of readers on one file.
//
// Every connection waits up to 10 s for a lock (busy_timeout), so several
// Databases (a Store and a TelemetryStore, or two processes) can write one
// file; the file is in WAL mode, so readers never block the writer.
//
// Thread-safety: a Connection is for one thread at a time; a Database may be
// used from many threads (Writer() serializes writers).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace srclink::sqlite {

// A connection and its prepared statements (compiled once, reused).
class Connection {
 public:
  // Takes ownership of `db`; `path` is for messages.
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* db() const { return db_; }

  // The connection's last error as a Status: "<what> in SQLite database
  // <path> failed: <sqlite message>; <how to fix>".
  Status Error(const std::string& what) const;

  // Runs one or more statements without results.
  Status Exec(const char* sql);

  // A cached prepared statement, reset and unbound; nullptr on error (see
  // Error()). Keyed by the literal's address: pass string literals only.
  sqlite3_stmt* Prepare(const char* sql);
  // The same for SQL built at run time (keyed by its text); callers must
  // build only a bounded number of distinct texts.
  sqlite3_stmt* PrepareText(const std::string& sql);

 private:
  sqlite3* db_;
  std::string path_;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
  std::unordered_map<std::string, sqlite3_stmt*> text_statements_;
};

// Resets a statement when it goes out of scope (releases read locks).
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  ~Stmt() {
    if (s_ != nullptr) sqlite3_reset(s_);
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  explicit operator bool() const { return s_ != nullptr; }
  sqlite3_stmt* get() const { return s_; }

  // Resets the statement for another row (bindings are kept).
  void Reset() { sqlite3_reset(s_); }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void Bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindNull(int i) { sqlite3_bind_null(s_, i); }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(s_); }
  int64_t Int(int i) const { return sqlite3_column_int64(s_, i); }
  std::string Text(int i) const;
  std::string_view Blob(int i) const;
  bool IsNull(int i) const { return sqlite3_column_type(s_, i) == SQLITE_NULL; }

 private:
  sqlite3_stmt* s_;
};

// One database file's connections: a writer behind a mutex and a free list
// of readers. ":memory:" is one private database, so it uses the writer for
// everything.
class Database {
 public:
  // Opens (creating if missing) `path` and puts it in WAL mode.
  static Result<std::unique_ptr<Database>> Open(const std::string& path);

  // A connection for one call: the writer (with its mutex held) or a pooled
  // reader, given back when the lease is destroyed.
  class Lease {
   public:
    Lease(Database* db, Connection* conn, std::unique_lock<std::mutex> lock)
        : db_(db), conn_(conn), lock_(std::move(lock)) {}
    Lease(Lease&& o) noexcept : db_(o.db_), conn_(o.conn_), lock_(std::move(o.lock_)) {
      o.conn_ = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (conn_ != nullptr && !lock_.owns_lock()) db_->Release(conn_);
    }
    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_; }

   private:
    Database* db_;
    Connection* conn_;
    std::unique_lock<std::mutex> lock_;
  };

  Result<Lease> Writer();
  Result<Lease> Reader();

  // Runs `body` in BEGIN IMMEDIATE … COMMIT on the writer; rolls back when
  // `body` or the commit fails and returns that error.
  Status WriteTransaction(const std::function<Status(Connection&)>& body);

  const std::string& path() const { return path_; }
  bool memory() const { return memory_; }

 private:
  explicit Database(std::string path);
  Result<std::unique_ptr<Connection>> Connect(bool create);
  void Release(Connection* conn);

  const std::string path_;
  const bool memory_;
  std::mutex write_mu_;  // held by a writer lease
  std::unique_ptr<Connection> writer_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> readers_;
};

}  // namespace srclink::sqlite
