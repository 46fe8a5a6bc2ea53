#include "core/frame.h"

namespace srclink {

std::string Frame::Dump() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  if (column > 0) out += ":" + std::to_string(column);
  if (!module.empty()) out += " module=" + module;
  if (!function.empty()) out += " function=" + function;
  return out;
}

}  // namespace srclink
