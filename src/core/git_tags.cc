#include "core/git_tags.h"

#include <array>

#include <nlohmann/json.hpp>

#include "core/repository_url.h"

namespace srclink {
namespace {

enum class Field {
  kUrl,
  kCommit,       // a SHA: 7 to 40 hex digits
  kCommitOrRef,  // a SHA or a ref, ranked with the SHAs (service_git_ref)
  kRef,          // a ref, used only when no source gives a SHA
  kRoot,
};

struct Source {
  std::string_view name;
  Field field;
};

// The precedence of git_tags.h, highest first. A DD_TAGS value (4) and the
// Kubernetes annotation (8) are containers, expanded where they stand.
constexpr std::array<Source, 15> kSources = {{
    {"vcs.repository.url.full", Field::kUrl},
    {"vcs.ref.head.revision", Field::kCommit},
    {"vcs.repository.ref.revision", Field::kCommit},
    {"vcs.ref.head.name", Field::kRef},
    {"vcs.repository.ref.name", Field::kRef},
    {"_dd.git.repository_url", Field::kUrl},
    {"_dd.git.commit.sha", Field::kCommit},
    {"git.repository_url", Field::kUrl},
    {"git.commit.sha", Field::kCommit},
    {"DD_GIT_REPOSITORY_URL", Field::kUrl},
    {"DD_GIT_COMMIT_SHA", Field::kCommit},
    {"org.opencontainers.image.source", Field::kUrl},
    {"org.opencontainers.image.revision", Field::kCommit},
    {"service_repository", Field::kUrl},
    {"service_git_ref", Field::kCommitOrRef},
}};
constexpr std::string_view kRootLabel = "service_root_path";
constexpr std::string_view kDdTags = "DD_TAGS";
constexpr std::string_view kPodAnnotation = "ad.datadoghq.com/tags";
constexpr size_t kMaxValue = 4096;

// Ranks: a kSources index, with the containers slotted in between.
constexpr int kRankDdTags = 9;  // after git.commit.sha (index 8), before DD_GIT_* (index 9)
constexpr int kRankPod = 100;

int RankOf(size_t index) { return static_cast<int>(index) + (index >= 9 ? 1 : 0); }

bool IsHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Quoted(std::string_view value) {
  std::string v(value.substr(0, 80));
  return "\"" + RedactCredentials(v) + (value.size() > 80 ? "…" : "") + "\"";
}

struct Candidate {
  int rank = 1 << 30;
  std::string value;
  std::string source;
};

class Chooser {
 public:
  explicit Chooser(const HostRegistry* hosts) : hosts_(hosts) {}

  void Offer(Field field, int rank, std::string_view source, std::string_view raw) {
    std::string_view value = Trim(raw);
    if (value.empty()) return;
    Candidate* slot = field == Field::kUrl                                      ? &url_
                      : field == Field::kCommit || field == Field::kCommitOrRef ? &commit_
                      : field == Field::kRef                                    ? &ref_
                                                                                : &root_;
    if (rank >= slot->rank) return;
    if (value.size() > kMaxValue) {
      Problem(source, value, "longer than " + std::to_string(kMaxValue) + " bytes");
      return;
    }
    std::string accepted;
    switch (field) {
      case Field::kUrl: {
        auto url = RepositoryUrl::Parse(value, hosts_);
        if (!url.ok()) {
          Problem(source, value, url.status().message());
          return;
        }
        accepted = url->sanitized;
        break;
      }
      case Field::kCommit:
        if (!IsHex(value) || value.size() < 7 || value.size() > 40) {
          Problem(source, value, "not a commit SHA (7 to 40 hex digits)");
          return;
        }
        accepted = Lower(value);
        break;
      case Field::kCommitOrRef:
      case Field::kRef:
        if (!IsCommitOrRef(value)) {
          Problem(source, value, "not a commit SHA or a git ref");
          return;
        }
        accepted = IsHex(value) ? Lower(value) : std::string(value);
        break;
      case Field::kRoot: {
        std::string_view v = value;
        while (!v.empty() && (v.front() == '/' || StartsWithDotSlash(v))) {
          v.remove_prefix(v.front() == '/' ? 1 : 2);
        }
        while (!v.empty() && v.back() == '/') v.remove_suffix(1);
        if (v.find("..") != std::string_view::npos) {
          Problem(source, value, "a root path inside the repository cannot contain \"..\"");
          return;
        }
        accepted = std::string(v);
        break;
      }
    }
    *slot = Candidate{rank, std::move(accepted), std::string(source)};
  }

  GitTags Finish() {
    GitTags tags;
    if (url_.rank < (1 << 30)) {
      tags.repository_url = url_.value;
      tags.url_source = url_.source;
      auto url = RepositoryUrl::Parse(url_.value, hosts_);
      if (url.ok()) tags.repository_id = url->Id();
    }
    const Candidate& commit = commit_.rank < (1 << 30) ? commit_ : ref_;
    tags.commit = commit.value;
    tags.commit_source = commit.source;
    tags.root_path = root_.value;
    tags.problems = std::move(problems_);
    return tags;
  }

