// BlobCache: file contents by git blob id, decompressed and split into lines,
// for snippets. An LRU bounded by bytes (ServerOptions::blob_cache_bytes);
// a miss reads Store::GetBlob and decompresses its zstd frame, never past the
// size stored with it. A file larger than the whole budget is returned but not
// kept.
//
// Thread-safety: all methods may be called from many threads; values are
// shared immutable snapshots, valid for as long as the caller holds them.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"
#include "server/snippet.h"
#include "store/store.h"

namespace srclink::server {

inline constexpr int64_t kTouchGranularity = 3600;

class BlobCache {
 public:
  // `store` must outlive the cache. `now` gives unix seconds (for the store's
  // retention bookkeeping); nullptr means 0. Reads pass the store `now`
  // rounded down to kTouchGranularity seconds: a blob already marked used in
  // this hour (e.g. uploaded minutes ago) is read without a write, and
  // retention (counted in days) loses at most an hour.
  BlobCache(Store* store, size_t max_bytes, std::function<int64_t()> now = nullptr);
  BlobCache(const BlobCache&) = delete;
  BlobCache& operator=(const BlobCache&) = delete;

  // The file with `blob_id` (40 lowercase hex digits). NotFound when the
  // contents were not uploaded; Internal when the stored frame is corrupt.
  Result<std::shared_ptr<const FileLines>> Get(std::string_view blob_id);

  size_t bytes() const;    // bytes currently kept
  size_t entries() const;  // files currently kept

 private:
  struct Entry {
    std::string blob_id;
    std::shared_ptr<const FileLines> lines;
    size_t bytes = 0;
  };

  void Insert(std::string blob_id, std::shared_ptr<const FileLines> lines);

  Store* store_;
  const size_t max_bytes_;
  std::function<int64_t()> now_;

  mutable std::mutex mu_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> by_id_;  // keys view lru_
  size_t bytes_ = 0;
};

// Decompresses one zstd frame that must hold exactly `size` bytes. Errors
// name `blob_id`. Exposed for tests.
Result<std::string> DecompressBlob(std::string_view blob_id, std::string_view compressed,
                                   int64_t size);

}  // namespace srclink::server
