// SqliteTelemetryStore: the TelemetryStore on the SQLite database file the
// SqliteStore uses (its own connections, its own migrations in
// `telemetry_schema_version`, so the two never conflict).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "store/telemetry_store.h"

namespace srclink {

// `path` is a database file (created if missing) or ":memory:" (a private
// database, not the Store's). Does not migrate.
Result<std::unique_ptr<TelemetryStore>> OpenSqliteTelemetryStore(const std::string& path,
                                                                 size_t max_events_per_group);

}  // namespace srclink
