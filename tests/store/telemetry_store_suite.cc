#include "telemetry_store_suite.h"

#include <map>
#include <string>
#include <thread>
#include <vector>

namespace srclink {
namespace {

ErrorGroupDelta Delta(std::string fingerprint, int64_t first, int64_t last, int64_t count,
                      std::string service = "shop", std::string environment = "prod") {
  ErrorGroupDelta d;
  d.service = std::move(service);
  d.environment = std::move(environment);
  d.fingerprint = std::move(fingerprint);
  d.type = "ValueError";
  d.message = "bad value at " + std::to_string(last);
  d.language = "python";
  d.first_seen = first;
  d.last_seen = last;
  d.count = count;
  return d;
}

CodeOriginDelta Origin(std::string resource, int64_t first, int64_t last, int64_t count,
                       std::string service = "shop") {
  CodeOriginDelta d;
  d.service = std::move(service);
  d.environment = "prod";
  d.resource = std::move(resource);
  d.version = "v" + std::to_string(last);
  d.file = "app/handlers.py";
  d.line = static_cast<int>(last);
  d.column = 5;
  d.function = "handle";
  d.type = "Handlers";
  d.repository_url = "https://github.com/acme/shop";
  d.commit_sha = std::string(40, 'a');
  d.count = count;
  d.errors = 1;
  d.first_seen = first;
  d.last_seen = last;
  d.latest_trace_id = "trace-" + std::to_string(last);
  return d;
}

// "fingerprint:count" of each group, in order.
std::string Dump(const std::vector<ErrorGroup>& groups) {
  std::string out;
  for (const ErrorGroup& g : groups) {
    if (!out.empty()) out += ' ';
    out += g.fingerprint + ":" + std::to_string(g.count);
  }
  return out;
}

std::vector<ErrorGroup> List(TelemetryStore& store, const ErrorGroupFilter& filter = {}) {
  Result<std::vector<ErrorGroup>> groups = store.ListErrorGroups(filter);
  EXPECT_TRUE(groups.ok()) << groups.status().ToString();
  return groups.ok() ? *groups : std::vector<ErrorGroup>();
}

int64_t IdOf(TelemetryStore& store, const std::string& fingerprint) {
  for (const ErrorGroup& g : List(store)) {
    if (g.fingerprint == fingerprint) return g.id;
  }
  ADD_FAILURE() << "no group " << fingerprint;
  return -1;
}

}  // namespace
}  // namespace srclink

using namespace srclink;  // NOLINT: test file

void TelemetryStoreSuite::SetUp() {
  store_ = GetParam().open();
  ASSERT_NE(store_, nullptr) << "backend " << GetParam().name << " did not open";
  Status s = store_->Migrate();
  ASSERT_TRUE(s.ok()) << s.ToString();
}

TEST_P(TelemetryStoreSuite, CreatesAndMergesGroups) {
  ASSERT_TRUE(store_->AddErrors({Delta("aaaa", 100, 200, 3), Delta("bbbb", 50, 60, 1)}).ok());
  // An older delta arriving later: counts add, bounds widen, the message stays the newest's.
  ErrorGroupDelta older = Delta("aaaa", 10, 150, 2);
  older.type = "OldError";
  older.language = "";
  ASSERT_TRUE(store_->AddErrors({older}).ok());
  std::vector<ErrorGroup> groups = List(*store_);
  EXPECT_EQ(Dump(groups), "aaaa:5 bbbb:1");
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].first_seen, 10);
  EXPECT_EQ(groups[0].last_seen, 200);
  EXPECT_EQ(groups[0].type, "ValueError");
  EXPECT_EQ(groups[0].message, "bad value at 200");
  EXPECT_EQ(groups[0].language, "python");
  EXPECT_EQ(groups[0].service, "shop");
  EXPECT_EQ(groups[0].environment, "prod");
  // A newer one replaces type and message.
  ErrorGroupDelta newer = Delta("aaaa", 300, 400, 1);
  newer.type = "KeyError";
  ASSERT_TRUE(store_->AddErrors({newer}).ok());
  Result<ErrorGroup> g = store_->GetErrorGroup(groups[0].id);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->count, 6);
  EXPECT_EQ(g->first_seen, 10);
  EXPECT_EQ(g->last_seen, 400);
  EXPECT_EQ(g->type, "KeyError");
  EXPECT_EQ(g->message, "bad value at 400");
  EXPECT_EQ(g->id, groups[0].id);  // ids are stable
}

