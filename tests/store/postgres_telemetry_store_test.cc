// PostgresTelemetryStore: the shared TelemetryStoreSuite on a throwaway
// PostgreSQL cluster (one fresh database per test), plus what only
// PostgreSQL has: concurrent migrations from several servers and errors
// without the password. A cluster that cannot start fails every test.
#include "store/postgres_telemetry_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "postgres_harness.h"
#include "telemetry_store_suite.h"

namespace srclink {
namespace {

using testing::PostgresHarness;

PostgresHarness* g_cluster = nullptr;
std::string g_cluster_error;
std::string g_current_url;

class TelemetryPostgresEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    Result<std::unique_ptr<PostgresHarness>> h = PostgresHarness::Start();
    if (!h.ok()) {
      g_cluster_error = h.status().ToString();
      ADD_FAILURE() << g_cluster_error;
      return;
    }
    harness_ = std::move(h).value();
    g_cluster = harness_.get();
  }
  void TearDown() override {
    g_cluster = nullptr;
    harness_.reset();
  }

 private:
  std::unique_ptr<PostgresHarness> harness_;
};

const ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new TelemetryPostgresEnvironment);

void FailFatally(const std::string& message) { FAIL() << message; }

std::unique_ptr<TelemetryStore> OpenUrl(const std::string& url) {
  if (url.empty()) return nullptr;
  Result<std::unique_ptr<TelemetryStore>> store =
      OpenTelemetryStore(url, TelemetryStoreSuite::kMaxEvents);
  if (!store.ok()) {
    FailFatally(store.status().ToString());
    return nullptr;
  }
  return std::move(store).value();
}

std::string FreshUrl() {
  if (g_cluster == nullptr) {
    FailFatally("PostgreSQL test cluster is not running: " + g_cluster_error);
    return "";
  }
  Result<std::string> url = g_cluster->CreateDatabase();
  if (!url.ok()) {
    FailFatally(url.status().ToString());
    return "";
  }
  return *url;
}

INSTANTIATE_TEST_SUITE_P(Postgres, TelemetryStoreSuite,
                         ::testing::Values(TelemetryStoreBackend{
                             "postgres", [] { return OpenUrl(g_current_url = FreshUrl()); },
                             [] { return OpenUrl(g_current_url); }}),
                         [](const auto& info) { return info.param.name; });

TEST(PostgresTelemetryStoreTest, ConcurrentMigrationsFromSeveralServers) {
  const std::string url = FreshUrl();
  ASSERT_FALSE(url.empty());
  constexpr int kServers = 4;
  std::vector<std::unique_ptr<TelemetryStore>> stores;
  for (int i = 0; i < kServers; ++i) {
    stores.push_back(OpenUrl(url));
    ASSERT_NE(stores.back(), nullptr);
  }
  std::vector<Status> results(kServers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kServers; ++i) {
    threads.emplace_back([&, i] { results[i] = stores[i]->Migrate(); });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  Status s = g_cluster->Execute(url.substr(url.rfind('/') + 1),
                                "DO $$ BEGIN IF (SELECT count(*) FROM telemetry_schema_version) "
                                "<> 3 THEN RAISE EXCEPTION 'duplicate migration'; END IF; END $$");
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(PostgresTelemetryStoreTest, WrongPasswordIsAClearErrorWithoutThePassword) {
  ASSERT_NE(g_cluster, nullptr) << g_cluster_error;
  const std::string secret = "Wr0ngTelemetrySecret";
  const std::string where = "127.0.0.1:" + std::to_string(g_cluster->port()) + "/srclink";
  Result<std::unique_ptr<TelemetryStore>> store =
      OpenTelemetryStore("postgresql://postgres:" + secret + "@" + where);
  ASSERT_FALSE(store.ok());
  const std::string msg = store.status().ToString();
  EXPECT_EQ(store.status().code(), Status::Code::kUnavailable) << msg;
  EXPECT_NE(msg.find("cannot connect to postgres " + where), std::string::npos) << msg;
  EXPECT_NE(msg.find("password authentication failed"), std::string::npos) << msg;
  EXPECT_EQ(msg.find(secret), std::string::npos) << msg;
}

TEST(PostgresTelemetryStoreTest, InvalidUriIsAnInvalidArgument) {
  Result<std::unique_ptr<TelemetryStore>> store =
      OpenTelemetryStore("postgres://u:pw-not-shown@127.0.0.1:5432/db?nosuchoption=1");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kInvalidArgument) << store.status().ToString();
  EXPECT_EQ(store.status().message().find("pw-not-shown"), std::string::npos);
}

}  // namespace
}  // namespace srclink
