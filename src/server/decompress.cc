#include "server/decompress.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <memory>

namespace srclink::server {
namespace {

constexpr size_t kChunk = 64 * 1024;

Decompressed Corrupt(std::string error) {
  Decompressed d;
  d.outcome = Decompressed::Outcome::kCorrupt;
  d.error = std::move(error);
  return d;
}

Decompressed TooLarge() {
  Decompressed d;
  d.outcome = Decompressed::Outcome::kTooLarge;
  return d;
}

}  // namespace

Decompressed DecompressZstd(std::string_view input, size_t max_output) {
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!dctx) return Corrupt("out of memory creating a zstd context");
  // Windows above 128 MiB would let one frame claim that much memory.
  ZSTD_DCtx_setParameter(dctx.get(), ZSTD_d_windowLogMax, 27);
  Decompressed out;
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  size_t last = 0;
  std::string chunk(kChunk, '\0');
  while (in.pos < in.size) {
    ZSTD_outBuffer buf{chunk.data(), chunk.size(), 0};
    last = ZSTD_decompressStream(dctx.get(), &buf, &in);
    if (ZSTD_isError(last)) return Corrupt(ZSTD_getErrorName(last));
    if (out.data.size() + buf.pos > max_output) return TooLarge();
    out.data.append(chunk.data(), buf.pos);
    if (buf.pos == 0 && in.pos == in.size) break;
  }
  // Flush what the decoder still holds for the last frame.
  while (last != 0) {
    ZSTD_outBuffer buf{chunk.data(), chunk.size(), 0};
    last = ZSTD_decompressStream(dctx.get(), &buf, &in);
    if (ZSTD_isError(last)) return Corrupt(ZSTD_getErrorName(last));
    if (out.data.size() + buf.pos > max_output) return TooLarge();
    out.data.append(chunk.data(), buf.pos);
    if (buf.pos == 0 && last != 0) return Corrupt("truncated zstd frame");
  }
  return out;
}

Decompressed DecompressGzip(std::string_view input, size_t max_output) {
  // zlib directly: every member must end (Z_STREAM_END), so a truncated body
  // is corrupt, not a shorter one.
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Corrupt("cannot initialize zlib");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
  Decompressed out;
  std::string chunk(kChunk, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  size_t left = input.size();
  bool ended = false;
  while (true) {
    // avail_in is 32 bits: feed at most 1 GiB at a time.
    if (zs.avail_in == 0 && left > 0) {
      zs.avail_in = static_cast<uInt>(std::min<size_t>(left, 1u << 30));
      left -= zs.avail_in;
    }
    zs.next_out = reinterpret_cast<Bytef*>(chunk.data());
    zs.avail_out = static_cast<uInt>(chunk.size());
    const int rc = inflate(&zs, Z_NO_FLUSH);
    const size_t produced = chunk.size() - zs.avail_out;
    if (out.data.size() + produced > max_output) return TooLarge();
    out.data.append(chunk.data(), produced);
    if (rc == Z_STREAM_END) {
      ended = true;
      if (zs.avail_in == 0 && left == 0) break;
      // Another gzip member follows.
      if (inflateReset(&zs) != Z_OK) return Corrupt("cannot reset zlib");
      ended = false;
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0 && left == 0) break;  // input used up mid-stream
    if (rc != Z_OK) {
      return Corrupt(zs.msg != nullptr ? zs.msg : "invalid gzip data");
    }
  }
  if (!ended) return Corrupt("truncated gzip data (the stream does not end)");
  return out;
}

}  // namespace srclink::server
