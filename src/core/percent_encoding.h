// Percent-encoding (RFC 3986) for the parts of a URL srclink builds, and
// decoding for the file:// and webpack:// URLs found in stack frames.
#pragma once

#include <string>
#include <string_view>

namespace srclink {

// Encodes a path: keeps unreserved characters, '/', and sub-delims allowed in
// a path segment except those that break links ('#', '?', '%', space, and
// non-ASCII bytes are always encoded).
std::string EncodePath(std::string_view path);

// Encodes a query value: like EncodePath but also encodes '&', '=', '+', ';'.
// '/' is kept (Azure DevOps and Bitbucket Server take raw slashes).
std::string EncodeQueryValue(std::string_view value);

// Decodes %XX escapes; malformed escapes are kept as they are.
std::string PercentDecode(std::string_view text);

}  // namespace srclink