TEST_P(TelemetryStoreSuite, SameGroupTwiceInOneCall) {
  ErrorGroupDelta a = Delta("aaaa", 100, 200, 3);
  a.versions = {{"1.0", 3}};
  a.events = {R"({"n":1})"};
  ErrorGroupDelta b = Delta("aaaa", 50, 150, 2);
  b.type = "Older";
  b.versions = {{"1.0", 1}, {"0.9", 1}};
  b.events = {R"({"n":0})"};
  ASSERT_TRUE(store_->AddErrors({a, b}).ok());
  std::vector<ErrorGroup> groups = List(*store_);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].count, 5);
  EXPECT_EQ(groups[0].first_seen, 50);
  EXPECT_EQ(groups[0].type, "ValueError");
  ASSERT_EQ(groups[0].versions.size(), 2u);
  EXPECT_EQ(groups[0].versions[0].version, "1.0");
  EXPECT_EQ(groups[0].versions[0].count, 4);
  Result<std::vector<std::string>> events = store_->ListErrorEvents(groups[0].id, 10);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(*events, (std::vector<std::string>{R"({"n":1})", R"({"n":0})"}));
}

TEST_P(TelemetryStoreSuite, VersionsWithCounts) {
  ErrorGroupDelta d1 = Delta("aaaa", 100, 200, 4);
  d1.versions = {{"1.0", 3}, {"", 1}};
  ErrorGroupDelta d2 = Delta("aaaa", 300, 400, 5);
  d2.versions = {{"1.1", 2}, {"1.0", 3}};
  ASSERT_TRUE(store_->AddErrors({d1}).ok());
  ASSERT_TRUE(store_->AddErrors({d2}).ok());
  Result<ErrorGroup> g = store_->GetErrorGroup(IdOf(*store_, "aaaa"));
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  std::string dump;
  for (const ErrorVersion& v : g->versions) {
    dump += "[" + v.version + "]" + std::to_string(v.count) + "@" + std::to_string(v.first_seen) +
            "-" + std::to_string(v.last_seen) + " ";
  }
  // Newest last_seen first; ties by version.
  EXPECT_EQ(dump, "[1.0]6@100-400 [1.1]2@300-400 []1@100-200 ");
}

TEST_P(TelemetryStoreSuite, KeepsTheNewestEventsNewestFirst) {
  ASSERT_EQ(kMaxEvents, 3u);
  ErrorGroupDelta d1 = Delta("aaaa", 100, 200, 2);
  d1.events = {R"({"e":1})", R"({"e":2})"};
  ErrorGroupDelta d2 = Delta("aaaa", 300, 400, 2);
  d2.events = {R"({"e":3})", R"({"e":4})"};
  ErrorGroupDelta late = Delta("aaaa", 10, 20, 1);  // older than all: dropped by the cap
  late.events = {R"({"e":0})"};
  ASSERT_TRUE(store_->AddErrors({d1}).ok());
  ASSERT_TRUE(store_->AddErrors({d2}).ok());
  ASSERT_TRUE(store_->AddErrors({late}).ok());
  int64_t id = IdOf(*store_, "aaaa");
  Result<std::vector<std::string>> events = store_->ListErrorEvents(id, 10);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(*events, (std::vector<std::string>{R"({"e":4})", R"({"e":3})", R"({"e":2})"}));
  events = store_->ListErrorEvents(id, 1);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(*events, (std::vector<std::string>{R"({"e":4})"}));
  // More events in one delta than the cap.
  ErrorGroupDelta many = Delta("bbbb", 1, 2, 5);
  for (int i = 0; i < 5; ++i) many.events.push_back("{\"m\":" + std::to_string(i) + "}");
  ASSERT_TRUE(store_->AddErrors({many}).ok());
  events = store_->ListErrorEvents(IdOf(*store_, "bbbb"), 10);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(*events, (std::vector<std::string>{R"({"m":4})", R"({"m":3})", R"({"m":2})"}));
  events = store_->ListErrorEvents(987654, 10);
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(events->empty());
}

