#include <string_view>

#include "store/postgres_store.h"
#include "store/sqlite_store.h"
#include "store/store.h"

namespace srclink {

Result<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  std::string_view u = url;
  if (u.starts_with("postgres://") || u.starts_with("postgresql://")) return OpenPostgresStore(url);
  return OpenSqliteStore(url);
}

}  // namespace srclink
