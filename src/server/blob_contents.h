// File contents as the store keeps them: one zstd frame per git blob, stored
// only under the blob id its bytes hash to. Shared by the upload routes
// (which receive frames compressed by the client) and the content fetcher
// (which compresses what it read from a git remote).
// Thread-safety: plain functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/store.h"

namespace srclink::server {

// The zstd level the server compresses fetched contents with (the upload
// client's level too).
inline constexpr int kStoredBlobZstdLevel = 3;

// The git blob id of `contents`: hex SHA-1 of "blob <size>\0" + contents; ""
// only if OpenSSL fails.
std::string GitBlobId(std::string_view contents);

// Checks that `contents` hash to `blob_id`, compresses them and stores them
// (Store::PutBlob). InvalidArgument when the id does not match; the store's
// error otherwise. Returns the compressed size through `stored_bytes`.
Status StoreBlobContents(Store& store, std::string_view blob_id, std::string_view contents,
                         int64_t now, int64_t* stored_bytes = nullptr);

}  // namespace srclink::server
