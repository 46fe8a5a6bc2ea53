// `srclink upload`: reports commits of a git checkout (their tracked files
// with blob ids, and the contents the server lacks) to a srclink server.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/upload_client.h"
#include "core/git_refs.h"
#include "core/repository_url.h"
#include "git/checkout.h"

namespace srclink::cli {
namespace {

constexpr uint32_t kSubmoduleMode = 0160000;

struct UploadOptions {
  std::string directory = ".";
  std::string repository_url;
  std::string server;
  std::string since;
  size_t last = 0;
  uint64_t max_file_size = 1u << 20;
  bool dry_run = false;
  bool no_contents = false;
  std::vector<std::string> refs;  // --ref
  HostOptions hosts;
};

std::unique_ptr<CLI::App> UploadApp(UploadOptions* o) {
  auto app = std::make_unique<CLI::App>(
      "Upload a commit's tracked files (paths and blob ids) and the file contents the server "
      "lacks, from a git checkout. The API key comes from $SRCLINK_API_KEY only (never a flag).",
      "srclink upload");
  app->add_option("--directory,-C", o->directory,
                  "The git checkout (default: the current directory)");
  app->add_option("--repository-url", o->repository_url,
                  "Report this repository URL instead of the remote's (origin, else the first)");
  app->add_option("--server", o->server,
                  "The srclink server's base URL (default: $SRCLINK_SERVER)");
  app->add_flag("--dry-run", o->dry_run, "Compute and print what would be sent; send nothing");
  app->add_flag("--no-contents", o->no_contents, "Send paths and blob ids only, no file contents");
  auto* since = app->add_option("--since", o->since,
                                "Upload every commit reachable from HEAD but not from REV, oldest "
                                "first")
                    ->type_name("REV");
  app->add_option("--last", o->last, "Upload the last N commits of HEAD's first-parent chain")
      ->type_name("N")
      ->check(CLI::PositiveNumber)
      ->excludes(since);
  app->add_option("--ref", o->refs,
                  "Also record this branch or tag as pointing at HEAD (main, refs/heads/main, "
                  "refs/tags/v1.4.2); the checkout's own and the CI's are recorded anyway")
      ->type_name("NAME");
  app->add_option("--max-file-size", o->max_file_size,
                  "Send the contents of files up to this many bytes (default 1048576); larger "
                  "ones are reported without contents")
      ->type_name("BYTES");
  o->hosts.Add(*app);
  return app;
}

std::string Bytes(uint64_t n) {
  char buffer[32];
  if (n < 1024) {
    std::snprintf(buffer, sizeof(buffer), "%llu B", static_cast<unsigned long long>(n));
  } else if (n < (1u << 20)) {
    std::snprintf(buffer, sizeof(buffer), "%.1f KiB", static_cast<double>(n) / 1024);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%.1f MiB", static_cast<double>(n) / (1 << 20));
  }
  return buffer;
}

std::string Seconds(std::chrono::steady_clock::duration d) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.2f s", std::chrono::duration<double>(d).count());
  return buffer;
}

// A one-line progress bar on stderr, drawn only when stderr is a terminal.
class Progress {
 public:
  Progress(Streams& io, size_t total)
      : io_(io), total_(total), enabled_(&io.err == &std::cerr && isatty(STDERR_FILENO) == 1) {}
  ~Progress() {
    if (enabled_ && drawn_) io_.err << "\r" << std::string(72, ' ') << "\r" << std::flush;
  }
  void Update(size_t done, uint64_t bytes) {
    if (!enabled_ || total_ == 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && done != total_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    constexpr size_t kWidth = 30;
    const size_t filled = done * kWidth / total_;
    io_.err << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] "
            << done << "/" << total_ << " files, " << Bytes(bytes) << std::flush;
  }

