// Fuzzes SourceMappings::Parse and Map: .pyroscope.yaml is read from the
// repositories users upload, i.e. from whoever can push a commit.
//
// Input: "YAML\0FILE\0FUNCTION" (the frame fields are optional).
// Invariants: errors name the file; a mapped path is normalised (no leading
// '/', no "", "." or ".." component) and names the mapping that matched.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/source_mapping.h"
#include "fuzz_util.h"

namespace {

void CheckRepositoryPath(const std::string& p, const std::string& detail) {
  if (p.empty()) return;
  SRCLINK_FUZZ_CHECK(p.front() != '/', detail);
  SRCLINK_FUZZ_CHECK(p.back() != '/', detail);
  SRCLINK_FUZZ_CHECK(p.find("//") == std::string::npos, detail);
  std::string_view rest = p;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    SRCLINK_FUZZ_CHECK(part != "." && part != "..", detail);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
}

void CheckMap(const srclink::SourceMappings& m, std::string_view file, std::string_view function) {
  std::optional<srclink::MappedSource> s = m.Map(file, function);
  if (!s) return;
  std::string detail = s->Dump() + " for " + std::string(file) + " " + std::string(function);
  SRCLINK_FUZZ_CHECK(s->mapping >= 1 && static_cast<size_t>(s->mapping) <= m.size(), detail);
  SRCLINK_FUZZ_CHECK(s->rule.starts_with("the .pyroscope.yaml mapping for "), detail);
  if (s->kind == srclink::MappedSource::Kind::kLocal) {
    CheckRepositoryPath(s->repository_path, detail);
  } else {
    SRCLINK_FUZZ_CHECK(!s->owner.empty() && !s->repo.empty() && !s->ref.empty(), detail);
    CheckRepositoryPath(s->path, detail);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 65536) return 0;
  auto fields = srclink::fuzz::SplitFields(srclink::fuzz::AsText(data, size), '\0', 3);
  srclink::Result<srclink::SourceMappings> r = srclink::SourceMappings::Parse(fields[0], "");
  if (!r.ok()) {
    const std::string& msg = r.status().message();
    SRCLINK_FUZZ_CHECK(msg.starts_with(".pyroscope.yaml"), msg);
    return 0;
  }
  std::string_view file = fields.size() > 1 ? fields[1] : "";
  std::string_view function = fields.size() > 2 ? fields[2] : "";
  CheckMap(*r, file, function);
  static constexpr std::string_view kFrames[][2] = {
      {"/app/src/x/y.py", ""},
      {"vendor/a/b.go", ""},
      {"/usr/local/go/src/fmt/print.go", "fmt.Println"},
      {"fmt/print.go", ""},
      {"", "org/example/App$Inner.method"},
      {"", "java.lang.String.indexOf"},
      {"C:\\app\\x.py", ""},
  };
  for (const auto& f : kFrames) CheckMap(*r, f[0], f[1]);
  return 0;
}
