#include "ingest/datadog_srcmap.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

namespace srclink {
namespace {

using nlohmann::json;

// Records where a JSON text stops being valid, without exceptions.
class ErrorPositionSax : public nlohmann::json_sax<json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception&) override {
    position_ = position;
    return false;
  }
  std::size_t position() const { return position_; }

 private:
  std::size_t position_ = 0;
};

// "\"ab…\"" with at most 80 bytes of `text`, for error messages.
std::string Quote(std::string_view text) {
  constexpr size_t kMax = 80;
  std::string shown(text.substr(0, kMax));
  if (text.size() > kMax) shown += "…";
  return json(shown).dump(-1, ' ', false, json::error_handler_t::replace);
}

// What a JSON value is, for "must be a string, got a number".
std::string TypeName(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    default:
      return "a binary value";
  }
}

// Collects the failing field along with the Status.
struct Failure {
  std::string* error_field;

  Status operator()(std::string_view part, const std::string& field,
                    const std::string& what) const {
    if (error_field != nullptr)
      *error_field = std::string(part) + (field.empty() ? "" : "." + field);
    if (field.empty()) return Status::InvalidArgument(std::string(part) + " part: " + what);
    return Status::InvalidArgument(std::string(part) + " part: field \"" + field + "\" " + what);
  }
};

Result<json> ParsePart(std::string_view part, std::string_view text, const Failure& fail) {
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    ErrorPositionSax sax;
    json::sax_parse(text.begin(), text.end(), &sax, nlohmann::detail::input_format_t::json,
                    /*strict=*/true);
    if (text.empty()) return fail(part, "", "is empty; expected a JSON object");
    return fail(part, "",
                "is not valid JSON (error at byte " + std::to_string(sax.position()) + ")");
  }
  if (!doc.is_object()) return fail(part, "", "must be a JSON object, got " + TypeName(doc));
  return doc;
}