 private:
  Streams& io_;
  size_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_;
};

struct Totals {
  size_t blobs = 0;
  uint64_t raw_bytes = 0;
  uint64_t sent_bytes = 0;
  size_t skipped = 0;
  size_t rejected = 0;
};

// Sends the blobs of `missing` (deduplicated) in batches of at most
// kMaxBlobRequestBytes, skipping those above `max_size`.
Status SendBlobs(Checkout& checkout, UploadClient& client, std::vector<std::string> missing,
                 uint64_t max_size, Streams& io, Totals* totals) {
  std::sort(missing.begin(), missing.end());
  missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
  Progress progress(io, missing.size());
  std::string batch;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    Result<BlobsAnswer> answer = client.UploadBlobs(batch);
    if (!answer.ok()) return answer.status();
    totals->sent_bytes += batch.size();
    for (const auto& [id, error] : answer->rejected) {
      ++totals->rejected;
      io.err << "srclink upload: the server rejected the contents of blob " << id << ": " << error
             << "\n";
    }
    batch.clear();
    return Status::Ok();
  };
  size_t done = 0;
  uint64_t raw = 0;
  for (const std::string& id : missing) {
    Result<uint64_t> size = checkout.BlobSize(id);
    if (!size.ok()) return size.status();
    if (*size > max_size) {
      ++totals->skipped;
    } else {
      Result<std::string> bytes = checkout.ReadBlob(id);
      if (!bytes.ok()) return bytes.status();
      const size_t bound = BlobRecordBound(bytes->size());
      if (!batch.empty() && batch.size() + bound > kMaxBlobRequestBytes) {
        if (Status st = flush(); !st.ok()) return st;
      }
      if (Status st = AppendBlobRecord(id, *bytes, kBlobZstdLevel, &batch); !st.ok()) return st;
      ++totals->blobs;
      totals->raw_bytes += bytes->size();
      raw += bytes->size();
    }
    progress.Update(++done, raw);
  }
  return flush();
}

}  // namespace

std::string UploadHelp() {
  UploadOptions o;
  return UploadApp(&o)->help() +
         "\nEnvironment:\n"
         "  SRCLINK_SERVER    the server's base URL when --server is not given\n"
         "  SRCLINK_API_KEY   an API key with the upload scope (srclink keys create --name ci "
         "--scope upload)\n"
         "  SRCLINK_UPLOAD_BACKOFF_MS  the first retry's delay (default 1000; doubled each try, "
         "4 tries at most)\n";
}

