#include "core/percent_encoding.h"

#include <cstdint>

namespace srclink {

namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// Characters a path keeps as they are: unreserved, '/', the sub-delims and
// ':' '@' (RFC 3986 pchar).
bool KeptInPath(unsigned char c) {
  if (IsUnreserved(c)) return true;
  switch (c) {
    case '/':
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':
    case '+':
    case ',':
    case ';':
    case '=':
    case ':':
    case '@':
      return true;
    default:
      return false;
  }
}

// A query value also encodes the characters that separate or rewrite
// parameters ('&', '=', '+', ';'); '#' and '?' are already encoded in paths.
bool KeptInQueryValue(unsigned char c) {
  switch (c) {
    case '&':
    case '=':
    case '+':
    case ';':
      return false;
    default:
      return KeptInPath(c);
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

template <typename Kept>
std::string Encode(std::string_view text, Kept kept) {
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (kept(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHexDigits[c >> 4]);
      out.push_back(kHexDigits[c & 0x0F]);
    }
  }
  return out;
}

}  // namespace

std::string EncodePath(std::string_view path) { return Encode(path, KeptInPath); }

std::string EncodeQueryValue(std::string_view value) { return Encode(value, KeptInQueryValue); }

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(static_cast<uint8_t>(hi * 16 + lo)));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace srclink