TEST_P(TelemetryStoreSuite, FiltersEveryField) {
  ErrorGroupDelta a = Delta("aaaa", 100, 200, 1, "shop", "prod");
  a.type = "ValueError";
  a.message = "Invalid Coupon";
  a.versions = {{"1.0", 1}};
  ErrorGroupDelta b = Delta("bbbb", 300, 400, 1, "shop", "staging");
  b.type = "KeyError";
  b.message = "missing 'user'";
  b.versions = {{"2.0", 1}};
  ErrorGroupDelta c = Delta("cccc", 500, 600, 1, "cart", "prod");
  c.type = "TimeoutError";
  c.message = "upstream timed out";
  c.versions = {{"1.0", 1}};
  ASSERT_TRUE(store_->AddErrors({a, b, c}).ok());

  struct Case {
    ErrorGroupFilter filter;
    std::string want;
  };
  auto F = [](auto&& set) {
    ErrorGroupFilter f;
    set(f);
    return f;
  };
  const Case cases[] = {
      {ErrorGroupFilter{}, "cccc:1 bbbb:1 aaaa:1"},
      {F([](auto& f) { f.service = "shop"; }), "bbbb:1 aaaa:1"},
      {F([](auto& f) { f.service = "nope"; }), ""},
      {F([](auto& f) { f.environment = "prod"; }), "cccc:1 aaaa:1"},
      {F([](auto& f) { f.version = "1.0"; }), "cccc:1 aaaa:1"},
      {F([](auto& f) { f.version = "2.0"; }), "bbbb:1"},
      {F([](auto& f) { f.query = "coupon"; }), "aaaa:1"},    // message, case-insensitive
      {F([](auto& f) { f.query = "KEYERR"; }), "bbbb:1"},    // type
      {F([](auto& f) { f.query = "'user'"; }), "bbbb:1"},    // quotes are literal
      {F([](auto& f) { f.query = "%"; }), ""},               // not a pattern
      {F([](auto& f) { f.since = 400; }), "cccc:1 bbbb:1"},  // last_seen >= since
      {F([](auto& f) { f.until = 300; }), "bbbb:1 aaaa:1"},  // first_seen <= until
      {F([](auto& f) { f.limit = 2; }), "cccc:1 bbbb:1"},
      {F([](auto& f) { f.limit = 0; }), ""},
      {F([](auto& f) {
         f.service = "shop";
         f.environment = "prod";
         f.version = "1.0";
         f.query = "value";
         f.since = 150;
         f.until = 150;
       }),
       "aaaa:1"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Dump(List(*store_, c.filter)), c.want)
        << "service=" << c.filter.service << " env=" << c.filter.environment
        << " version=" << c.filter.version << " query=" << c.filter.query
        << " since=" << c.filter.since << " until=" << c.filter.until
        << " limit=" << c.filter.limit;
  }
  std::vector<ErrorGroup> groups = List(*store_, F([](auto& f) { f.service = "cart"; }));
  ASSERT_EQ(groups.size(), 1u);
  ASSERT_EQ(groups[0].versions.size(), 1u);
  EXPECT_EQ(groups[0].versions[0].version, "1.0");
}

TEST_P(TelemetryStoreSuite, GetErrorGroupNotFound) {
  Result<ErrorGroup> g = store_->GetErrorGroup(424242);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(g.status().message(),
            "no error group has the id 424242; list them with GET /api/v1/errors");
}

TEST_P(TelemetryStoreSuite, CodeOriginsMerge) {
  ASSERT_TRUE(store_
                  ->AddCodeOrigins({Origin("GET /users/:id", 100, 200, 10),
                                    Origin("POST /cart", 100, 150, 30, "cart")})
                  .ok());
  CodeOriginDelta older = Origin("GET /users/:id", 50, 120, 5);
  older.file = "app/old.py";
  CodeOriginDelta newer = Origin("GET /users/:id", 300, 400, 40);
  newer.repository_url = "";  // no git tags on the newest span: the known ones stay
  newer.commit_sha = "";
  ASSERT_TRUE(store_->AddCodeOrigins({older}).ok());
  ASSERT_TRUE(store_->AddCodeOrigins({newer}).ok());
  Result<std::vector<CodeOrigin>> all = store_->ListCodeOrigins("", 10);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  const CodeOrigin& o = (*all)[0];  // most requests first
  EXPECT_EQ(o.resource, "GET /users/:id");
  EXPECT_EQ(o.count, 55);
  EXPECT_EQ(o.errors, 3);
  EXPECT_EQ(o.first_seen, 50);
  EXPECT_EQ(o.last_seen, 400);
  EXPECT_EQ(o.version, "v400");
  EXPECT_EQ(o.file, "app/handlers.py");
  EXPECT_EQ(o.line, 400);
  EXPECT_EQ(o.column, 5);
  EXPECT_EQ(o.function, "handle");
  EXPECT_EQ(o.type, "Handlers");
  EXPECT_EQ(o.repository_url, "https://github.com/acme/shop");
  EXPECT_EQ(o.commit_sha, std::string(40, 'a'));
  EXPECT_EQ(o.latest_trace_id, "trace-400");
  EXPECT_EQ(o.environment, "prod");
  EXPECT_EQ((*all)[1].resource, "POST /cart");

  Result<std::vector<CodeOrigin>> cart = store_->ListCodeOrigins("cart", 10);
  ASSERT_TRUE(cart.ok());
  ASSERT_EQ(cart->size(), 1u);
  EXPECT_EQ((*cart)[0].service, "cart");
  Result<std::vector<CodeOrigin>> one = store_->ListCodeOrigins("", 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1u);
  // Newer tags replace older ones.
  CodeOriginDelta tagged = Origin("GET /users/:id", 500, 600, 1);
  tagged.commit_sha = std::string(40, 'b');
  ASSERT_TRUE(store_->AddCodeOrigins({tagged}).ok());
  all = store_->ListCodeOrigins("shop", 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].commit_sha, std::string(40, 'b'));
  EXPECT_EQ((*all)[0].count, 56);
}

