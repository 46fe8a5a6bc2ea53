#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/commands.h"
#include "cli/frame_input.h"
#include "cli/host_config.h"
#include "cli/resolve_target.h"
#include "core/links.h"
#include "core/repository_url.h"
#include "core/resolver.h"
#include "git/checkout.h"
#include "srclink_version.h"

namespace srclink::cli {

void HostOptions::Add(CLI::App& app) {
  app.add_option("--config", config, "JSON config file declaring hosts (default: $SRCLINK_CONFIG)");
  app.add_option("--host", hosts,
                 "Declare a self-hosted host's provider, e.g. git.corp.example=gitlab")
      ->type_name("HOST=PROVIDER");
}

Result<HostRegistry> HostOptions::Build(Streams& io) const {
  std::string path = config.empty() ? io.env("SRCLINK_CONFIG") : config;
  return BuildHostRegistry(path, hosts);
}

std::optional<int> Parse(CLI::App& app, const std::vector<std::string>& args, Streams& io) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    io.out << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    io.err << app.get_name() << ": " << e.what() << "\n"
           << "Run 'srclink help " << app.get_name().substr(app.get_name().find(' ') + 1)
           << "' for usage.\n";
    return 2;
  }
  return std::nullopt;
}

int Fail(Streams& io, const std::string& command, const Status& status, int code) {
  io.err << "srclink " << command << ": " << status.message() << "\n";
  return code;
}

