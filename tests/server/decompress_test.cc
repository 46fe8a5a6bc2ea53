// Bounded decompression of request bodies: whole streams only — a truncated
// gzip or zstd body is corrupt, never a shorter body.
#include "server/decompress.h"

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <string>

namespace srclink::server {
namespace {

std::string Gzip(const std::string& text) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, text.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Outcome(const Decompressed& d) {
  switch (d.outcome) {
    case Decompressed::Outcome::kOk:
      return "ok:" + d.data;
    case Decompressed::Outcome::kTooLarge:
      return "too large";
    case Decompressed::Outcome::kCorrupt:
      return "corrupt";
  }
  return "?";
}

TEST(DecompressTest, Gzip) {
  const std::string one = Gzip("hello, "), two = Gzip("world");
  EXPECT_EQ(Outcome(DecompressGzip(one, 100)), "ok:hello, ");
  EXPECT_EQ(Outcome(DecompressGzip(one + two, 100)), "ok:hello, world");  // two members
  EXPECT_EQ(Outcome(DecompressGzip(Gzip(""), 100)), "ok:");
  EXPECT_EQ(Outcome(DecompressGzip(one.substr(0, one.size() - 3), 100)), "corrupt");
  EXPECT_EQ(Outcome(DecompressGzip(one.substr(0, 12), 100)), "corrupt");
  EXPECT_EQ(Outcome(DecompressGzip(std::string("\x1f\x8b\x08\x00garbage", 11), 100)), "corrupt");
  EXPECT_EQ(Outcome(DecompressGzip("", 100)), "corrupt");
  EXPECT_EQ(Outcome(DecompressGzip(one + "junk", 100)), "corrupt");
  EXPECT_EQ(Outcome(DecompressGzip(Gzip(std::string(1000, 'a')), 999)), "too large");
  EXPECT_EQ(Outcome(DecompressGzip(Gzip(std::string(1 << 20, 'a')), 1 << 20)).size(),
            3u + (1u << 20));
}

TEST(DecompressTest, Zstd) {
  const std::string text = "hello, world";
  std::string frame(ZSTD_compressBound(text.size()), '\0');
  frame.resize(ZSTD_compress(frame.data(), frame.size(), text.data(), text.size(), 1));
  EXPECT_EQ(Outcome(DecompressZstd(frame, 100)), "ok:hello, world");
  EXPECT_EQ(Outcome(DecompressZstd(frame + frame, 100)), "ok:hello, worldhello, world");
  EXPECT_EQ(Outcome(DecompressZstd(frame.substr(0, frame.size() - 2), 100)), "corrupt");
  EXPECT_EQ(Outcome(DecompressZstd(frame, 5)), "too large");
}

}  // namespace
}  // namespace srclink::server
