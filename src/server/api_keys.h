// API keys of `srclink serve`: `sk_<key_id>_<secret>`.
//
// key_id is 12 lowercase hex digits (public: shown in listings and logs);
// secret is 32 url-safe characters [A-Za-z0-9_-] from RAND_bytes. The store
// keeps only SHA-256(secret) in hex; the full key is shown once, at
// creation. Scopes are the ApiScope bits of store/store.h, named "upload",
// "read" and "admin". Thread-safety: plain functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/store.h"

namespace srclink::server {

inline constexpr size_t kKeyIdLength = 12;
inline constexpr size_t kSecretLength = 32;
inline constexpr size_t kMaxApiKeyLength = 256;  // longer header values are refused unparsed

struct GeneratedKey {
  std::string key_id;  // 12 hex
  std::string secret;  // 32 url-safe characters; never stored, never logged
  std::string key;     // "sk_<key_id>_<secret>", shown to the operator once
};

// A fresh key from the OpenSSL CSPRNG. Internal when RAND_bytes fails.
Result<GeneratedKey> GenerateApiKey();

// SHA-256 of `secret`, 64 lowercase hex digits.
std::string HashSecret(std::string_view secret);

struct ParsedKey {
  std::string key_id;
  std::string secret;
};

// Splits "sk_<key_id>_<secret>". InvalidArgument (never quoting the secret)
// when the shape is wrong.
Result<ParsedKey> ParseApiKey(std::string_view key);

// Compares in time independent of where the inputs differ (CRYPTO_memcmp);
// different lengths compare unequal.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// "upload,read" → kScopeUpload | kScopeRead. Spaces around names are
// ignored; an unknown or empty list is InvalidArgument.
Result<uint32_t> ParseScopes(std::string_view names);

// kScopeUpload | kScopeRead → "upload,read" (in the order upload, read, admin).
std::string ScopeNames(uint32_t scopes);

// "upload", "read" or "admin".
std::string ScopeName(ApiScope scope);

}  // namespace srclink::server
