#include "server/api_keys.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <vector>

namespace srclink::server {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kUrlSafe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool IsUrlSafe(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<GeneratedKey> GenerateApiKey() {
  unsigned char id_bytes[kKeyIdLength / 2];
  unsigned char secret_bytes[kSecretLength];
  if (RAND_bytes(id_bytes, sizeof(id_bytes)) != 1 ||
      RAND_bytes(secret_bytes, sizeof(secret_bytes)) != 1) {
    return Status::Internal("RAND_bytes failed: the OpenSSL random generator is not seeded");
  }
  GeneratedKey key;
  for (unsigned char b : id_bytes) {
    key.key_id += kHex[b >> 4];
    key.key_id += kHex[b & 15];
  }
  // 256 is a multiple of 64: taking the low 6 bits is unbiased.
  for (unsigned char b : secret_bytes) key.secret += kUrlSafe[b & 63];
  OPENSSL_cleanse(secret_bytes, sizeof(secret_bytes));
  key.key = "sk_" + key.key_id + "_" + key.secret;
  return key;
}

std::string HashSecret(std::string_view secret) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), digest);
  std::string hex;
  hex.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return hex;
}

Result<ParsedKey> ParseApiKey(std::string_view key) {
  const std::string how =
      "; a key looks like sk_<12 hex>_<32 characters>, as printed by `srclink keys create`";
  if (key.size() > kMaxApiKeyLength) return Status::InvalidArgument("API key too long" + how);
  if (key.substr(0, 3) != "sk_")
    return Status::InvalidArgument("API key does not start with sk_" + how);
  if (key.size() != 3 + kKeyIdLength + 1 + kSecretLength || key[3 + kKeyIdLength] != '_') {
    return Status::InvalidArgument("malformed API key" + how);
  }
  ParsedKey parsed{std::string(key.substr(3, kKeyIdLength)),
                   std::string(key.substr(3 + kKeyIdLength + 1))};
  for (char c : parsed.key_id) {
    if (!IsHex(c)) return Status::InvalidArgument("malformed API key id" + how);
  }
  for (char c : parsed.secret) {
    if (!IsUrlSafe(c)) return Status::InvalidArgument("malformed API key secret" + how);
  }
  return parsed;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<uint32_t> ParseScopes(std::string_view names) {
  uint32_t scopes = 0;
  std::string_view rest = names;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view name = Trim(rest.substr(0, comma));
    if (name == "upload") {
      scopes |= kScopeUpload;
    } else if (name == "read") {
      scopes |= kScopeRead;
    } else if (name == "admin") {
      scopes |= kScopeAdmin;
    } else if (!name.empty()) {
      return Status::InvalidArgument(
          "unknown scope \"" + std::string(name).substr(0, 64) +
          "\"; scopes are upload, read and admin (e.g. --scope upload,read)");
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (scopes == 0) {
    return Status::InvalidArgument(
        "no scope given; name at least one of upload, read, admin (e.g. --scope upload,read)");
  }
  return scopes;
}

std::string ScopeNames(uint32_t scopes) {
  std::string out;
  for (ApiScope s : {kScopeUpload, kScopeRead, kScopeAdmin}) {
    if (scopes & s) {
      if (!out.empty()) out += ",";
      out += ScopeName(s);
    }
  }
  return out;
}

std::string ScopeName(ApiScope scope) {
  switch (scope) {
    case kScopeUpload:
      return "upload";
    case kScopeRead:
      return "read";
    case kScopeAdmin:
      return "admin";
  }
  return "unknown";
}

}  // namespace srclink::server