bool IsHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t extra = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMin[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

// Why `path` is not a usable repository path, or "" when it is.
std::string CheckPath(std::string_view path) {
  if (path.empty()) return "is empty";
  if (path.size() > kDatadogSrcmapMaxPathBytes) {
    return "is " + std::to_string(path.size()) + " bytes long; the limit is " +
           std::to_string(kDatadogSrcmapMaxPathBytes);
  }
  if (path.find('\0') != std::string_view::npos) return "holds a NUL byte";
  if (!IsValidUtf8(path)) return "is not valid UTF-8";
  if (path.front() == '/') return "must be relative to the repository root, got " + Quote(path);
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    const std::string_view component = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (component.empty() || component == "." || component == "..") {
      return "must not have empty, \".\" or \"..\" components, got " + Quote(path);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return "";
}

}  // namespace

Result<std::string> UnquoteGitPath(std::string_view path) {
  if (path.size() < 2 || path.front() != '"' || path.back() != '"') return std::string(path);
  const std::string_view inner = path.substr(1, path.size() - 2);
  std::string out;
  out.reserve(inner.size());
  for (size_t i = 0; i < inner.size(); ++i) {
    const char c = inner[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i + 1 >= inner.size()) {
      return Status::InvalidArgument("quoted path " + Quote(path) + " ends with a lone backslash");
    }
    const char e = inner[++i];
    switch (e) {
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
      case '"':
        out += e;
        break;
      default:
        if (e >= '0' && e <= '3' && i + 2 < inner.size() && inner[i + 1] >= '0' &&
            inner[i + 1] <= '7' && inner[i + 2] >= '0' && inner[i + 2] <= '7') {
          out += static_cast<char>(((e - '0') << 6) | ((inner[i + 1] - '0') << 3) |
                                   (inner[i + 2] - '0'));
          i += 2;
          break;
        }
        return Status::InvalidArgument("quoted path " + Quote(path) +
                                       " has an unknown escape \"\\" + std::string(1, e) + "\"");
    }
  }
  return out;
}

Result<DatadogSrcmap> ParseDatadogSrcmap(std::string_view event_json,
                                         std::string_view repository_json,
                                         std::string* error_field) {
  const Failure fail{error_field};
  constexpr std::string_view kEvent = "event";
  constexpr std::string_view kRepository = "repository";

  Result<json> event = ParsePart(kEvent, event_json, fail);
  if (!event.ok()) return event.status();
  Result<json> repository = ParsePart(kRepository, repository_json, fail);
  if (!repository.ok()) return repository.status();

  // The event part: what kind of upload this is.
  const auto type = event->find("type");
  if (type == event->end()) return fail(kEvent, "type", "is missing; expected \"repository\"");
  if (!type->is_string()) return fail(kEvent, "type", "must be a string, got " + TypeName(*type));
  if (type->get_ref<const std::string&>() != "repository") {
    return fail(kEvent, "type",
                "must be \"repository\" (a git-metadata upload), got " +
                    Quote(type->get_ref<const std::string&>()));
  }
  DatadogSrcmap out;
  if (const auto version = event->find("cli_version"); version != event->end()) {
    if (!version->is_string()) {
      return fail(kEvent, "cli_version", "must be a string, got " + TypeName(*version));
    }
    out.cli_version = version->get<std::string>();
  }

  // The repository part: the commit and its files.
  const auto version = repository->find("version");
  if (version == repository->end()) return fail(kRepository, "version", "is missing; expected 1");
  if (!version->is_number_integer() || version->get<int64_t>() != 1) {
    return fail(kRepository, "version", "must be 1, got " + version->dump());
  }
  const auto data = repository->find("data");
  if (data == repository->end())
    return fail(kRepository, "data", "is missing; expected an array of one commit");
  if (!data->is_array())
    return fail(kRepository, "data", "must be an array, got " + TypeName(*data));
  if (data->size() != 1) {
    return fail(kRepository, "data",
                "must hold exactly one commit, got " + std::to_string(data->size()));
  }
  const json& commit = (*data)[0];
  if (!commit.is_object())
    return fail(kRepository, "data[0]", "must be an object, got " + TypeName(commit));

  const auto hash = commit.find("hash");
  if (hash == commit.end()) return fail(kRepository, "data[0].hash", "is missing");
  if (!hash->is_string())
    return fail(kRepository, "data[0].hash", "must be a string, got " + TypeName(*hash));
  const std::string& sha = hash->get_ref<const std::string&>();
  if (sha.size() != 40 || !IsHex(sha)) {
    return fail(kRepository, "data[0].hash",
                "must be a 40-digit hex commit SHA, got " + Quote(sha));
  }
  out.commit_sha = Lowercase(sha);

  const auto url = commit.find("repository_url");
  if (url == commit.end()) return fail(kRepository, "data[0].repository_url", "is missing");
  if (!url->is_string()) {
    return fail(kRepository, "data[0].repository_url", "must be a string, got " + TypeName(*url));
  }
  out.repository_url = url->get<std::string>();
  if (out.repository_url.empty()) {
    return fail(
        kRepository, "data[0].repository_url",
        "is empty; the repository has no origin remote: pass --repository-url to datadog-ci");
  }

  // The event repeats the commit; it must not disagree.
  if (const auto event_sha = event->find("git_commit_sha"); event_sha != event->end()) {
    if (!event_sha->is_string()) {
      return fail(kEvent, "git_commit_sha", "must be a string, got " + TypeName(*event_sha));
    }
    if (Lowercase(event_sha->get_ref<const std::string&>()) != out.commit_sha) {
      return fail(kEvent, "git_commit_sha",
                  Quote(event_sha->get_ref<const std::string&>()) +
                      " does not match the repository part's data[0].hash " + Quote(sha));
    }
  }
  if (const auto event_url = event->find("git_repository_url"); event_url != event->end()) {
    if (!event_url->is_string()) {
      return fail(kEvent, "git_repository_url", "must be a string, got " + TypeName(*event_url));
    }
    if (event_url->get_ref<const std::string&>() != out.repository_url) {
      // Either may hold credentials: do not quote them.
      return fail(kEvent, "git_repository_url",
                  "does not match the repository part's data[0].repository_url");
    }
  }

  const auto files = commit.find("files");
  if (files == commit.end()) return fail(kRepository, "data[0].files", "is missing");
  if (!files->is_array()) {
    return fail(kRepository, "data[0].files", "must be an array of paths, got " + TypeName(*files));
  }
  if (files->size() > kDatadogSrcmapMaxFiles) {
    return fail(kRepository, "data[0].files",
                "holds " + std::to_string(files->size()) + " paths; the limit is " +
                    std::to_string(kDatadogSrcmapMaxFiles));
  }
  out.paths.reserve(files->size());
  for (size_t i = 0; i < files->size(); ++i) {
    const json& file = (*files)[i];
    const std::string field = "data[0].files[" + std::to_string(i) + "]";
    if (!file.is_string())
      return fail(kRepository, field, "must be a string, got " + TypeName(file));
    Result<std::string> path = UnquoteGitPath(file.get_ref<const std::string&>());
    if (!path.ok())
      return fail(kRepository, field, "is not a valid git-quoted path: " + path.status().message());
    if (const std::string why = CheckPath(*path); !why.empty())
      return fail(kRepository, field, why);
    out.paths.push_back(std::move(*path));
  }
  std::sort(out.paths.begin(), out.paths.end());
  out.paths.erase(std::unique(out.paths.begin(), out.paths.end()), out.paths.end());
  return out;
}

}  // namespace srclink
