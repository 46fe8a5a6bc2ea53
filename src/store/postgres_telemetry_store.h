// PostgresTelemetryStore: the TelemetryStore on PostgreSQL (libpq), for
// several `srclink serve` processes flushing into one database: every write
// is a multi-row INSERT … ON CONFLICT DO UPDATE of deltas, so concurrent
// flushes add up without coordination.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "store/telemetry_store.h"

namespace srclink {

// `url` is a libpq connection URI. Errors never repeat its password.
// Connects once (a bad URL fails here). Does not migrate.
Result<std::unique_ptr<TelemetryStore>> OpenPostgresTelemetryStore(const std::string& url,
                                                                   size_t max_events_per_group);

}  // namespace srclink
