// Fuzzes percent-encoding, applied to repository paths that come from stack
// frames, and decoding, applied to file:// and webpack:// frame URLs.
//
// Invariants: encoded paths hold only unreserved characters, '/', ':', '@',
// sub-delims and %XX escapes (so no space, '#', '?', control or non-ASCII
// byte); encoded query values hold none of '&', '=', '+', ';' either;
// decoding an encoding gives back the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/percent_encoding.h"
#include "fuzz_util.h"

namespace {

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

void CheckEncoded(const std::string& encoded, bool query) {
  for (size_t i = 0; i < encoded.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(encoded[i]);
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    bool allowed = unreserved || std::string_view("/:@!$&'()*+,;=%").find(static_cast<char>(c)) !=
                                     std::string_view::npos;
    SRCLINK_FUZZ_CHECK(allowed, encoded);
    if (query) SRCLINK_FUZZ_CHECK(c != '&' && c != '=' && c != '+' && c != ';', encoded);
    if (c == '%')
      SRCLINK_FUZZ_CHECK(i + 2 < encoded.size() && IsHex(encoded[i + 1]) && IsHex(encoded[i + 2]),
                         encoded);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;
  std::string_view input = srclink::fuzz::AsText(data, size);

  std::string path = srclink::EncodePath(input);
  CheckEncoded(path, /*query=*/false);
  if (srclink::PercentDecode(path) != input)
    srclink::fuzz::Fail("PercentDecode(EncodePath(x)) != x", path);

  std::string value = srclink::EncodeQueryValue(input);
  CheckEncoded(value, /*query=*/true);
  if (srclink::PercentDecode(value) != input)
    srclink::fuzz::Fail("PercentDecode(EncodeQueryValue(x)) != x", value);

  // Decoding arbitrary text never fails, and never grows it.
  std::string decoded = srclink::PercentDecode(input);
  SRCLINK_FUZZ_CHECK(decoded.size() <= input.size(), decoded);
  return 0;
}
