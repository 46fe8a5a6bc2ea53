// StoreSuite: the backend-independent Store tests (store.h's contract). A
// backend's test file instantiates it:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreSuite, ::testing::Values(StoreBackend{
//       "file", [] { return std::unique_ptr<srclink::Store>(...); }}),
//       [](const auto& info) { return info.param.name; });
//
// `open` returns a fresh, empty store for each test (nullptr fails the test:
// a backend that cannot be opened is a failure, never a skip); the suite
// migrates it.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "store/store.h"

struct StoreBackend {
  std::string name;  // a valid test-name suffix: letters, digits, '_'
  std::function<std::unique_ptr<srclink::Store>()> open;
};

class StoreSuite : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  std::unique_ptr<srclink::Store> store_;
};
