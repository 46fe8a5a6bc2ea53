// PostgresStore: the Store on PostgreSQL (libpq), for teams that run several
// stateless `srclink serve` processes on one database.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace srclink {

// `url` is a libpq connection URI ("postgres://user@127.0.0.1:5432/srclink").
// Errors never repeat the URI's password.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url);

}  // namespace srclink