TEST_P(TelemetryStoreSuite, ServiceTagsUpsertAndLatestVersion) {
  ASSERT_TRUE(store_
                  ->PutServiceTags({{"shop", "1.0", "https://github.com/acme/shop",
                                     std::string(40, 'a'), "", 100},
                                    {"shop", "1.1", "https://github.com/acme/shop",
                                     std::string(40, 'b'), "services/shop", 200}})
                  .ok());
  // An older report for 1.1 does not replace the newer one; a newer one does.
  ASSERT_TRUE(
      store_->PutServiceTags({{"shop", "1.1", "https://github.com/acme/old", "old", "", 150}})
          .ok());
  Result<ServiceTags> t = store_->GetServiceTags("shop", "1.1");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->commit, std::string(40, 'b'));
  EXPECT_EQ(t->root_path, "services/shop");
  EXPECT_EQ(t->last_seen, 200);
  t = store_->GetServiceTags("shop", "");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->version, "1.1");
  ASSERT_TRUE(
      store_->PutServiceTags({{"shop", "1.0", "https://github.com/acme/shop", "main", "", 300}})
          .ok());
  t = store_->GetServiceTags("shop", "");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->version, "1.0");
  EXPECT_EQ(t->commit, "main");
  t = store_->GetServiceTags("shop", "1.0");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->last_seen, 300);

  Result<ServiceTags> missing = store_->GetServiceTags("cart", "");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(missing.status().message(),
            "no git tags were learnt for service 'cart'; send telemetry with git tags "
            "(DD_GIT_*, vcs.*)");
  missing = store_->GetServiceTags("shop", "9.9");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            "no git tags were learnt for service 'shop' at version '9.9'; send telemetry with "
            "git tags (DD_GIT_*, vcs.*)");
}

TEST_P(TelemetryStoreSuite, ListServices) {
  Result<std::vector<ServiceSummary>> services = store_->ListServices();
  ASSERT_TRUE(services.ok()) << services.status().ToString();
  EXPECT_TRUE(services->empty());
  ASSERT_TRUE(store_
                  ->AddErrors({Delta("aaaa", 1, 100, 1, "shop"), Delta("bbbb", 1, 300, 1, "shop"),
                               Delta("cccc", 1, 50, 1, "cart")})
                  .ok());
  ASSERT_TRUE(store_->AddCodeOrigins({Origin("GET /", 1, 500, 1, "shop")}).ok());
  ASSERT_TRUE(
      store_->PutServiceTags({{"auth", "", "https://github.com/acme/auth", "x", "", 7}}).ok());
  services = store_->ListServices();
  ASSERT_TRUE(services.ok()) << services.status().ToString();
  std::string dump;
  for (const ServiceSummary& s : *services) {
    dump += s.service + ":" + std::to_string(s.error_groups) + "/" +
            std::to_string(s.code_origins) + "@" + std::to_string(s.last_seen) + " ";
  }
  EXPECT_EQ(dump, "auth:0/0@7 cart:1/0@50 shop:2/1@500 ");
}

