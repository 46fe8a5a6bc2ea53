#include "server/snippet.h"

#include <algorithm>

namespace srclink::server {

FileLines::FileLines(std::string text) : text_(std::move(text)) {
  if (text_.empty()) return;
  starts_.reserve(static_cast<size_t>(std::count(text_.begin(), text_.end(), '\n')) + 1);
  size_t pos = 0;
  while (pos < text_.size()) {
    starts_.push_back(static_cast<uint32_t>(pos));
    size_t nl = text_.find('\n', pos);
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
}

std::string_view FileLines::line(size_t number) const {
  size_t begin = starts_[number - 1];
  size_t end = number < starts_.size() ? starts_[number] : text_.size();
  if (end > begin && text_[end - 1] == '\n') --end;
  if (end > begin && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(begin, end - begin);
}

Result<Snippet> MakeSnippet(const FileLines& file, std::string_view path, int line, int before,
                            int after) {
  if (line < 1) {
    return Status::InvalidArgument("line " + std::to_string(line) +
                                   " is not a line number: lines start at 1");
  }
  if (before < 0 || after < 0) {
    return Status::InvalidArgument("context must not be negative");
  }
  const size_t count = file.size();
  if (static_cast<size_t>(line) > count) {
    return Status::InvalidArgument("line " + std::to_string(line) + " is past the end of " +
                                   std::string(path) + ", which has " + std::to_string(count) +
                                   (count == 1 ? " line" : " lines") +
                                   ": the frame may come from another commit than the one asked");
  }
  Snippet s;
  s.line = line;
  s.start_line = std::max(1, line - before);
  const int last = static_cast<int>(
      std::min<int64_t>(static_cast<int64_t>(count), static_cast<int64_t>(line) + after));
  s.lines.reserve(static_cast<size_t>(last - s.start_line + 1));
  for (int n = s.start_line; n <= last; ++n) s.lines.push_back(file.line(static_cast<size_t>(n)));
  return s;
}

}  // namespace srclink::server
