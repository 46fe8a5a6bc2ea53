// ProtobufWire's error paths, out of line and cold so Next() stays small.
#include "core/protobuf_wire.h"

namespace srclink {

[[gnu::noinline, gnu::cold]] bool ProtobufWire::Fail(const std::string& what) {
  if (error_->empty()) {
    *error_ = what + " at byte " + std::to_string(start_ - body_) + " (field " +
              std::to_string(field) + " of " + message_ + ")";
  }
  p_ = end_;
  return false;
}

[[gnu::noinline, gnu::cold]] bool ProtobufWire::FailLength(uint64_t len) {
  return Fail("length " + std::to_string(len) + " runs past the end of the message (" +
              std::to_string(end_ - p_) + " bytes left)");
}

[[gnu::noinline, gnu::cold]] bool ProtobufWire::FailWireType() {
  return Fail("unsupported wire type " + std::to_string(type));
}

}  // namespace srclink
