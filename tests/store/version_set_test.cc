#include "store/version_set.h"

#include <gtest/gtest.h>

#include <random>

namespace srclink {
namespace {

std::vector<uint32_t> Values(const VersionSet& set) {
  std::vector<uint32_t> out(set.cardinality());
  set.toUint32Array(out.data());
  return out;
}

TEST(VersionSetTest, SnapshotRoundTrip) {
  VersionSet set = MakeVersionSet({5, 1, 3, 3, 100000, 70000});
  Result<VersionSet> back = DecodeSnapshot(EncodeSnapshot(set));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(Values(*back), (std::vector<uint32_t>{1, 3, 5, 70000, 100000}));
}

TEST(VersionSetTest, EmptySetRoundTrips) {
  Result<VersionSet> back = DecodeSnapshot(EncodeSnapshot(VersionSet()));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->cardinality(), 0u);
  Result<VersionSetDelta> delta = DecodeDelta(EncodeDelta(VersionSetDelta()));
  ASSERT_TRUE(delta.ok()) << delta.status().ToString();
  EXPECT_EQ(delta->added.cardinality(), 0u);
}

TEST(VersionSetTest, RunsAreCompact) {
  std::vector<uint32_t> ids(500000);
  for (uint32_t i = 0; i < ids.size(); ++i) ids[i] = i + 1;
  EXPECT_LT(EncodeSnapshot(MakeVersionSet(ids)).size(), 200u);
}

TEST(VersionSetTest, DeltaRoundTripAndApply) {
  VersionSet base = MakeVersionSet({1, 2, 3, 4, 5, 1000});
  VersionSet target = MakeVersionSet({1, 2, 4, 5, 6, 7, 1000, 70000});
  VersionSetDelta delta = ComputeDelta(base, target);
  EXPECT_EQ(Values(delta.added), (std::vector<uint32_t>{6, 7, 70000}));
  EXPECT_EQ(Values(delta.removed), (std::vector<uint32_t>{3}));
  Result<VersionSetDelta> decoded = DecodeDelta(EncodeDelta(delta));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(ApplyDelta(base, *decoded) == target);
}

TEST(VersionSetTest, ChainOfRandomChanges) {
  std::mt19937 rng(7);
  std::vector<uint32_t> ids(20000);
  for (uint32_t i = 0; i < ids.size(); ++i) ids[i] = i * 3 + 1;
  VersionSet root = MakeVersionSet(ids);
  std::string snapshot = EncodeSnapshot(root);
  VersionSet current = root;
  std::vector<std::string> deltas;
  uint32_t next = 100000;
  for (int step = 0; step < 32; ++step) {
    VersionSet target = current;
    for (int k = 0; k < 10; ++k) {
      std::vector<uint32_t> values = Values(target);
      target.remove(values[rng() % values.size()]);
      target.add(next++);
    }
    VersionSetDelta delta = ComputeDelta(current, target);
    std::string encoded = EncodeDelta(delta);
    EXPECT_LT(encoded.size(), 200u);
    deltas.push_back(encoded);
    current = target;
  }
  Result<VersionSet> end = ApplyChain(snapshot, deltas);
  ASSERT_TRUE(end.ok()) << end.status().ToString();
  EXPECT_TRUE(*end == current);
  EXPECT_EQ(end->cardinality(), 20000u);
}

TEST(VersionSetTest, CorruptInputIsAnErrorNotACrash) {
  std::string snapshot = EncodeSnapshot(MakeVersionSet({1, 2, 3, 99999}));
  std::string delta = EncodeDelta(ComputeDelta(MakeVersionSet({1}), MakeVersionSet({2})));
  EXPECT_FALSE(DecodeSnapshot("").ok());
  EXPECT_FALSE(DecodeSnapshot("garbage!").ok());
  EXPECT_FALSE(DecodeSnapshot(snapshot.substr(0, snapshot.size() - 1)).ok());
  EXPECT_FALSE(DecodeSnapshot(snapshot + "x").ok());
  EXPECT_FALSE(DecodeDelta("ab").ok());
  EXPECT_FALSE(DecodeDelta(std::string("\xff\xff\xff\x7f", 4) + "xx").ok());
  EXPECT_FALSE(DecodeDelta(delta.substr(0, delta.size() - 1)).ok());
  Result<VersionSet> chain = ApplyChain(snapshot, {delta, "bad"});
  ASSERT_FALSE(chain.ok());
  EXPECT_EQ(chain.status().code(), Status::Code::kInternal);
  EXPECT_NE(chain.status().message().find("corrupt"), std::string::npos);
  // Every truncation and single-byte flip either decodes or fails cleanly.
  for (size_t i = 0; i < snapshot.size(); ++i) {
    std::string flipped = snapshot;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x5a);
    (void)DecodeSnapshot(flipped);
    (void)DecodeSnapshot(snapshot.substr(0, i));
  }
}

}  // namespace
}  // namespace srclink