TEST_P(TelemetryStoreSuite, CollectTelemetry) {
  ErrorGroupDelta old = Delta("aaaa", 10, 20, 1);
  old.events = {"{}"};
  old.versions = {{"1.0", 1}};
  ErrorGroupDelta kept = Delta("bbbb", 10, 20, 1);
  kept.events = {R"({"old":true})"};
  ErrorGroupDelta kept_new = Delta("bbbb", 200, 300, 1);
  kept_new.events = {R"({"new":true})"};
  ASSERT_TRUE(store_->AddErrors({old, kept}).ok());
  ASSERT_TRUE(store_->AddErrors({kept_new}).ok());
  ASSERT_TRUE(
      store_->AddCodeOrigins({Origin("GET /old", 1, 20, 1), Origin("GET /new", 1, 300, 1)}).ok());
  // Gone: group aaaa, its event, bbbb's old event, origin GET /old.
  Result<int64_t> removed = store_->CollectTelemetry(100);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 4);
  EXPECT_EQ(Dump(List(*store_)), "bbbb:2");
  Result<std::vector<std::string>> events = store_->ListErrorEvents(IdOf(*store_, "bbbb"), 10);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(*events, (std::vector<std::string>{R"({"new":true})"}));
  Result<std::vector<CodeOrigin>> origins = store_->ListCodeOrigins("", 10);
  ASSERT_TRUE(origins.ok());
  ASSERT_EQ(origins->size(), 1u);
  EXPECT_EQ((*origins)[0].resource, "GET /new");
  removed = store_->CollectTelemetry(100);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 0);
  // A collected group comes back as new.
  ASSERT_TRUE(store_->AddErrors({Delta("aaaa", 500, 600, 2)}).ok());
  EXPECT_EQ(Dump(List(*store_)), "aaaa:2 bbbb:2");
  EXPECT_TRUE(List(*store_)[0].versions.empty());
}

// "hour/kHourMs:count …" of each group in `hours`, "id=" first.
std::string DumpHours(const std::map<int64_t, HourCounts>& hours) {
  std::string out;
  for (const auto& [id, counts] : hours) {
    out += std::to_string(id) + "=";
    for (const auto& [hour, count] : counts) {
      out += std::to_string(hour / kHourMs) + ":" + std::to_string(count) + " ";
    }
  }
  return out;
}