 private:
  static bool StartsWithDotSlash(std::string_view v) {
    return v.size() >= 2 && v[0] == '.' && v[1] == '/';
  }

  void Problem(std::string_view source, std::string_view value, const std::string& why) {
    problems_.push_back(std::string(source) + " " + Quoted(value) + " skipped: " + why);
  }

  const HostRegistry* hosts_;
  Candidate url_, commit_, ref_, root_;
  std::vector<std::string> problems_;
};

// "git.repository_url:x,git.commit.sha:y" or space-separated, as DD_TAGS holds them.
void OfferDdTags(std::string_view text, Chooser* chooser) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(", ", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view tag = text.substr(start, end - start);
    size_t colon = tag.find(':');
    if (colon != std::string_view::npos) {
      std::string_view key = tag.substr(0, colon);
      std::string_view value = tag.substr(colon + 1);
      if (key == "git.repository_url")
        chooser->Offer(Field::kUrl, kRankDdTags, "DD_TAGS git.repository_url", value);
      if (key == "git.commit.sha")
        chooser->Offer(Field::kCommit, kRankDdTags, "DD_TAGS git.commit.sha", value);
    }
    start = end + 1;
  }
}

// '{"git.commit.sha": "…", "git.repository_url": "…"}': one level, string values.
void OfferPodAnnotation(std::string_view text, Chooser* chooser,
                        std::vector<std::string>* problems) {
  using json = nlohmann::json;
  json::parser_callback_t only_top_level = [](int depth, json::parse_event_t, json&) {
    return depth <= 1;
  };
  json doc = json::parse(text, only_top_level, /*allow_exceptions=*/false);
  if (!doc.is_object()) {
    problems->push_back(std::string(kPodAnnotation) + " skipped: not a JSON object of tags");
    return;
  }
  auto offer = [&](const char* key, Field field) {
    auto it = doc.find(key);
    if (it != doc.end() && it->is_string()) {
      chooser->Offer(field, kRankPod, std::string(kPodAnnotation) + " " + key,
                     it->get_ref<const std::string&>());
    }
  };
  offer("git.repository_url", Field::kUrl);
  offer("git.commit.sha", Field::kCommit);
}

}  // namespace

bool GitTags::full_sha() const { return commit.size() == 40 && IsHex(commit); }

std::string GitTags::Dump() const {
  std::string out = "url=" + (repository_id.empty() ? "-" : repository_id);
  if (!url_source.empty()) out += " (" + url_source + ")";
  out += " commit=" + (commit.empty() ? "-" : commit);
  if (!commit_source.empty()) out += " (" + commit_source + ")";
  if (!root_path.empty()) out += " root=" + root_path;
  return out;
}

bool IsGitTagAttribute(std::string_view name) {
  if (name == kRootLabel || name == kDdTags || name == kPodAnnotation || name == "dd_tags")
    return true;
  for (const Source& s : kSources) {
    if (name == s.name) return true;
    if (s.name.front() == 'D' && name.size() == s.name.size() && Lower(name) == Lower(s.name))
      return true;
  }
  return false;
}

bool IsCommitOrRef(std::string_view value) {
  if (value.empty() || value.size() > 255) return false;
  if (IsHex(value)) return value.size() >= 7 && value.size() <= 40;
  if (value.find("..") != std::string_view::npos || value.find("@{") != std::string_view::npos)
    return false;
  if (value.front() == '/' || value.back() == '/' || value.back() == '.' || value.front() == '-')
    return false;
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ' ' || c == '~' || c == '^' || c == ':' || c == '?' ||
        c == '*' || c == '[' || c == '\\') {
      return false;
    }
  }
  return true;
}

GitTags ExtractGitTags(const std::vector<Attribute>& attributes, const HostRegistry* hosts) {
  Chooser chooser(hosts);
  std::vector<std::string> pod_problems;
  for (const auto& [name, value] : attributes) {
    bool matched = false;
    for (size_t i = 0; i < kSources.size() && !matched; ++i) {
      const Source& s = kSources[i];
      bool env = s.name.front() == 'D';  // DD_GIT_*: environment names, also seen lowercased
      if (name == s.name || (env && Lower(name) == Lower(s.name))) {
        chooser.Offer(s.field, RankOf(i), s.name, value);
        matched = true;
      }
    }
    if (matched) continue;
    if (name == kRootLabel) {
      chooser.Offer(Field::kRoot, 0, kRootLabel, value);
    } else if (name == kDdTags || name == "dd_tags") {
      OfferDdTags(value.substr(0, 64 * kMaxValue), &chooser);
    } else if (name == kPodAnnotation) {
      OfferPodAnnotation(value.substr(0, 64 * kMaxValue), &chooser, &pod_problems);
    }
  }
  GitTags tags = chooser.Finish();
  tags.problems.insert(tags.problems.end(), pod_problems.begin(), pod_problems.end());
  return tags;
}

}  // namespace srclink