int RunUpload(const std::vector<std::string>& args, Streams& io) {
  const auto start = std::chrono::steady_clock::now();
  UploadOptions o;
  auto app = UploadApp(&o);
  if (auto code = Parse(*app, args, io)) return *code;
  auto hosts = o.hosts.Build(io);
  if (!hosts.ok()) return Fail(io, "upload", hosts.status(), 2);

  // Where to send, checked before the repository is read.
  std::unique_ptr<UploadClient> client;
  if (!o.dry_run) {
    UploadClientOptions client_options;
    client_options.server = o.server.empty() ? io.env("SRCLINK_SERVER") : o.server;
    if (client_options.server.empty()) {
      return Fail(io, "upload",
                  Status::InvalidArgument("no server to upload to: pass --server URL or set "
                                          "SRCLINK_SERVER (or use --dry-run)"),
                  2);
    }
    client_options.api_key = io.env("SRCLINK_API_KEY");
    if (const std::string ms = io.env("SRCLINK_UPLOAD_BACKOFF_MS"); !ms.empty()) {
      if (ms.size() > 7 || ms.find_first_not_of("0123456789") != std::string::npos) {
        return Fail(io, "upload",
                    Status::InvalidArgument("SRCLINK_UPLOAD_BACKOFF_MS is '" + ms +
                                            "': set it to a number of milliseconds, or unset it"),
                    2);
      }
      client_options.initial_backoff = std::chrono::milliseconds(std::stoi(ms));
    }
    client_options.on_retry = [&io](const std::string& message) {
      io.err << "srclink upload: " << message << "\n";
    };
    auto created = UploadClient::Create(std::move(client_options));
    if (!created.ok()) return Fail(io, "upload", created.status().WithContext("--server"), 2);
    client = std::move(created).value();
    if (io.env("SRCLINK_API_KEY").empty()) {
      io.err << "srclink upload: note: SRCLINK_API_KEY is not set; sending without an API key "
                "(only a server started with --no-auth accepts that)\n";
    }
  }

  auto opened = OpenRealCheckout(o.directory);
  if (!opened.ok()) return Fail(io, "upload", opened.status());
  Checkout& checkout = **opened;
  auto head = checkout.HeadCommit();
  if (!head.ok()) return Fail(io, "upload", head.status());

  // The repository URL, without credentials.
  std::string repository_url;
  if (!o.repository_url.empty()) {
    auto url = RepositoryUrl::Parse(o.repository_url, &*hosts);
    if (!url.ok()) return Fail(io, "upload", url.status().WithContext("--repository-url"), 2);
    repository_url = url->sanitized;
  } else {
    auto remotes = checkout.Remotes();
    if (!remotes.ok()) return Fail(io, "upload", remotes.status());
    if (remotes->empty()) {
      return Fail(io, "upload",
                  Status::InvalidArgument("the checkout at '" + checkout.TopLevel() +
                                          "' has no remote to name the repository: add one "
                                          "(git remote add origin URL) or pass --repository-url"));
    }
    const Remote& remote = remotes->front();
    auto url = RepositoryUrl::Parse(remote.url, &*hosts);
    if (!url.ok()) {
      return Fail(io, "upload",
                  url.status().WithContext("remote '" + remote.name +
                                           "' (pass --repository-url to report another URL)"));
    }
    repository_url = url->sanitized;
  }

  // Which commits.
  std::vector<std::string> commits;
  if (!o.since.empty()) {
    auto since = checkout.CommitsSince(o.since);
    if (!since.ok()) return Fail(io, "upload", since.status().WithContext("--since"));
    commits = std::move(since).value();
    if (commits.empty()) {
      io.out << "Nothing to upload: HEAD (" << *head << ") is reachable from " << o.since << ".\n";
      return 0;
    }
  } else if (o.last > 0) {
    auto last = checkout.LastCommits(o.last);
    if (!last.ok()) return Fail(io, "upload", last.status().WithContext("--last"));
    commits = std::move(last).value();
    if (commits.size() < o.last && checkout.IsShallow()) {
      io.err << "srclink upload: note: this shallow clone holds only " << commits.size()
             << " of the " << o.last << " commits asked for; fetch more history "
             << "(git fetch --deepen=N) to upload more\n";
    }
  } else {
    commits.push_back(*head);
  }

  // A stat per tracked file: skipped by --dry-run, which must stay as fast
  // as `git ls-files`; what is sent does not depend on it.
  auto dirty = o.dry_run ? Result<bool>(false) : checkout.HasUncommittedChanges();
  if (dirty.ok() && *dirty) {
    io.err << "srclink upload: note: the working tree has uncommitted changes; they are not "
              "uploaded: the tracked files of commit "
           << *head << " (HEAD) are what gets reported\n";
  }

  // The branches and tags HEAD is known by, besides the checkout's own: the
  // CI's (a CI checkout is usually a detached HEAD) and --ref.
  std::vector<std::string> head_refs =
      RefsFromCiEnvironment([&io](const char* name) { return io.env(name); });
  for (const std::string& name : o.refs) {
    std::string full = name.starts_with("refs/") ? name : "refs/heads/" + name;
    if (!IsValidRefName(full) || !full.starts_with("refs/")) {
      return Fail(io, "upload",
                  Status::InvalidArgument("--ref \"" + name.substr(0, 80) +
                                          "\" is not a branch or tag name (git check-ref-format "
                                          "rules): give main, refs/heads/main or refs/tags/v1"),
                  2);
    }
    if (std::find(head_refs.begin(), head_refs.end(), full) == head_refs.end()) {
      head_refs.push_back(std::move(full));
    }
  }

  Totals totals;
  for (const std::string& commit : commits) {
    auto parents = checkout.Parents(commit);
    if (!parents.ok()) return Fail(io, "upload", parents.status());
    const std::string parent = parents->empty() ? "" : parents->front();
    auto refs = checkout.RefsAt(commit);
    if (!refs.ok()) return Fail(io, "upload", refs.status());
    if (commit == *head) {
      for (const std::string& r : head_refs) {
        if (std::find(refs->begin(), refs->end(), r) == refs->end()) refs->push_back(r);
      }
    }
    if (refs->size() > kMaxRefsPerCommit) refs->resize(kMaxRefsPerCommit);

    // The JSON is written as the files are listed; a dry run only counts its bytes.
    CommitJsonWriter json(repository_url, commit, parent, /*size_only=*/o.dry_run,
                          /*no_contents=*/o.no_contents, *refs);
    Status listed = checkout.ListTrackedFiles(commit, [&](const TrackedFile& f) {
      // A submodule pins a commit of another repository: no blob id.
      json.Add(f.path, f.mode == kSubmoduleMode ? std::string_view() : f.blob_id);
      return Status::Ok();
    });
    if (!listed.ok()) return Fail(io, "upload", listed);

    io.out << "Reporting commit " << commit << " from repository " << repository_url << ".\n";
    if (!parent.empty()) io.out << "Parent commit: " << parent << ".\n";
    if (!refs->empty()) {
      io.out << "Branches and tags at it: ";
      for (size_t i = 0; i < refs->size(); ++i) {
        io.out << (i > 0 ? ", " : "") << ShortRefName((*refs)[i])
               << ((*refs)[i].starts_with("refs/tags/") ? " (tag)" : "");
      }
      io.out << ".\n";
    }
    io.out << json.files() << " tracked file paths will be reported.\n";
    if (o.dry_run) {
      io.out << "Dry run: nothing sent (the commit's JSON is " << Bytes(json.size()) << ").\n";
      continue;
    }
    const std::string body = json.Finish();
    auto answer = client->UploadCommit(body);
    if (!answer.ok()) return Fail(io, "upload", answer.status());
    io.out << "The server " << (answer->created ? "stored" : "already had") << " commit "
           << commit.substr(0, 12) << " of " << answer->repository_id << "; it lacks "
           << answer->missing_blobs.size() << " file contents.\n";
    if (o.no_contents) continue;
    const Totals before = totals;
    const auto sending = std::chrono::steady_clock::now();
    Status sent = SendBlobs(checkout, *client, std::move(answer->missing_blobs), o.max_file_size,
                            io, &totals);
    if (!sent.ok()) return Fail(io, "upload", sent);
    io.out << "Sent " << totals.blobs - before.blobs << " file contents ("
           << Bytes(totals.raw_bytes - before.raw_bytes) << ", "
           << Bytes(totals.sent_bytes - before.sent_bytes) << " compressed) in "
           << Seconds(std::chrono::steady_clock::now() - sending) << ".\n";
    if (totals.skipped > before.skipped) {
      io.out << "Skipped the contents of " << totals.skipped - before.skipped
             << " files larger than " << o.max_file_size
             << " bytes (--max-file-size); their paths were reported.\n";
    }
  }

  const std::string elapsed = Seconds(std::chrono::steady_clock::now() - start);
  if (o.dry_run) {
    io.out << "Dry run done in " << elapsed << ": " << commits.size()
           << (commits.size() == 1 ? " commit" : " commits") << " computed, nothing sent.\n";
    return 0;
  }
  if (o.no_contents) io.out << "File contents not sent (--no-contents).\n";
  io.out << "Uploaded " << commits.size() << (commits.size() == 1 ? " commit" : " commits")
         << " to " << client->server() << " in " << elapsed << ".\n";
  if (totals.rejected > 0) {
    return Fail(io, "upload",
                Status::Unavailable(std::to_string(totals.rejected) +
                                    " file contents were rejected by the server (see above): "
                                    "check the repository with `git fsck` and upload again"));
  }
  return 0;
}

}  // namespace srclink::cli
