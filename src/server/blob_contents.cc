#include "server/blob_contents.h"

#include <openssl/evp.h>
#include <zstd.h>

namespace srclink::server {

std::string GitBlobId(std::string_view contents) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string header = "blob " + std::to_string(contents.size());
  header.push_back('\0');
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok = md && EVP_DigestInit_ex(md, EVP_sha1(), nullptr) == 1 &&
            EVP_DigestUpdate(md, header.data(), header.size()) == 1 &&
            EVP_DigestUpdate(md, contents.data(), contents.size()) == 1 &&
            EVP_DigestFinal_ex(md, digest, &len) == 1;
  EVP_MD_CTX_free(md);
  if (!ok) return "";
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

Status StoreBlobContents(Store& store, std::string_view blob_id, std::string_view contents,
                         int64_t now, int64_t* stored_bytes) {
  const std::string actual = GitBlobId(contents);
  if (actual != blob_id) {
    return Status::InvalidArgument("contents do not match blob " + std::string(blob_id) +
                                   ": sha1(\"blob <size>\\0\" + contents) is " + actual);
  }
  std::string frame(ZSTD_compressBound(contents.size()), '\0');
  const size_t n = ZSTD_compress(frame.data(), frame.size(), contents.data(), contents.size(),
                                 kStoredBlobZstdLevel);
  if (ZSTD_isError(n)) {
    return Status::Internal("compressing blob " + std::string(blob_id) + ": " +
                            ZSTD_getErrorName(n));
  }
  frame.resize(n);
  if (stored_bytes != nullptr) *stored_bytes = static_cast<int64_t>(n);
  return store.PutBlob(blob_id, frame, static_cast<int64_t>(contents.size()), now);
}

}  // namespace srclink::server
