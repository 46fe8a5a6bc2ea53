#include "store/sqlite_connection.h"

#include <utility>

namespace srclink::sqlite {
namespace {

constexpr size_t kMaxReaders = 16;

}  // namespace

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  for (auto& [sql, stmt] : text_statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status Connection::Error(const std::string& what) const {
  int code = sqlite3_extended_errcode(db_);
  std::string msg = what + " in SQLite database " + path_ + " failed: " + sqlite3_errmsg(db_);
  int primary = code & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return Status::Unavailable(msg + "; another process holds the database locked, retry later");
  }
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    return Status::IoError(
        msg + "; the file is damaged or not a srclink database, restore it from a backup");
  }
  if (primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_READONLY ||
      primary == SQLITE_CANTOPEN || primary == SQLITE_PERM) {
    return Status::IoError(msg + "; check the disk space and the file's permissions");
  }
  if (primary == SQLITE_ERROR &&
      std::string(sqlite3_errmsg(db_)).find("no such table") != std::string::npos) {
    return Status::Internal(
        msg + "; the schema is missing, run Migrate() (srclink serve does at startup)");
  }
  return Status::Internal(msg);
}

Status Connection::Exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Error(std::string("running '") + std::string(sql).substr(0, 40) + "'");
  }
  return Status::Ok();
}

sqlite3_stmt* Connection::Prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    sqlite3_reset(it->second);
    sqlite3_clear_bindings(it->second);
    return it->second;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    return nullptr;
  }
  statements_.emplace(sql, stmt);
  return stmt;
}

sqlite3_stmt* Connection::PrepareText(const std::string& sql) {
  auto it = text_statements_.find(sql);
  if (it != text_statements_.end()) {
    sqlite3_reset(it->second);
    sqlite3_clear_bindings(it->second);
    return it->second;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    return nullptr;
  }
  text_statements_.emplace(sql, stmt);
  return stmt;
}

std::string Stmt::Text(int i) const {
  const unsigned char* t = sqlite3_column_text(s_, i);
  return t == nullptr ? std::string()
                      : std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(s_, i));
}

std::string_view Stmt::Blob(int i) const {
  const void* b = sqlite3_column_blob(s_, i);
  return b == nullptr ? std::string_view()
                      : std::string_view(static_cast<const char*>(b), sqlite3_column_bytes(s_, i));
}

Database::Database(std::string path) : path_(std::move(path)), memory_(path_ == ":memory:") {}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path) {
  std::unique_ptr<Database> db(new Database(path));
  Result<std::unique_ptr<Connection>> writer = db->Connect(/*create=*/true);
  if (!writer.ok()) return writer.status();
  db->writer_ = std::move(writer).value();
  if (!db->memory_) {
    // WAL is persistent in the file; set it once from the writer.
    Stmt stmt(db->writer_->Prepare("PRAGMA journal_mode=WAL"));
    if (!stmt || stmt.Step() != SQLITE_ROW) return db->writer_->Error("enabling WAL");
    std::string mode = stmt.Text(0);
    if (mode != "wal") {
      return Status::IoError("SQLite database " + path + " cannot use WAL (journal mode is '" +
                             mode + "'); put the data directory on a local file system");
    }
  }
  return db;
}

Result<std::unique_ptr<Connection>> Database::Connect(bool create) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path_.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::IoError("cannot open SQLite database " + path_ + ": " + msg +
                           "; check that the directory exists and is writable by this user");
  }
  auto conn = std::make_unique<Connection>(db, path_);
  sqlite3_busy_timeout(db, 10000);
  sqlite3_extended_result_codes(db, 1);
  if (Status s =
          conn->Exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536; "
                     "PRAGMA temp_store=MEMORY");
      !s.ok()) {
    return s;
  }
  return conn;
}

Result<Database::Lease> Database::Writer() {
  return Lease(this, writer_.get(), std::unique_lock<std::mutex>(write_mu_));
}

Result<Database::Lease> Database::Reader() {
  if (memory_) return Writer();
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (!readers_.empty()) {
      Connection* c = readers_.back().release();
      readers_.pop_back();
      return Lease(this, c, std::unique_lock<std::mutex>());
    }
  }
  Result<std::unique_ptr<Connection>> conn = Connect(/*create=*/false);
  if (!conn.ok()) return conn.status();
  return Lease(this, std::move(conn).value().release(), std::unique_lock<std::mutex>());
}

void Database::Release(Connection* conn) {
  std::unique_ptr<Connection> owned(conn);
  std::lock_guard<std::mutex> lock(pool_mu_);
  if (readers_.size() < kMaxReaders) readers_.push_back(std::move(owned));
}

Status Database::WriteTransaction(const std::function<Status(Connection&)>& body) {
  Result<Lease> lease = Writer();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  if (Status s = c.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  Status s = body(c);
  if (s.ok()) s = c.Exec("COMMIT");
  if (!s.ok()) c.Exec("ROLLBACK");
  return s;
}

}  // namespace srclink::sqlite
