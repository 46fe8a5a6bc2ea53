#include "server/blob_cache.h"

#include <zstd.h>

namespace srclink::server {

namespace {
// Larger stored sizes are treated as corrupt rather than allocated.
constexpr int64_t kMaxBlobBytes = int64_t{1} << 31;
}  // namespace

Result<std::string> DecompressBlob(std::string_view blob_id, std::string_view compressed,
                                   int64_t size) {
  const std::string where = "stored contents of blob " + std::string(blob_id);
  if (size < 0 || size >= kMaxBlobBytes) {
    return Status::Internal(where + " claim a size of " + std::to_string(size) +
                            " bytes: the store is corrupt; upload the contents again");
  }
  unsigned long long declared = ZSTD_getFrameContentSize(compressed.data(), compressed.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR) {
    return Status::Internal(where + " are not a zstd frame: the store is corrupt");
  }
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != static_cast<unsigned long long>(size)) {
    return Status::Internal(where + " decompress to " + std::to_string(declared) +
                            " bytes, not the stored " + std::to_string(size));
  }
  // One decompression context per thread, reused: ZSTD_decompress would
  // allocate and initialise one (~100 KB) per blob.
  struct Context {
    ZSTD_DCtx* dctx = ZSTD_createDCtx();
    ~Context() { ZSTD_freeDCtx(dctx); }
  };
  thread_local Context context;
  if (context.dctx == nullptr) return Status::Internal("cannot allocate a zstd context");
  std::string out(static_cast<size_t>(size), '\0');
  size_t n = ZSTD_decompressDCtx(context.dctx, out.data(), out.size(), compressed.data(),
                                 compressed.size());
  if (ZSTD_isError(n)) {
    return Status::Internal(where + " do not decompress (" + ZSTD_getErrorName(n) +
                            "): the store is corrupt");
  }
  if (n != out.size()) {
    return Status::Internal(where + " decompress to " + std::to_string(n) +
                            " bytes, not the stored " + std::to_string(size));
  }
  return out;
}

BlobCache::BlobCache(Store* store, size_t max_bytes, std::function<int64_t()> now)
    : store_(store), max_bytes_(max_bytes), now_(std::move(now)) {}

Result<std::shared_ptr<const FileLines>> BlobCache::Get(std::string_view blob_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_id_.find(blob_id);
    if (it != by_id_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->lines;
    }
  }
  int64_t now = now_ ? now_() : 0;
  now -= now % kTouchGranularity;
  Result<StoredBlob> stored = store_->GetBlob(blob_id, now);
  if (!stored.ok()) {
    if (stored.status().code() == Status::Code::kNotFound) {
      return Status::NotFound("contents of blob " + std::string(blob_id) +
                              " not uploaded: run srclink upload without --no-contents");
    }
    return stored.status();
  }
  Result<std::string> text = DecompressBlob(blob_id, stored->compressed, stored->size);
  if (!text.ok()) return text.status();
  auto lines = std::make_shared<const FileLines>(std::move(*text));
  Insert(std::string(blob_id), lines);
  return std::shared_ptr<const FileLines>(std::move(lines));
}

void BlobCache::Insert(std::string blob_id, std::shared_ptr<const FileLines> lines) {
  const size_t bytes = lines->bytes() + blob_id.size() + 64;
  if (bytes > max_bytes_) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (by_id_.count(blob_id) != 0) return;  // another thread loaded it meanwhile
  while (!lru_.empty() && bytes_ + bytes > max_bytes_) {
    by_id_.erase(lru_.back().blob_id);
    bytes_ -= lru_.back().bytes;
    lru_.pop_back();
  }
  lru_.push_front(Entry{std::move(blob_id), std::move(lines), bytes});
  by_id_.emplace(lru_.front().blob_id, lru_.begin());
  bytes_ += bytes;
}

size_t BlobCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t BlobCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

}  // namespace srclink::server
