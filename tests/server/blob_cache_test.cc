#include "server/blob_cache.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <string>
#include <thread>
#include <vector>

#include "read_fake_store.h"

namespace srclink::server {
namespace {

using readtest::FakeStore;

std::string Compress(const std::string& text) {
  std::string frame(ZSTD_compressBound(text.size()), '\0');
  frame.resize(ZSTD_compress(frame.data(), frame.size(), text.data(), text.size(), 1));
  return frame;
}

TEST(BlobCacheTest, LoadsOnceAndSplitsLines) {
  FakeStore store;
  store.PutText("aa", "one\ntwo\r\nthree");
  BlobCache cache(&store, 1 << 20);
  Result<std::shared_ptr<const FileLines>> a = cache.Get("aa");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ((*a)->size(), 3u);
  EXPECT_EQ((*a)->line(2), "two");
  EXPECT_EQ((*a)->line(3), "three");
  Result<std::shared_ptr<const FileLines>> again = cache.Get("aa");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(a->get(), again->get());
  EXPECT_EQ(store.blob_reads.load(), 1);
  EXPECT_EQ(cache.entries(), 1u);
}

// Reads mark blobs used to the hour only: a blob used earlier in the same hour
// costs the store no write.
TEST(BlobCacheTest, TouchesToTheHour) {
  struct RecordingStore : FakeStore {
    Result<StoredBlob> GetBlob(std::string_view blob_id, int64_t now) override {
      nows.push_back(now);
      return FakeStore::GetBlob(blob_id, now);
    }
    std::vector<int64_t> nows;
  };
  RecordingStore store;
  store.PutText("aa", "a\n");
  store.PutText("bb", "b\n");
  BlobCache cache(&store, 1 << 20, [] { return int64_t{7 * 3600 + 1234}; });
  ASSERT_TRUE(cache.Get("aa").ok());
  BlobCache exact(&store, 1 << 20, [] { return int64_t{3 * 3600}; });
  ASSERT_TRUE(exact.Get("bb").ok());
  BlobCache never(&store, 1 << 20);
  ASSERT_TRUE(never.Get("bb").ok());
  EXPECT_EQ(store.nows, (std::vector<int64_t>{7 * 3600, 3 * 3600, 0}));
}

TEST(BlobCacheTest, MissingContentsSayWhatToDo) {
  FakeStore store;
  BlobCache cache(&store, 1 << 20);
  Result<std::shared_ptr<const FileLines>> r =
      cache.Get("0123456789012345678901234567890123456789");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  EXPECT_NE(r.status().message().find("without --no-contents"), std::string::npos);
}

TEST(BlobCacheTest, EvictsByBytes) {
  FakeStore store;
  const std::string big(10000, 'x');
  for (int i = 0; i < 10; ++i) store.PutText("b" + std::to_string(i), big);
  BlobCache cache(&store, 35000);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(cache.Get("b" + std::to_string(i)).ok());
  EXPECT_LE(cache.bytes(), 35000u);
  EXPECT_EQ(cache.entries(), 3u);
  ASSERT_TRUE(cache.Get("b9").ok());  // recent: kept
  EXPECT_EQ(store.blob_reads.load(), 10);
  ASSERT_TRUE(cache.Get("b0").ok());  // evicted: read again
  EXPECT_EQ(store.blob_reads.load(), 11);
}

TEST(BlobCacheTest, FileLargerThanBudgetIsServedNotKept) {
  FakeStore store;
  store.PutText("huge", std::string(5000, 'y'));
  BlobCache cache(&store, 1000);
  ASSERT_TRUE(cache.Get("huge").ok());
  EXPECT_EQ(cache.entries(), 0u);
}

TEST(BlobCacheTest, CorruptContentsAreInternalErrors) {
  EXPECT_FALSE(DecompressBlob("x", "not zstd", 8).ok());
  const std::string frame = Compress("hello world");
  EXPECT_TRUE(DecompressBlob("x", frame, 11).ok());
  Result<std::string> wrong = DecompressBlob("x", frame, 5);  // capped at the stored size
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), Status::Code::kInternal);
  EXPECT_NE(wrong.status().message().find("blob x"), std::string::npos);
  EXPECT_FALSE(DecompressBlob("x", frame, -1).ok());
}

TEST(BlobCacheTest, ConcurrentReaders) {
  FakeStore store;
  for (int i = 0; i < 20; ++i) store.PutText("c" + std::to_string(i), "line\n" + std::to_string(i));
  BlobCache cache(&store, 2000);
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        int k = (i * 7 + t) % 20;
        auto r = cache.Get("c" + std::to_string(k));
        if (!r.ok() || (*r)->line(2) != std::to_string(k)) bad++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_LE(cache.bytes(), 2000u);
}

}  // namespace
}  // namespace srclink::server
