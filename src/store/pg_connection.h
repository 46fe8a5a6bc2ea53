// PostgreSQL plumbing shared by the PostgreSQL stores (postgres_store.cc,
// postgres_telemetry_store.cc): a small pool of libpq connections to one
// database, parameterised queries, transactions with retries, and errors
// that never repeat the URI's password.
//
// Thread-safety: a Pool may be used from many threads; a Conn (one pooled
// connection for one call) by one thread at a time.
#pragma once

#include <libpq-fe.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace srclink::pg {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// A query parameter: text (NUL-terminated) or binary bytes.
struct Param {
  Param(std::string_view text) : value(text) {}    // NOLINT: implicit by design
  Param(const char* text) : value(text) {}         // NOLINT
  Param(const std::string& text) : value(text) {}  // NOLINT
  Param(int64_t n) : value(std::to_string(n)) {}   // NOLINT
  static Param Binary(std::string_view bytes) {
    Param p{std::string_view(bytes)};
    p.binary = true;
    return p;
  }
  static Param Null() {
    Param p{std::string_view()};
    p.null = true;
    return p;
  }
  std::string value;
  bool binary = false;
  bool null = false;
};

int64_t ToInt64(const char* s);
// `s` without trailing newlines and spaces (libpq messages end with one).
std::string TrimNewline(std::string s);

// Appends `s` as one element of an array literal ("{a,b}"): double-quoted,
// with '"' and '\' escaped. For passing many rows as $1::text[] to unnest().
void AppendArrayElement(std::string& array, std::string_view s);

class Pool;

// One pooled connection for the duration of a call; given back when destroyed.
class Conn {
 public:
  Conn(Pool* pool, PGconn* conn) : pool_(pool), conn_(conn) {}
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  ~Conn();

  // Runs a parameterised statement. `binary_result` asks for binary columns.
  Result<PgResult> Exec(const char* sql, const std::vector<Param>& params = {},
                        bool binary_result = false);
  // COPY `copy_sql` FROM STDIN with `data` in text format.
  Status Copy(const char* copy_sql, const std::string& data);
  PGconn* raw() { return conn_; }

 private:
  Pool* pool_;
  PGconn* conn_;
};

class Pool {
 public:
  // Parses `url` (a libpq connection URI); does not connect. InvalidArgument
  // when libpq cannot parse it.
  static Result<std::unique_ptr<Pool>> Create(const std::string& url, int max_connections = 8);
  ~Pool();

  // An idle connection, or a new one when fewer than max_connections are
  // open; waits otherwise. Unavailable when the server cannot be reached.
  Result<std::unique_ptr<Conn>> Acquire();

  // Runs `body` in a transaction on one connection; retries serialization
  // failures and deadlocks (up to 5 attempts).
  Status InTransaction(const std::function<Status(Conn&)>& body);

  // "postgres HOST:PORT/DB: <what>: <libpq message>", password scrubbed;
  // Unavailable when the connection is broken, else Internal.
  Status Error(const std::string& what, PGconn* conn, const PGresult* res) const;
  // `message` with the password replaced by "***".
  std::string Scrub(std::string message) const;

  // "HOST:PORT/DB": where the pool connects, for messages (no credentials).
  const std::string& where() const { return where_; }

 private:
  friend class Conn;
  Pool(std::string url, std::string password, std::string where, int max_connections)
      : url_(std::move(url)),
        password_(std::move(password)),
        where_(std::move(where)),
        max_connections_(max_connections) {}
  Result<PGconn*> Connect() const;
  void Release(PGconn* conn);

  const std::string url_;
  const std::string password_;
  const std::string where_;
  const int max_connections_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<PGconn*> idle_;
  int open_ = 0;  // connections idle or in use
};

}  // namespace srclink::pg
