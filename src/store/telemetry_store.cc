#include "store/telemetry_store.h"

namespace srclink {

Status CheckProfileChunk(const ProfileChunk& p) {
  const std::string what = "a profile chunk of service '" + p.service.substr(0, 100) + "' (" +
                           p.profile_type.substr(0, 100) + ")";
  if (p.service.empty() || p.profile_type.empty()) {
    return Status::InvalidArgument(what + " has no service or profile type");
  }
  if (p.start < 0 || p.end < p.start) {
    return Status::InvalidArgument(what + " ends (" + std::to_string(p.end) +
                                   ") before it starts (" + std::to_string(p.start) + ")");
  }
  if (p.tree.size() > kMaxProfileChunkBytes || p.lines.size() > kMaxProfileChunkBytes) {
    return Status::InvalidArgument(what + " is larger than " +
                                   std::to_string(kMaxProfileChunkBytes) + " bytes");
  }
  return Status::Ok();
}

}  // namespace srclink
