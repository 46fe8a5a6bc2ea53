#include "core/error_fingerprint.h"

#include <cstdint>

#include "core/frame_path.h"

namespace srclink {
namespace {

class Fnv1a {
 public:
  void Add(std::string_view s) {
    for (char c : s) {
      hash_ ^= static_cast<uint8_t>(c);
      hash_ *= 1099511628211ull;
    }
    // A separator no input byte can fake: the length.
    for (int i = 0; i < 8; ++i) {
      hash_ ^= static_cast<uint8_t>(s.size() >> (8 * i));
      hash_ *= 1099511628211ull;
    }
  }
  std::string Hex() const {
    static const char* kHex = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 0; i < 16; ++i) out[15 - i] = kHex[(hash_ >> (4 * i)) & 15];
    return out;
  }

 private:
  uint64_t hash_ = 14695981039346656037ull;
};

// The message with every word that holds a digit blanked: "user 42 not
// found" and "user 7 not found", "at 0xdeadbeef" and "at 0x1234abcd" are one
// issue; words without digits ("bad", "cafe") stay.
std::string MessageShape(std::string_view message) {
  auto alnum = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  };
  std::string out;
  out.reserve(message.size());
  size_t i = 0;
  while (i < message.size()) {
    if (!alnum(message[i])) {
      out += message[i++];
      continue;
    }
    size_t j = i;
    bool digit = false;
    while (j < message.size() && alnum(message[j])) digit |= message[j++] <= '9';
    if (digit) {
      out += '#';
    } else {
      out.append(message.substr(i, j - i));
    }
    i = j;
  }
  return out;
}

// The file as the fingerprint sees it: normalised, and for absolute paths
// only the last two components (deploy roots differ between hosts and
// releases: /srv/app/shop/views.py, /home/deploy/releases/42/shop/views.py).
std::string FileShape(std::string_view file) {
  FramePath p = NormalizeFramePath(file);
  if (!p.absolute) return p.path;
  size_t cut = p.path.size();
  for (int slashes = 0; cut > 0; --cut) {
    if (p.path[cut - 1] == '/' && ++slashes == 2) break;
  }
  return p.path.substr(cut);
}

}  // namespace

std::string ErrorFingerprint(std::string_view type, std::string_view message,
                             const StackTrace& trace) {
  Fnv1a h;
  h.Add(type);
  bool any_in_app = false;
  for (const auto& e : trace.exceptions) {
    for (const auto& f : e.frames) any_in_app |= f.in_app;
  }
  size_t frames = 0;
  for (const auto& e : trace.exceptions) {
    h.Add(e.type);
    for (const auto& f : e.frames) {
      if (any_in_app && !f.in_app) continue;
      h.Add(FileShape(f.frame.file));
      h.Add(f.frame.module);
      h.Add(f.frame.function);
      ++frames;
    }
  }
  if (frames == 0) h.Add(MessageShape(message));
  return h.Hex();
}

}  // namespace srclink
