#include "cli/resolve_target.h"

#include <fstream>
#include <ostream>

#include "core/links.h"
#include "git/checkout.h"

namespace srclink::cli {

Status LoadResolveTarget(const ResolveTargetOptions& o, const HostRegistry& hosts,
                         std::ostream& warnings, ResolveTarget* t) {
  PathIndex::Builder builder;
  if (!o.files.empty()) {
    std::ifstream in(o.files, std::ios::binary);
    if (!in) return Status::IoError("cannot read " + o.files + ": check the --files path");
    std::string line;
    size_t n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.size() > kMaxTrackedPathBytes) {
        return Status::InvalidArgument(o.files + ":" + std::to_string(n) +
                                       ": a path longer than 4096 bytes");
      }
      if (!line.empty()) builder.Add(line);
    }
    t->source = o.files;
  } else {
    std::string dir = o.repo_dir.empty() ? "." : o.repo_dir;
    auto checkout = OpenRealCheckout(dir);
    if (!checkout.ok()) return checkout.status();
    auto head = (*checkout)->HeadCommit();
    if (!head.ok()) return head.status();
    t->commit = *head;
    Status st = (*checkout)->ListTrackedFiles(*head, [&](const TrackedFile& f) {
      builder.Add(f.path);
      return Status::Ok();
    });
    if (!st.ok()) return st;
    t->source = (*checkout)->TopLevel() + " at " + t->commit.substr(0, 12);
    if (o.repository_url.empty()) {
      auto remotes = (*checkout)->Remotes();
      if (remotes.ok() && !remotes->empty()) {
        auto url = RepositoryUrl::Parse(remotes->front().url, &hosts);
        if (url.ok()) {
          t->repo = *url;
        } else if (!o.quiet) {
          warnings << "srclink: remote " << remotes->front().name << ": "
                 << url.status().message() << "; no links\n";
        }
      }
    }
  }
  if (!o.repository_url.empty()) {
    auto url = RepositoryUrl::Parse(o.repository_url, &hosts);
    if (!url.ok()) return url.status().WithContext("--repository-url");
    t->repo = *url;
  }
  if (!o.commit.empty()) t->commit = o.commit;
  t->index = builder.Build();
  return Status::Ok();
}

nlohmann::ordered_json ResolutionJson(const std::string& input, const Frame& frame, const Resolution& r,
                    const ResolveTarget& t, const HostRegistry& hosts) {
  nlohmann::ordered_json j = {{"frame", RedactCredentials(input)},
            {"status", std::string(ResolutionStatusName(r.status))}};
  if (frame.line > 0) j["line"] = frame.line;
  if (r.status == ResolutionStatus::kResolved) j["path"] = r.path;
  if (r.status == ResolutionStatus::kAmbiguous) {
    j["candidates"] = r.candidates;
    j["candidate_count"] = r.candidate_count;
  }
  j["user_code"] = r.user_code;
  j["rule"] = r.rule;
  j["explanation"] = r.explanation;
  if (r.origin.kind != OriginKind::kUser) {
    nlohmann::ordered_json origin = {{"kind", std::string(OriginKindName(r.origin.kind))}};
    if (!r.origin.ecosystem.empty()) origin["ecosystem"] = r.origin.ecosystem;
    if (!r.origin.package.empty()) origin["package"] = r.origin.package;
    if (!r.origin.version.empty()) origin["version"] = r.origin.version;
    j["origin"] = origin;
  }
  if (r.status == ResolutionStatus::kResolved && t.repo && !t.commit.empty()) {
    auto links = MakeLinks(*t.repo, t.commit, r.path, LineRange{frame.line, 0}, hosts);
    if (links.ok()) {
      nlohmann::ordered_json l = {{"file", links->file}};
      if (!links->blame.empty()) l["blame"] = links->blame;
      l["commit"] = links->commit;
      j["links"] = l;
    }
  }
  return j;
}

void PrintResolution(const std::string& input, const Frame& frame, const Resolution& r, const ResolveTarget& t,
                const HostRegistry& hosts, std::ostream& out) {
  out << RedactCredentials(input) << "\n";
  out << "  " << ResolutionStatusName(r.status);
  if (r.status == ResolutionStatus::kResolved)
    out << "  " << r.path << (frame.line > 0 ? ":" + std::to_string(frame.line) : "");
  out << "  [" << r.rule << (r.user_code ? ", user code" : "") << "]\n";
  out << "  " << r.explanation << "\n";
  if (r.status == ResolutionStatus::kAmbiguous) {
    for (const auto& c : r.candidates) out << "    " << c << "\n";
    if (r.candidate_count > r.candidates.size()) {
      out << "    … and " << (r.candidate_count - r.candidates.size()) << " more\n";
    }
  }
  if (r.status == ResolutionStatus::kResolved && t.repo && !t.commit.empty()) {
    auto links = MakeLinks(*t.repo, t.commit, r.path, LineRange{frame.line, 0}, hosts);
    if (links.ok()) {
      out << "  file    " << links->file << "\n";
      if (!links->blame.empty()) out << "  blame   " << links->blame << "\n";
      out << "  commit  " << links->commit << "\n";
    } else {
      out << "  no links: " << links.status().message() << "\n";
    }
  }
}

}  // namespace srclink::cli
