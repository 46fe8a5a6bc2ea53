#include "store/pg_connection.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

namespace srclink::pg {

int64_t ToInt64(const char* s) { return std::strtoll(s, nullptr, 10); }

std::string TrimNewline(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

void AppendArrayElement(std::string& array, std::string_view s) {
  if (array.size() > 1) array += ',';
  array += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') array += '\\';
    array += c;
  }
  array += '"';
}

Result<std::unique_ptr<Pool>> Pool::Create(const std::string& url, int max_connections) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
  if (opts == nullptr) {
    // libpq's parse errors quote no part of the URI, so no password.
    std::string msg = err ? TrimNewline(err) : "out of memory";
    if (err) PQfreemem(err);
    return Status::InvalidArgument("invalid PostgreSQL connection URI: " + msg);
  }
  std::string host, port, dbname, user, password;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (!o->val) continue;
    std::string_view k(o->keyword);
    if (k == "host") host = o->val;
    if (k == "hostaddr" && host.empty()) host = o->val;
    if (k == "port") port = o->val;
    if (k == "dbname") dbname = o->val;
    if (k == "user") user = o->val;
    if (k == "password") password = o->val;
  }
  PQconninfoFree(opts);
  if (host.empty()) host = "localhost";
  if (port.empty()) port = "5432";
  if (dbname.empty()) dbname = user;
  return std::unique_ptr<Pool>(
      new Pool(url, password, host + ":" + port + "/" + dbname, max_connections));
}

Pool::~Pool() {
  for (PGconn* c : idle_) PQfinish(c);
}

std::string Pool::Scrub(std::string message) const {
  if (password_.empty()) return message;
  size_t pos;
  while ((pos = message.find(password_)) != std::string::npos) {
    message.replace(pos, password_.size(), "***");
  }
  return message;
}

Status Pool::Error(const std::string& what, PGconn* conn, const PGresult* res) const {
  std::string msg = TrimNewline(res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
  if (msg.empty()) msg = TrimNewline(PQerrorMessage(conn));
  msg = Scrub("postgres " + where_ + ": " + what + ": " + msg);
  if (PQstatus(conn) != CONNECTION_OK) return Status::Unavailable(msg);
  return Status::Internal(msg);
}

Result<PGconn*> Pool::Connect() const {
  PGconn* conn = PQconnectdb(url_.c_str());
  if (conn == nullptr) return Status::Unavailable("postgres " + where_ + ": out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = TrimNewline(PQerrorMessage(conn));
    PQfinish(conn);
    return Status::Unavailable(Scrub("cannot connect to postgres " + where_ + ": " + msg));
  }
  PGresult* r = PQexec(conn,
                       "SET bytea_output = 'hex'; SET client_min_messages = warning; "
                       "SET client_encoding = 'UTF8'");
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!ok) {
    std::string msg = TrimNewline(PQerrorMessage(conn));
    PQfinish(conn);
    return Status::Unavailable(Scrub("postgres " + where_ + ": session setup: " + msg));
  }
  return conn;
}

Result<std::unique_ptr<Conn>> Pool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_connections_; });
  if (!idle_.empty()) {
    PGconn* c = idle_.back();
    idle_.pop_back();
    return std::make_unique<Conn>(this, c);
  }
  ++open_;
  lock.unlock();
  Result<PGconn*> c = Connect();
  if (!c.ok()) {
    lock.lock();
    --open_;
    cv_.notify_one();
    return c.status();
  }
  return std::make_unique<Conn>(this, *c);
}

void Pool::Release(PGconn* conn) {
  bool healthy = PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE;
  if (!healthy) PQfinish(conn);
  std::lock_guard<std::mutex> lock(mu_);
  if (healthy) {
    idle_.push_back(conn);
  } else {
    --open_;
  }
  cv_.notify_one();
}

Status Pool::InTransaction(const std::function<Status(Conn&)>& body) {
  for (int attempt = 0;; ++attempt) {
    Result<std::unique_ptr<Conn>> conn = Acquire();
    if (!conn.ok()) return conn.status();
    Conn& c = **conn;
    Result<PgResult> begin = c.Exec("BEGIN");
    if (!begin.ok()) return begin.status();
    Status s = body(c);
    if (s.ok()) {
      Result<PgResult> commit = c.Exec("COMMIT");
      if (commit.ok()) return s;
      s = commit.status();
    }
    // Roll back (a failed COMMIT already ended the transaction).
    if (PQtransactionStatus(c.raw()) != PQTRANS_IDLE) PQclear(PQexec(c.raw(), "ROLLBACK"));
    bool retry = s.message().find("could not serialize") != std::string::npos ||
                 s.message().find("deadlock detected") != std::string::npos;
    if (!retry || attempt >= 4) return s;
  }
}

Conn::~Conn() { pool_->Release(conn_); }

Result<PgResult> Conn::Exec(const char* sql, const std::vector<Param>& params, bool binary_result) {
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const Param& p : params) {
    values.push_back(p.null ? nullptr : p.value.c_str());
    lengths.push_back(static_cast<int>(p.value.size()));
    formats.push_back(p.binary ? 1 : 0);
  }
  PgResult res(PQexecParams(conn_, sql, static_cast<int>(params.size()), nullptr, values.data(),
                            lengths.data(), formats.data(), binary_result ? 1 : 0));
  ExecStatusType st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    return pool_->Error("query failed", conn_, res.get());
  }
  return res;
}

Status Conn::Copy(const char* copy_sql, const std::string& data) {
  PgResult res(PQexec(conn_, copy_sql));
  if (!res || PQresultStatus(res.get()) != PGRES_COPY_IN) {
    return pool_->Error("COPY failed", conn_, res.get());
  }
  constexpr size_t kChunk = 1 << 20;
  for (size_t off = 0; off < data.size(); off += kChunk) {
    size_t n = std::min(kChunk, data.size() - off);
    if (PQputCopyData(conn_, data.data() + off, static_cast<int>(n)) != 1) {
      return pool_->Error("COPY failed", conn_, nullptr);
    }
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) return pool_->Error("COPY failed", conn_, nullptr);
  Status s;
  while (PGresult* r = PQgetResult(conn_)) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && s.ok()) s = pool_->Error("COPY failed", conn_, r);
    PQclear(r);
  }
  return s;
}

}  // namespace srclink::pg