namespace {

using json = nlohmann::ordered_json;

constexpr size_t kResolveBatch = 256;

// A command: its name, one line of help, and how to set up and run it.
struct Command {
  const char* name;
  const char* summary;
  std::function<int(const std::vector<std::string>&, Streams&)> run;
  std::function<std::string()> help;  // for `srclink help NAME`
};

// ------------------------------------------------------------------- url

struct UrlOptions {
  std::vector<std::string> urls;
  bool json = false;
  HostOptions hosts;
};

std::unique_ptr<CLI::App> UrlApp(UrlOptions* o) {
  auto app = std::make_unique<CLI::App>(
      "Parse git remote URLs: print each one's sanitized form (no credentials), canonical id and "
      "provider.",
      "srclink url");
  app->add_option("URL", o->urls, "Remote URLs, in any form git accepts")->required();
  app->add_flag("--json", o->json, "One JSON object per URL per line");
  o->hosts.Add(*app);
  return app;
}

int RunUrl(const std::vector<std::string>& args, Streams& io) {
  UrlOptions o;
  auto app = UrlApp(&o);
  if (auto code = Parse(*app, args, io)) return *code;
  auto hosts = o.hosts.Build(io);
  if (!hosts.ok()) return Fail(io, "url", hosts.status(), 2);
  int code = 0;
  for (size_t i = 0; i < o.urls.size(); ++i) {
    auto url = RepositoryUrl::Parse(o.urls[i], &*hosts);
    std::string input = RedactCredentials(o.urls[i]);
    if (!url.ok()) {
      code = 1;
      io.err << "srclink url: " << url.status().message() << "\n";
      if (o.json)
        io.out << json{{"input", input}, {"error", url.status().message()}}.dump(
                      -1, ' ', false, nlohmann::json::error_handler_t::replace)
               << "\n";
      continue;
    }
    if (o.json) {
      io.out << json{{"input", input},
                     {"sanitized", url->sanitized},
                     {"id", url->Id()},
                     {"provider", std::string(ProviderName(url->provider))},
                     {"web", url->WebBase()}}
                    .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
             << "\n";
    } else {
      if (i > 0) io.out << "\n";
      io.out << "sanitized  " << url->sanitized << "\n"
             << "id         " << url->Id() << "\n"
             << "provider   " << ProviderName(url->provider) << "\n"
             << "web        " << url->WebBase() << "\n";
    }
  }
  return code;
}

// ------------------------------------------------------------------ link

struct LinkOptions {
  std::string repo, commit, path, line, kind = "file";
  HostOptions hosts;
};

std::unique_ptr<CLI::App> LinkApp(LinkOptions* o) {
  auto app = std::make_unique<CLI::App>(
      "Print the URL of a file, its blame, or a commit on the git host.", "srclink link");
  app->add_option("--repo", o->repo, "Repository URL, in any form git accepts")->required();
  app->add_option("--commit", o->commit, "Commit SHA")->required();
  app->add_option("--path", o->path, "Repository path of the file (not needed for --kind commit)");
  app->add_option("--line", o->line, "A line (42) or a range (10-20)");
  app->add_option("--kind", o->kind, "file, blame or commit")
      ->check(CLI::IsMember({"file", "blame", "commit"}));
  o->hosts.Add(*app);
  return app;
}

int RunLink(const std::vector<std::string>& args, Streams& io) {
  LinkOptions o;
  auto app = LinkApp(&o);
  if (auto code = Parse(*app, args, io)) return *code;
  auto hosts = o.hosts.Build(io);
  if (!hosts.ok()) return Fail(io, "link", hosts.status(), 2);
  auto repo = RepositoryUrl::Parse(o.repo, &*hosts);
  if (!repo.ok()) return Fail(io, "link", repo.status().WithContext("--repo"), 2);
  LineRange lines;
  if (!o.line.empty()) {
    auto parsed = LineRange::Parse(o.line);
    if (!parsed.ok()) return Fail(io, "link", parsed.status().WithContext("--line"), 2);
    lines = *parsed;
  }
  LinkKind kind = o.kind == "blame"    ? LinkKind::kBlame
                  : o.kind == "commit" ? LinkKind::kCommit
                                       : LinkKind::kFile;
  if (kind != LinkKind::kCommit && o.path.empty()) {
    return Fail(io, "link", Status::InvalidArgument("--path is required for --kind " + o.kind), 2);
  }
  auto url = MakeLink(*repo, kind, o.commit, o.path, lines, *hosts);
  if (!url.ok()) return Fail(io, "link", url.status());
  if (url->empty()) {
    return Fail(io, "link",
                Status::NotFound(std::string(ProviderName(repo->provider)) + " has no " + o.kind +
                                 " view"));
  }
  io.out << *url << "\n";
  return 0;
}

// --------------------------------------------------------------- resolve

struct ResolveOptionsCli {
  std::string repo_dir, files, repository_url, commit, root;
  std::vector<std::string> maps, frames;
  bool json = false, no_learn = false;
  size_t max_candidates = 10;
  HostOptions hosts;
};

std::unique_ptr<CLI::App> ResolveApp(ResolveOptionsCli* o) {
  auto app = std::make_unique<CLI::App>(
      "Resolve stack frames to the repository files they denote, with links to the git host.\n"
      "FRAME is path[:line[:column]]; with no FRAME, frames are read from standard input, one per "
      "line,\n"
      "as path[:line] or a JSON object {\"file\": …, \"line\": …, \"module\": …, \"function\": …}.",
      "srclink resolve");
  app->add_option("FRAME", o->frames, "Frames to resolve");
  auto* dir = app->add_option("--repo-dir", o->repo_dir,
                              "A git checkout: resolve against its HEAD (default: .)");
  auto* files =
      app->add_option("--files", o->files, "A file listing the tracked paths, one per line");
  dir->excludes(files);
  app->add_option("--repository-url", o->repository_url,
                  "Repository URL for links (default: the checkout's remote)");
  app->add_option("--commit", o->commit, "Commit SHA for links (default: the checkout's HEAD)");
  app->add_option("--root", o->root,
                  "Where the service lives in the repository (service_root_path)");
  app->add_option("--map", o->maps, "Code mapping from the stack's root to a repository directory")
      ->type_name("STACK=SOURCE");
  app->add_option("--max-candidates", o->max_candidates, "Candidates listed for an ambiguous frame")
      ->check(CLI::Range(1, 1000));
  app->add_flag("--no-learn", o->no_learn, "Do not learn mappings from unambiguous frames");
  app->add_flag("--json", o->json,
                "One JSON object per frame per line (JSON Lines), in input order");
  o->hosts.Add(*app);
  return app;
}

int RunResolve(const std::vector<std::string>& args, Streams& io) {
  ResolveOptionsCli o;
  auto app = ResolveApp(&o);
  if (auto code = Parse(*app, args, io)) return *code;
  auto hosts = o.hosts.Build(io);
  if (!hosts.ok()) return Fail(io, "resolve", hosts.status(), 2);
  ResolveOptions ro;
  for (const std::string& spec : o.maps) {
    auto m = CodeMapping::Parse(spec);
    if (!m.ok()) return Fail(io, "resolve", m.status().WithContext("--map"), 2);
    ro.mappings.push_back(*m);
  }
  ResolveTarget target;
  ResolveTargetOptions to{o.repo_dir, o.files, o.repository_url, o.commit, o.json};
  if (Status st = LoadResolveTarget(to, *hosts, io.err, &target); !st.ok())
    return Fail(io, "resolve", st);
  ro.root_path = o.root;
  ro.learn = !o.no_learn;
  ro.max_candidates = o.max_candidates;
  if (target.repo) ro.repository_id = target.repo->Id();
  Resolver resolver(target.index, ro);
  if (!o.json) {
    io.err << "Resolving against " << target.index.size() << " tracked files of " << target.source;
    if (target.repo) io.err << " (" << target.repo->Id() << ")";
    io.err << "\n";
  }

  int code = 0;
  std::vector<std::string> inputs;
  std::vector<Frame> frames;
  std::vector<std::optional<Status>> errors;
  auto flush = [&] {
    std::vector<Frame> ok;
    for (size_t i = 0; i < frames.size(); ++i) {
      if (!errors[i]) ok.push_back(frames[i]);
    }
    std::vector<Resolution> results = resolver.ResolveBatch(ok);
    size_t next = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (errors[i]) {
        if (o.json) {
          io.out << json{{"frame", RedactCredentials(inputs[i])},
                         {"status", "error"},
                         {"error", errors[i]->message()}}
                        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                 << "\n";
        }
        continue;
      }
      const Resolution& r = results[next++];
      if (o.json) {
        io.out << ResolutionJson(inputs[i], frames[i], r, target, *hosts)
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
               << "\n";
      } else {
        PrintResolution(inputs[i], frames[i], r, target, *hosts, io.out);
      }
    }
    io.out.flush();
    inputs.clear();
    frames.clear();
    errors.clear();
  };
  auto add = [&](std::string input, const std::string& where) {
    auto frame = ParseFrameLine(input);
    if (frame.ok()) {
      frames.push_back(*frame);
      errors.emplace_back(std::nullopt);
    } else {
      io.err << "srclink resolve: " << where << ": " << frame.status().message() << "\n";
      code = 1;
      frames.emplace_back();
      errors.emplace_back(frame.status());
    }
    if (input.size() > 256) input = input.substr(0, 256) + "…";
    inputs.push_back(std::move(input));
    if (inputs.size() >= kResolveBatch) flush();
  };
  if (!o.frames.empty()) {
    for (size_t i = 0; i < o.frames.size(); ++i)
      add(o.frames[i], "argument " + std::to_string(i + 1));
  } else {
    std::string line;
    size_t n = 0;
    while (std::getline(io.in, line)) {
      ++n;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos)
        continue;  // blank lines separate nothing
      add(std::move(line), "stdin:" + std::to_string(n));
      line.clear();
    }
  }
  flush();
  return code;
}

