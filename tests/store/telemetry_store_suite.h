// TelemetryStoreSuite: the backend-independent TelemetryStore tests
// (telemetry_store.h's contract), instantiated by each backend's test file
// like StoreSuite (store_suite.h).
//
// `open` returns a fresh, empty store on a fresh database with at most
// TelemetryStoreSuite::kMaxEvents events per group (nullptr fails the test:
// a backend that cannot be opened is a failure, never a skip); `open_again`
// opens a second store on that same database (for tests of two servers). The
// suite migrates both.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "store/telemetry_store.h"

struct TelemetryStoreBackend {
  std::string name;  // a valid test-name suffix: letters, digits, '_'
  // A new database; returns the first store on it.
  std::function<std::unique_ptr<srclink::TelemetryStore>()> open;
  // Another store on the database the last open() created.
  std::function<std::unique_ptr<srclink::TelemetryStore>()> open_again;
};

// Test names print the backend's name, not its bytes.
inline void PrintTo(const TelemetryStoreBackend& backend, std::ostream* os) { *os << backend.name; }

class TelemetryStoreSuite : public ::testing::TestWithParam<TelemetryStoreBackend> {
 public:
  static constexpr size_t kMaxEvents = 3;

 protected:
  void SetUp() override;

  std::unique_ptr<srclink::TelemetryStore> store_;
};
