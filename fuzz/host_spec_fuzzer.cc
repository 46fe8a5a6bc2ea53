// Fuzzes the operator's host configuration: HostRegistry::AddHostSpec
// ("HOST=PROVIDER", from --host) and DeclareTemplates (custom link
// templates), then parses a URL on that host and builds links with them.
//
// Input: lines "SPEC\nHOST\nFILE\nBLAME\nCOMMIT\nLINE_ANCHOR\nRANGE_ANCHOR".
// Invariants: a provider name parses back to the same provider; templates
// that were accepted expand without crashing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/links.h"
#include "core/provider.h"
#include "core/repository_url.h"
#include "fuzz_util.h"

namespace {

std::string Field(const std::vector<std::string_view>& fields, size_t i) {
  return i < fields.size() ? std::string(fields[i]) : std::string();
}

void CheckProviderName(std::string_view name) {
  auto provider = srclink::ParseProviderName(name);
  if (!provider) return;
  std::string_view canonical = srclink::ProviderName(*provider);
  auto again = srclink::ParseProviderName(canonical);
  SRCLINK_FUZZ_CHECK(again.has_value() && *again == *provider,
                     std::string(name) + " -> " + std::string(canonical));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  auto fields = srclink::fuzz::SplitFields(srclink::fuzz::AsText(data, size), '\n', 7);
  std::string spec = Field(fields, 0);
  std::string host = Field(fields, 1);

  srclink::HostRegistry hosts;
  srclink::Status spec_status = hosts.AddHostSpec(spec);
  (void)spec_status.ToString();
  size_t eq = spec.find('=');
  if (eq != std::string::npos) CheckProviderName(std::string_view(spec).substr(eq + 1));
  CheckProviderName(host);
  (void)srclink::DetectProviderByHost(host);

  srclink::LinkTemplates templates;
  templates.file = Field(fields, 2);
  templates.blame = Field(fields, 3);
  templates.commit = Field(fields, 4);
  templates.line_anchor = Field(fields, 5);
  templates.range_anchor = Field(fields, 6);
  srclink::Status tmpl_status = hosts.DeclareTemplates(host, templates);
  (void)tmpl_status.ToString();

  for (int port : {0, 443, 8443}) {
    (void)hosts.DeclaredProvider(host, port);
    (void)hosts.Templates(host, port);
  }
  (void)hosts.empty();

  // Use the configuration as srclink would: a remote on that host, then links.
  for (const std::string& url :
       {"https://" + host + "/team/app.git", "git@" + host + ":team/app.git"}) {
    auto repo = srclink::RepositoryUrl::Parse(url, &hosts);
    if (!repo.ok()) continue;
    (void)repo->WebBase();
    for (auto [start, end] : {std::pair{0, 0}, std::pair{7, 0}, std::pair{10, 20}}) {
      srclink::LineRange lines;
      lines.start = start;
      lines.end = end;
      auto links = srclink::MakeLinks(*repo, "0123456789abcdef0123456789abcdef01234567",
                                      "src/a b.cc", lines, hosts);
      (void)links.ok();
    }
  }
  return 0;
}
