#include <string_view>

#include "store/postgres_telemetry_store.h"
#include "store/sqlite_telemetry_store.h"
#include "store/telemetry_store.h"

namespace srclink {

Result<std::unique_ptr<TelemetryStore>> OpenTelemetryStore(const std::string& url,
                                                           size_t max_events_per_group) {
  std::string_view u = url;
  if (u.starts_with("postgres://") || u.starts_with("postgresql://")) {
    return OpenPostgresTelemetryStore(url, max_events_per_group);
  }
  return OpenSqliteTelemetryStore(url, max_events_per_group);
}

}  // namespace srclink