TEST_P(TelemetryStoreSuite, HourCountsAddUpAndAreReadForManyGroupsAtOnce) {
  const int64_t h = 472'222 * kHourMs;  // 2023-11-14 22:00 UTC: above 32 bits in ms
  ErrorGroupDelta a = Delta("aaaa", h, h + 2 * kHourMs, 4);
  a.hours = {{h, 1}, {h + 2 * kHourMs, 2}, {h, 1}};  // an hour twice: counts add
  ErrorGroupDelta b = Delta("bbbb", h - 30 * kHourMs, h - 30 * kHourMs, 1);
  b.hours = {{h - 30 * kHourMs, 1}};
  ErrorGroupDelta a_again = Delta("aaaa", h + kHourMs, h + 2 * kHourMs, 4);
  a_again.hours = {{h + kHourMs, 1}, {h + 2 * kHourMs, 3}};
  ASSERT_TRUE(store_->AddErrors({a, b, a_again}).ok());  // one group twice in one call
  ErrorGroupDelta later = Delta("aaaa", h + 2 * kHourMs, h + 2 * kHourMs, 5);
  later.hours = {{h + 2 * kHourMs, 5}};
  ASSERT_TRUE(store_->AddErrors({later}).ok());
  const int64_t id_a = IdOf(*store_, "aaaa");
  const int64_t id_b = IdOf(*store_, "bbbb");

  Result<std::map<int64_t, HourCounts>> hours = store_->ErrorHours({id_a, id_b, 999'999}, 0);
  ASSERT_TRUE(hours.ok()) << hours.status().ToString();
  EXPECT_EQ(DumpHours(*hours), std::to_string(id_a) + "=472222:2 472223:1 472224:10 " +
                                   std::to_string(id_b) + "=472192:1 ");
  // Only hours starting at or after `since`; b has none left.
  hours = store_->ErrorHours({id_a, id_b}, h + kHourMs);
  ASSERT_TRUE(hours.ok()) << hours.status().ToString();
  EXPECT_EQ(DumpHours(*hours), std::to_string(id_a) + "=472223:1 472224:10 ");
  hours = store_->ErrorHours({id_b}, h - 30 * kHourMs);
  ASSERT_TRUE(hours.ok());
  EXPECT_EQ(DumpHours(*hours), std::to_string(id_b) + "=472192:1 ");
  hours = store_->ErrorHours({}, 0);
  ASSERT_TRUE(hours.ok());
  EXPECT_TRUE(hours->empty());
}

TEST_P(TelemetryStoreSuite, HoursOffTheHourOrNegativeAreRefused) {
  const int64_t h = 472'222 * kHourMs;
  ErrorGroupDelta off = Delta("bbbb", h, h, 1);
  off.hours = {{h + 1, 1}};
  Status s = store_->AddErrors({Delta("aaaa", 1, 2, 1), off});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "error group bbbb of service 'shop' has counts for 1699999200001, which is not the "
            "start of an hour: give unix milliseconds that are a multiple of 3600000");
  ErrorGroupDelta negative = Delta("bbbb", h, h, 1);
  negative.hours = {{h, 2}, {h + kHourMs, -1}};
  s = store_->AddErrors({negative});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "error group bbbb of service 'shop' has a negative count -1 for the hour "
            "1700002800000");
  ErrorGroupDelta before_1970 = Delta("bbbb", h, h, 1);
  before_1970.hours = {{-kHourMs, 1}};
  EXPECT_EQ(store_->AddErrors({before_1970}).code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(List(*store_).empty());  // nothing of the failed calls was stored
}

TEST_P(TelemetryStoreSuite, CollectTelemetryForgetsHoursThatEndedBeforeTheCutoff) {
  const int64_t h = 472'222 * kHourMs;
  ErrorGroupDelta kept = Delta("aaaa", h - 3 * kHourMs, h + 10, 4);
  kept.hours = {{h - 3 * kHourMs, 1}, {h - kHourMs, 1}, {h, 2}};
  ErrorGroupDelta gone = Delta("bbbb", h - 5 * kHourMs, h - 5 * kHourMs, 1);
  // An hour after last_seen (a delta that lied) still goes with its group.
  gone.hours = {{h - 5 * kHourMs, 1}, {h, 7}};
  ASSERT_TRUE(store_->AddErrors({kept, gone}).ok());
  const int64_t id_kept = IdOf(*store_, "aaaa");
  const int64_t id_gone = IdOf(*store_, "bbbb");
  // The cutoff falls inside hour h - 1: it and h stay, h - 3 and the hours
  // of bbbb (last seen before the cutoff) go, with bbbb.
  Result<int64_t> removed = store_->CollectTelemetry(h - kHourMs + 1);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 3);  // two hour counts and group bbbb (its hour h not counted)
  Result<std::map<int64_t, HourCounts>> hours = store_->ErrorHours({id_kept, id_gone}, 0);
  ASSERT_TRUE(hours.ok()) << hours.status().ToString();
  EXPECT_EQ(DumpHours(*hours), std::to_string(id_kept) + "=472221:1 472222:2 ");
  // An hour goes once it has ended by the cutoff.
  removed = store_->CollectTelemetry(h);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1);
  hours = store_->ErrorHours({id_kept}, 0);
  ASSERT_TRUE(hours.ok());
  EXPECT_EQ(DumpHours(*hours), std::to_string(id_kept) + "=472222:2 ");
  // A collected group that comes back (perhaps with the same id) starts its
  // hours afresh.
  ErrorGroupDelta back = Delta("bbbb", h, h, 1);
  back.hours = {{h, 1}};
  ASSERT_TRUE(store_->AddErrors({back}).ok());
  hours = store_->ErrorHours({IdOf(*store_, "bbbb")}, 0);
  ASSERT_TRUE(hours.ok());
  EXPECT_EQ(DumpHours(*hours), std::to_string(IdOf(*store_, "bbbb")) + "=472222:1 ");
}