// ----------------------------------------------------------------- table

const std::vector<Command>& Commands() {
  static const auto* commands = new std::vector<Command>{
      {"serve", "Run the srclink server (SQLite by default, PostgreSQL with --database)", RunServe,
       ServeHelp},
      {"upload", "Upload a commit's tracked files and contents from a git checkout", RunUpload,
       UploadHelp},
      {"keys", "Create, list and delete the server's API keys", RunKeys, KeysHelp},
      {"url", "Parse git remote URLs: sanitized form, canonical id, provider", RunUrl,
       [] {
         UrlOptions o;
         return UrlApp(&o)->help();
       }},
      {"link", "Print the URL of a file, blame or commit on the git host", RunLink,
       [] {
         LinkOptions o;
         return LinkApp(&o)->help();
       }},
      {"trace", "Parse a stack trace of any language; resolve its frames", RunTrace, TraceHelp},
      {"resolve", "Resolve stack frames to repository files, with links", RunResolve,
       [] {
         ResolveOptionsCli o;
         return ResolveApp(&o)->help();
       }},
  };
  return *commands;
}

void PrintUsage(std::ostream& out) {
  out << "srclink " << SRCLINK_VERSION
      << ": links telemetry's stack frames to the exact line of the exact commit.\n\n"
      << "Usage: srclink COMMAND [OPTIONS]\n\nCommands:\n";
  for (const Command& c : Commands()) {
    out << "  " << c.name << std::string(10 - std::string(c.name).size(), ' ') << c.summary << "\n";
  }
  out << "  help      Show help for a command: srclink help COMMAND\n"
      << "  version   Print the version\n";
}

}  // namespace

int Run(const std::vector<std::string>& args, Streams& io) {
  if (args.empty()) {
    PrintUsage(io.err);
    return 2;
  }
  const std::string& name = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (name == "--version" || name == "version" || name == "-V") {
    io.out << "srclink " << SRCLINK_VERSION << "\n";
    return 0;
  }
  if (name == "help" || name == "--help" || name == "-h") {
    if (rest.empty()) {
      PrintUsage(io.out);
      return 0;
    }
    for (const Command& c : Commands()) {
      if (rest[0] == c.name) {
        io.out << c.help();
        return 0;
      }
    }
    if (rest[0] == "version" || rest[0] == "help") {
      PrintUsage(io.out);
      return 0;
    }
    io.err << "srclink help: unknown command \"" << rest[0] << "\"\n";
    PrintUsage(io.err);
    return 2;
  }
  for (const Command& c : Commands()) {
    if (name == c.name) return c.run(rest, io);
  }
  io.err << "srclink: unknown command \"" << name << "\"\n";
  PrintUsage(io.err);
  return 2;
}

}  // namespace srclink::cli
