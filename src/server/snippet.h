// Snippets: the lines of a file around one line, for showing a frame's code.
//
// FileLines splits a file's text into lines once: "\n" and "\r\n" end a line
// (the "\r" is not part of the line), a final line without a newline counts,
// and a file ending with a newline has no empty line after it (so "a\nb\n"
// and "a\nb" both have 2 lines; "" has 0). MakeSnippet() is pure.
//
// Thread-safety: a built FileLines is immutable; share it freely.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace srclink::server {

class FileLines {
 public:
  explicit FileLines(std::string text);

  size_t size() const { return starts_.size(); }  // number of lines
  // Line `number` (1-based), without its line ending. REQUIRES: 1 <= number <= size().
  std::string_view line(size_t number) const;
  // Heap bytes held, for the blob cache's budget.
  size_t bytes() const {
    return text_.capacity() + starts_.capacity() * sizeof(uint32_t) + sizeof(*this);
  }

 private:
  std::string text_;
  std::vector<uint32_t> starts_;  // offset of each line; text_ above 4 GiB is not supported
};

struct Snippet {
  int start_line = 0;                   // number of lines[0]
  int line = 0;                         // the line asked for
  std::vector<std::string_view> lines;  // views into the FileLines: keep it alive
};

// Lines [line - before, line + after] clamped to the file. `path` only names
// the file in errors. InvalidArgument when line < 1, when before or after is
// negative, or when line is past the end ("line 120 is past the end of
// src/x.py, which has 100 lines").
Result<Snippet> MakeSnippet(const FileLines& file, std::string_view path, int line, int before,
                            int after);

}  // namespace srclink::server