TEST_P(TelemetryStoreSuite, ProfileChunksAppendReadAndCollect) {
  auto chunk = [](std::string service, std::string type, int64_t start, int64_t end,
                  std::string commit, std::string tree) {
    ProfileChunk p;
    p.service = std::move(service);
    p.profile_type = std::move(type);
    p.labels = "env=prod,service_git_ref=main";
    p.repository_url = "https://github.com/acme/shop";
    p.commit = std::move(commit);
    p.start = start;
    p.end = end;
    p.total = end - start;
    p.tree = std::move(tree);
    p.lines = std::string("\0lines\xff", 7);
    return p;
  };
  const int64_t t = 1'700'000'000'000;  // ms: above 32 bits
  ASSERT_TRUE(store_
                  ->AddProfiles({chunk("shop", "cpu:nanoseconds", t, t + 10'000, "aaaa", "one"),
                                 chunk("shop", "cpu:nanoseconds", t + 10'000, t + 20'000, "bbbb",
                                       std::string("t\0wo", 4)),
                                 chunk("shop", "alloc_space:bytes", t, t + 10'000, "aaaa", "x"),
                                 chunk("auth", "wall:nanoseconds", t, t + 10'000, "", "y")})
                  .ok());
  Result<std::vector<ProfileSeriesInfo>> series = store_->ListProfileSeries();
  ASSERT_TRUE(series.ok()) << series.status().ToString();
  std::string listed;
  for (const auto& s : *series) {
    listed += s.service + "/" + s.profile_type + ":" + std::to_string(s.chunks) + ":" +
              std::to_string(s.last - s.first) + " ";
  }
  EXPECT_EQ(listed,
            "auth/wall:nanoseconds:1:10000 shop/alloc_space:bytes:1:10000 "
            "shop/cpu:nanoseconds:2:20000 ");

  ProfileQuery q;
  q.service = "shop";
  q.profile_type = "cpu:nanoseconds";
  Result<std::vector<ProfileChunk>> read = store_->ReadProfiles(q);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0].tree, std::string("t\0wo", 4));  // newest first, bytes exact
  EXPECT_EQ((*read)[0].lines, std::string("\0lines\xff", 7));
  EXPECT_EQ((*read)[0].labels, "env=prod,service_git_ref=main");
  EXPECT_EQ((*read)[0].start, t + 10'000);
  EXPECT_EQ((*read)[0].total, 10'000);
  EXPECT_EQ((*read)[1].tree, "one");
  q.from = t + 15'000;  // overlapping the range is enough
  read = store_->ReadProfiles(q);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].commit, "bbbb");
  q.from = 0;
  q.until = t + 5'000;
  read = store_->ReadProfiles(q);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].commit, "aaaa");
  q.until = 0;
  q.commit = "bbbb";
  read = store_->ReadProfiles(q);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 1u);

  ProfileChunk bad = chunk("", "cpu:nanoseconds", t, t, "", "");
  EXPECT_FALSE(store_->AddProfiles({chunk("shop", "cpu:nanoseconds", t, t, "", ""), bad}).ok());
  bad = chunk("shop", "cpu:nanoseconds", t, t - 1, "", "");
  EXPECT_FALSE(store_->AddProfiles({bad}).ok());

  Result<int64_t> removed = store_->CollectTelemetry(t + 15'000);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 3);
  series = store_->ListProfileSeries();
  ASSERT_TRUE(series.ok());
  ASSERT_EQ(series->size(), 1u);
  EXPECT_EQ((*series)[0].profile_type, "cpu:nanoseconds");
}

TEST_P(TelemetryStoreSuite, StringsRoundTripExactly) {
  std::string bytes;  // every byte but NUL that is valid UTF-8 on its own
  for (int c = 1; c < 128; ++c) bytes.push_back(static_cast<char>(c));
  const std::string unicode = "ünïcødé ✓ 日本語 🙂";
  const std::string quotes = R"(it's "quoted" \back\slash {braces}, [a,b] $1 ?1 %_ ')";
  ErrorGroupDelta d = Delta(quotes, 1, 2, 1, unicode, bytes);
  d.type = bytes;
  d.message = quotes + unicode;
  d.versions = {{quotes, 1}};
  d.events = {bytes, unicode, quotes};
  ASSERT_TRUE(store_->AddErrors({d}).ok());
  std::vector<ErrorGroup> groups = List(*store_);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].service, unicode);
  EXPECT_EQ(groups[0].environment, bytes);
  EXPECT_EQ(groups[0].fingerprint, quotes);
  EXPECT_EQ(groups[0].type, bytes);
  EXPECT_EQ(groups[0].message, quotes + unicode);
  ASSERT_EQ(groups[0].versions.size(), 1u);
  EXPECT_EQ(groups[0].versions[0].version, quotes);
  Result<std::vector<std::string>> events = store_->ListErrorEvents(groups[0].id, 10);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(*events, (std::vector<std::string>{quotes, unicode, bytes}));
  ErrorGroupFilter f;
  f.service = unicode;
  f.environment = bytes;
  f.query = "\"QUOTED\"";
  EXPECT_EQ(List(*store_, f).size(), 1u);

  CodeOriginDelta o = Origin(quotes, 1, 2, 1, unicode);
  o.file = bytes;
  o.function = unicode;
  ASSERT_TRUE(store_->AddCodeOrigins({o}).ok());
  Result<std::vector<CodeOrigin>> origins = store_->ListCodeOrigins(unicode, 10);
  ASSERT_TRUE(origins.ok());
  ASSERT_EQ(origins->size(), 1u);
  EXPECT_EQ((*origins)[0].resource, quotes);
  EXPECT_EQ((*origins)[0].file, bytes);
  ASSERT_TRUE(store_->PutServiceTags({{unicode, quotes, bytes, quotes, unicode, 1}}).ok());
  Result<ServiceTags> t = store_->GetServiceTags(unicode, quotes);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->repository_url, bytes);
  EXPECT_EQ(t->root_path, unicode);
}

