// Fuzzes LineRange::Parse ("42", "10-20"), which reads --line and frame
// line fields.
//
// Invariants when it succeeds: start >= 1; end == 0 or end >= start; the
// range printed back ("S" or "S-E") parses to the same lines. The range is
// then put into links for each kind of host (their anchors do arithmetic on
// the lines, which UBSan watches).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/links.h"
#include "core/provider.h"
#include "core/repository_url.h"
#include "fuzz_util.h"

namespace {

const std::vector<srclink::RepositoryUrl>& Repos() {
  static const auto* repos = [] {
    auto* v = new std::vector<srclink::RepositoryUrl>();
    for (const char* url : {
             "https://github.com/org/repo.git",
             "https://gitlab.com/group/sub/repo.git",
             "https://bitbucket.org/team/repo.git",
             "https://bitbucket.corp.example/scm/KEY/repo.git",
             "https://dev.azure.com/org/project/_git/repo",
             "https://codeberg.org/user/repo.git",
             "https://chromium.googlesource.com/chromium/src",
             "https://git.sr.ht/~user/repo",
             "https://git.kernel.org/pub/scm/git/git.git",
         }) {
      auto r = srclink::RepositoryUrl::Parse(url);
      if (r.ok()) v->push_back(*r);
    }
    return v;
  }();
  return *repos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1024) return 0;
  std::string_view text = srclink::fuzz::AsText(data, size);
  auto result = srclink::LineRange::Parse(text);
  if (!result.ok()) {
    (void)result.status().ToString();
    return 0;
  }
  srclink::LineRange r = *result;
  std::string shown = std::to_string(r.start) + "-" + std::to_string(r.end);
  SRCLINK_FUZZ_CHECK(r.start >= 1, shown);
  SRCLINK_FUZZ_CHECK(r.end == 0 || r.end >= r.start, shown);
  SRCLINK_FUZZ_CHECK(!r.empty(), shown);

  std::string printed =
      r.single() ? std::to_string(r.start) : std::to_string(r.start) + "-" + std::to_string(r.end);
  auto again = srclink::LineRange::Parse(printed);
  if (!again.ok())
    srclink::fuzz::Fail("a parsed range does not parse back",
                        printed + ": " + again.status().message());
  int end = r.single() ? r.start : r.end;
  int end2 = again->single() ? again->start : again->end;
  if (again->start != r.start || end2 != end)
    srclink::fuzz::Fail("a parsed range parses back differently", printed);

  srclink::HostRegistry hosts;
  for (const auto& repo : Repos()) {
    auto links = srclink::MakeLinks(repo, "0123456789abcdef0123456789abcdef01234567", "src/main.cc",
                                    r, hosts);
    if (links.ok()) SRCLINK_FUZZ_CHECK(!links->file.empty(), repo.Dump());
  }
  return 0;
}
