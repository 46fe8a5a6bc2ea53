#include "cli/frame_input.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace srclink::cli {

namespace {

bool AllDigits(std::string_view s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int ToInt(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

Result<Frame> ParseJsonFrame(std::string_view line) {
  nlohmann::json doc = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument("not valid JSON");
  if (!doc.is_object())
    return Status::InvalidArgument(
        "a JSON frame must be an object such as {\"file\": \"src/x.py\", \"line\": 42}");
  Frame f;
  for (const auto& [key, value] : doc.items()) {
    if (key == "file" || key == "module" || key == "function") {
      if (value.is_null()) continue;
      if (!value.is_string()) return Status::InvalidArgument("\"" + key + "\" must be a string");
      std::string s = value.get<std::string>();
      if (key == "file")
        f.file = std::move(s);
      else if (key == "module")
        f.module = std::move(s);
      else
        f.function = std::move(s);
    } else if (key == "line" || key == "column") {
      if (value.is_null()) continue;
      if (!value.is_number_integer() || value.get<int64_t>() < 0 ||
          value.get<int64_t>() > 100000000) {
        return Status::InvalidArgument("\"" + key +
                                       "\" must be a whole number from 0 to 100000000");
      }
      (key == "line" ? f.line : f.column) = static_cast<int>(value.get<int64_t>());
    }
    // Other keys (in_app, type, …) are ignored: frames from other tools pass through.
  }
  if (f.file.empty() && f.module.empty()) {
    return Status::InvalidArgument("the frame has neither \"file\" nor \"module\"");
  }
  return f;
}

}  // namespace

Result<Frame> ParseFrameLine(std::string_view line) {
  if (line.size() > kMaxFrameLineBytes) {
    return Status::InvalidArgument("the line is " + std::to_string(line.size()) +
                                   " bytes; the limit is 65536");
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
    line.remove_suffix(1);
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  if (line.empty()) return Status::InvalidArgument("empty line");
  if (line.front() == '{') return ParseJsonFrame(line);

  Frame f;
  // path:line:column, path:line, or path. Only trailing digit groups count,
  // so "C:\x\y.cs" and "webpack:///x" keep their colons.
  std::string_view path = line;
  size_t last = path.rfind(':');
  if (last != std::string_view::npos && AllDigits(path.substr(last + 1))) {
    std::string_view rest = path.substr(0, last);
    size_t prev = rest.rfind(':');
    if (prev != std::string_view::npos && AllDigits(rest.substr(prev + 1))) {
      f.line = ToInt(rest.substr(prev + 1));
      f.column = ToInt(path.substr(last + 1));
      path = rest.substr(0, prev);
    } else {
      f.line = ToInt(path.substr(last + 1));
      path = rest;
    }
  }
  if (path.empty()) return Status::InvalidArgument("no file before the line number");
  f.file = std::string(path);
  return f;
}

}  // namespace srclink::cli
