// SqliteStore: the Store on an embedded SQLite database (WAL mode), the
// default: `srclink serve --data DIR` keeps DIR/srclink.db.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace srclink {

// `path` is a database file (created if missing) or ":memory:".
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace srclink
