#include "server/decompress.h"

#include <httplib.h>
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
  // httplib's zlib wrapper: srclink_server links libz only through httplib.
  httplib::detail::gzip_decompressor gz;
  if (!gz.is_valid()) return Corrupt("cannot initialize zlib");
  Decompressed out;
  bool too_large = false;
  bool ok = gz.decompress(input.data(), input.size(), [&](const char* data, size_t n) {
    if (out.data.size() + n > max_output) {
      too_large = true;
      return false;
    }
    out.data.append(data, n);
    return true;
  });
  if (too_large) return TooLarge();
  if (!ok) return Corrupt("invalid gzip data");
  return out;
}

}  // namespace srclink::server
