// StringInterner: each distinct string once, numbered 0, 1, 2… in the order
// first seen; the names of CallTree and LineProfile. The bytes live in one
// buffer and the lookup table holds ids only, so an interner copies and
// moves as a plain value (no views into itself to go stale).
//
// Thread-safety: a plain value; const access from many threads is safe.
// Views returned by Get() live until the next Intern().
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace srclink {

class StringInterner {
 public:
  static constexpr uint32_t kNotFound = UINT32_MAX;

  // The id of `s`, adding it if new.
  uint32_t Intern(std::string_view s) {
    if ((size() + 1) * 2 > slots_.size()) Grow();
    size_t mask = slots_.size() - 1;
    for (size_t i = Hash(s) & mask;; i = (i + 1) & mask) {
      uint32_t id = slots_[i];
      if (id == 0) {
        uint32_t new_id = static_cast<uint32_t>(size());
        bytes_.append(s);
        offsets_.push_back(bytes_.size());
        slots_[i] = new_id + 1;
        return new_id;
      }
      if (Get(id - 1) == s) return id - 1;
    }
  }

  // The id of `s`, or kNotFound.
  uint32_t Find(std::string_view s) const {
    if (slots_.empty()) return kNotFound;
    size_t mask = slots_.size() - 1;
    for (size_t i = Hash(s) & mask;; i = (i + 1) & mask) {
      uint32_t id = slots_[i];
      if (id == 0) return kNotFound;
      if (Get(id - 1) == s) return id - 1;
    }
  }

  // REQUIRES: id < size()
  std::string_view Get(uint32_t id) const {
    return std::string_view(bytes_).substr(offsets_[id], offsets_[id + 1] - offsets_[id]);
  }
  size_t size() const { return offsets_.size() - 1; }
  size_t byte_size() const { return bytes_.size(); }

 private:
  static size_t Hash(std::string_view s) { return std::hash<std::string_view>{}(s); }

  void Grow() {
    std::vector<uint32_t> slots(slots_.empty() ? 64 : slots_.size() * 2, 0);
    size_t mask = slots.size() - 1;
    for (uint32_t id = 0; id < size(); ++id) {
      size_t i = Hash(Get(id)) & mask;
      while (slots[i] != 0) i = (i + 1) & mask;
      slots[i] = id + 1;
    }
    slots_.swap(slots);
  }

  std::string bytes_;
  std::vector<size_t> offsets_ = {0};  // string i is bytes_[offsets_[i], offsets_[i + 1])
  std::vector<uint32_t> slots_;        // open addressing: id + 1, 0 when empty
};

}  // namespace srclink