TEST_P(TelemetryStoreSuite, LargeEvents) {
  std::string big = "{\"stack\":\"";
  while (big.size() < kMaxErrorEventBytes - 2) big += "frame \\\"x\\\" at line 42\\n";
  big.resize(kMaxErrorEventBytes - 2);
  big += "\"}";
  ASSERT_EQ(big.size(), kMaxErrorEventBytes);
  ErrorGroupDelta d = Delta("aaaa", 1, 2, 1);
  d.events = {big, big};
  ASSERT_TRUE(store_->AddErrors({d}).ok());
  Result<std::vector<std::string>> events = store_->ListErrorEvents(IdOf(*store_, "aaaa"), 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0], big);

  ErrorGroupDelta too_big = Delta("bbbb", 1, 2, 1);
  too_big.events = {big + " "};
  Status s = store_->AddErrors({Delta("cccc", 1, 2, 1), too_big});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "an event of error group bbbb of service 'shop' has 262145 bytes, more "
            "than the 262144 allowed");
  EXPECT_EQ(Dump(List(*store_)), "aaaa:1");  // nothing of the failed call was stored
}

TEST_P(TelemetryStoreSuite, TwoStoresWritingConcurrently) {
  std::unique_ptr<TelemetryStore> other = GetParam().open_again();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->Migrate().ok());
  constexpr int kDeltas = 50;
  auto writer = [&](TelemetryStore* store, int base) {
    for (int i = 0; i < kDeltas; ++i) {
      ErrorGroupDelta d = Delta("aaaa", base + i, base + i, 3);
      d.versions = {{"1.0", 3}};
      d.events = {"{\"i\":" + std::to_string(base + i) + "}"};
      Status s = store->AddErrors({d, Delta("bbbb", base + i, base + i, 1)});
      EXPECT_TRUE(s.ok()) << s.ToString();
      s = store->AddCodeOrigins({Origin("GET /", base + i, base + i, 2)});
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
  };
  std::thread t1(writer, store_.get(), 1000);
  std::thread t2(writer, other.get(), 2000);
  t1.join();
  t2.join();
  std::vector<ErrorGroup> groups = List(*other);
  // Both last seen at the same time: the newer group (bbbb) first.
  EXPECT_EQ(Dump(groups), "bbbb:100 aaaa:300");
  ASSERT_EQ(groups.size(), 2u);
  const ErrorGroup& a = groups[1];
  EXPECT_EQ(a.first_seen, 1000);
  EXPECT_EQ(a.last_seen, 2000 + kDeltas - 1);
  EXPECT_EQ(a.message, "bad value at " + std::to_string(2000 + kDeltas - 1));
  ASSERT_EQ(a.versions.size(), 1u);
  EXPECT_EQ(a.versions[0].count, 300);
  Result<std::vector<std::string>> events = store_->ListErrorEvents(a.id, 100);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), kMaxEvents);
  EXPECT_EQ((*events)[0], "{\"i\":" + std::to_string(2000 + kDeltas - 1) + "}");
  Result<std::vector<CodeOrigin>> origins = store_->ListCodeOrigins("shop", 10);
  ASSERT_TRUE(origins.ok());
  ASSERT_EQ(origins->size(), 1u);
  EXPECT_EQ((*origins)[0].count, 4 * kDeltas);
}

TEST_P(TelemetryStoreSuite, MigrateTwiceIsANoOp) {
  ASSERT_TRUE(store_->AddErrors({Delta("aaaa", 1, 2, 1)}).ok());
  Status s = store_->Migrate();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Dump(List(*store_)), "aaaa:1");
}

TEST_P(TelemetryStoreSuite, EmptyCallsAreNoOps) {
  EXPECT_TRUE(store_->AddErrors({}).ok());
  EXPECT_TRUE(store_->AddCodeOrigins({}).ok());
  EXPECT_TRUE(store_->PutServiceTags({}).ok());
  EXPECT_TRUE(List(*store_).empty());
}
