#include "store/telemetry_store.h"

namespace srclink {

Status CheckErrorGroupDelta(const ErrorGroupDelta& d) {
  const std::string what = "error group " + d.fingerprint.substr(0, 100) + " of service '" +
                           d.service.substr(0, 100) + "'";
  if (d.count < 0) {
    return Status::InvalidArgument(what + " has a negative count " + std::to_string(d.count));
  }
  for (const std::string& e : d.events) {
    if (e.size() <= kMaxErrorEventBytes) continue;
    return Status::InvalidArgument("an event of " + what + " has " + std::to_string(e.size()) +
                                   " bytes, more than the " + std::to_string(kMaxErrorEventBytes) +
                                   " allowed");
  }
  for (const auto& [hour, count] : d.hours) {
    if (hour < 0 || HourStart(hour) != hour) {
      return Status::InvalidArgument(what + " has counts for " + std::to_string(hour) +
                                     ", which is not the start of an hour: give unix "
                                     "milliseconds that are a multiple of " +
                                     std::to_string(kHourMs));
    }
    if (count < 0) {
      return Status::InvalidArgument(what + " has a negative count " + std::to_string(count) +
                                     " for the hour " + std::to_string(hour));
    }
  }
  return Status::Ok();
}

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
