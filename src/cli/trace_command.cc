// `srclink trace`: RunTrace and TraceHelp of commands.h.
//
// Parses a pasted stack trace (any language of core/stack_trace.h) and
// prints its exceptions and frames; with --repo-dir, --files or --server it
// also resolves every frame as `srclink resolve` does.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "cli/resolve_target.h"
#include "cli/upload_client.h"
#include "core/json_text.h"
#include "core/resolver.h"
#include "core/stack_trace.h"

namespace srclink::cli {
namespace {

using json = nlohmann::ordered_json;

struct TraceOptions {
  std::string input = "-";
  std::string language;
  std::string repo_dir, files, repository_url, commit, root, server, repo, service, version;
  std::vector<std::string> maps;
  bool json = false;
  HostOptions hosts;
};

std::unique_ptr<CLI::App> TraceApp(TraceOptions* o) {
  auto app = std::make_unique<CLI::App>(
      "Parse a stack trace (Python, Java/Kotlin/Scala, Go, JavaScript, Ruby, .NET, PHP, C/C++, "
      "Rust)\n"
      "and print its exceptions and frames, chained causes in order. With --repo-dir, --files or\n"
      "--server it also resolves every frame to a repository file, as `srclink resolve` does.",
      "srclink trace");
  app->add_option("FILE", o->input, "The trace; - or nothing reads standard input");
  app->add_option(
      "--language", o->language,
      "python, java, go, javascript, ruby, dotnet, php, native, rust (default: detect)");
  auto* dir = app->add_option("--repo-dir", o->repo_dir, "Resolve against this checkout's HEAD");
  auto* files = app->add_option("--files", o->files, "Resolve against a list of tracked paths");
  auto* server = app->add_option("--server", o->server,
                                 "Resolve through a srclink server (key in SRCLINK_API_KEY)");
  dir->excludes(files)->excludes(server);
  files->excludes(server);
  app->add_option("--repo", o->repo, "With --server: the repository URL");
  app->add_option("--service", o->service,
                  "With --server, instead of --repo/--commit: the service whose telemetry "
                  "told the server its repository and commit");
  app->add_option("--version", o->version, "With --service: the service's version");
  app->add_option("--repository-url", o->repository_url,
                  "With --repo-dir/--files: repository URL for links");
  app->add_option("--commit", o->commit, "The commit (SHA, short SHA or ref with --server)");
  app->add_option("--root", o->root, "Where the service lives in the repository");
  app->add_option("--map", o->maps, "Code mapping from the stack's root to a repository directory")
      ->type_name("STACK=SOURCE");
  app->add_flag("--json", o->json, "One JSON object: language, exceptions, frames, unparsed");
  o->hosts.Add(*app);
  return app;
}

Result<std::string> ReadInput(const std::string& input, std::istream& in) {
  std::string text;
  if (input == "-") {
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } else {
    std::ifstream file(input, std::ios::binary);
    if (!file) return Status::IoError("cannot read " + input + ": check the path");
    text.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  return text;
}

json FrameJson(const TraceFrame& f) {
  json j = {{"file", f.frame.file}};
  if (f.frame.line > 0) j["line"] = f.frame.line;
  if (f.frame.column > 0) j["column"] = f.frame.column;
  if (!f.frame.function.empty()) j["function"] = f.frame.function;
  if (!f.frame.module.empty()) j["module"] = f.frame.module;
  j["in_app"] = f.in_app;
  if (!f.address.empty()) j["address"] = f.address;
  j["text_line"] = f.text_line;
  return j;
}

std::string FrameLabel(const TraceFrame& f) {
  std::string out = f.frame.file.empty() ? "?" : f.frame.file;
  if (f.frame.line > 0) out += ":" + std::to_string(f.frame.line);
  if (f.frame.column > 0) out += ":" + std::to_string(f.frame.column);
  std::string function = f.frame.function;
  if (!f.frame.module.empty()) function = f.frame.module + (function.empty() ? "" : "." + function);
  if (!function.empty()) out += " in " + function;
  return out;
}

// The most frames one /api/v1/resolve request may carry (docs/API.md).
constexpr size_t kMaxFramesPerRequest = 1000;

// The body of one /api/v1/resolve request for frames [from, to).
std::string ResolveRequest(const TraceOptions& o, const std::vector<CodeMapping>& mappings,
                           const std::vector<Frame>& frames, size_t from, size_t to) {
  json j = json::object();
  if (!o.service.empty()) {
    j["service"] = o.service;
    if (!o.version.empty()) j["version"] = o.version;
  } else {
    j["repository_url"] = o.repo;
    j["commit_sha"] = o.commit;
  }
  if (!o.root.empty()) j["root_path"] = o.root;
  if (!mappings.empty()) {
    json m = json::array();
    for (const CodeMapping& c : mappings) {
      m.push_back({{"stack_root", c.stack_root}, {"source_root", c.source_root}});
    }
    j["mappings"] = std::move(m);
  }
  json list = json::array();
  for (size_t i = from; i < to; ++i) {
    const Frame& f = frames[i];
    json fj = {{"file", f.file}};
    if (f.line > 0) fj["line"] = f.line;
    if (f.column > 0) fj["column"] = f.column;
    if (!f.function.empty()) fj["function"] = f.function;
    if (!f.module.empty()) fj["module"] = f.module;
    list.push_back(std::move(fj));
  }
  j["frames"] = std::move(list);
  j["snippets"] = true;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Resolves `frames` through the server at o.server: one answer object per
// frame, in order (docs/API.md, POST /api/v1/resolve).
Status ResolveOnServer(const TraceOptions& o, const std::vector<CodeMapping>& mappings,
                       const std::vector<Frame>& frames, std::ostream& err,
                       std::vector<json>* answers, std::string* source) {
  UploadClientOptions co;
  co.server = o.server;
  if (const char* key = std::getenv("SRCLINK_API_KEY")) co.api_key = key;
  co.timeout = std::chrono::seconds(30);
  co.on_retry = [&err](const std::string& m) { err << "srclink trace: " << m << "\n"; };
  auto client = UploadClient::Create(std::move(co));
  if (!client.ok()) return client.status().WithContext("--server");
  for (size_t from = 0; from < frames.size(); from += kMaxFramesPerRequest) {
    size_t to = std::min(frames.size(), from + kMaxFramesPerRequest);
    auto body = (*client)->PostJson(
        "/api/v1/resolve", ResolveRequest(o, mappings, frames, from, to), "the resolve request");
    if (!body.ok()) return body.status();
    json answer = json::parse(*body, nullptr, /*allow_exceptions=*/false);
    if (!answer.is_object() || !answer.contains("frames") || !answer["frames"].is_array() ||
        answer["frames"].size() != to - from) {
      return Status::Unavailable("the server at " + (*client)->server() +
                                 " answered the resolve request with something other than one "
                                 "result per frame: is it a srclink server of this version?");
    }
    for (auto& f : answer["frames"]) answers->push_back(std::move(f));
    if (source->empty()) {
      *source = (*client)->server() + ", " + answer.value("repository_id", std::string("?")) +
                " at " + answer.value("commit_sha", std::string("?")).substr(0, 12);
    }
  }
  return Status::Ok();
}

// PrintResolution's layout for a resolution the server made (JSON), with
// the snippet when the server sent one.
void PrintServerResolution(const Frame& frame, const json& r, std::ostream& out) {
  auto text = [&r](const char* key) {
    return r.contains(key) && r[key].is_string() ? r[key].get<std::string>() : std::string();
  };
  const std::string status = text("status");
  out << (status.empty() ? "?" : status);
  if (status == "resolved") {
    out << "  " << text("path") << (frame.line > 0 ? ":" + std::to_string(frame.line) : "");
  }
  out << "  [" << text("rule") << (r.value("user_code", false) ? ", user code" : "") << "]\n";
  if (!text("explanation").empty()) out << text("explanation") << "\n";
  if (r.contains("candidates") && r["candidates"].is_array()) {
    for (const auto& c : r["candidates"]) {
      if (c.is_string()) out << "  " << c.get<std::string>() << "\n";
    }
    size_t total = r.value("candidate_count", size_t{0});
    if (total > r["candidates"].size()) {
      out << "  … and " << (total - r["candidates"].size()) << " more\n";
    }
  }
  if (r.contains("links") && r["links"].is_object()) {
    const json& l = r["links"];
    for (const char* key : {"file", "blame", "commit"}) {
      if (l.contains(key) && l[key].is_string()) {
        out << key << std::string(8 - std::strlen(key), ' ') << l[key].get<std::string>() << "\n";
      }
    }
  } else if (!text("links_error").empty()) {
    out << "no links: " << text("links_error") << "\n";
  }
  if (r.contains("snippet") && r["snippet"].is_object()) {
    const json& sn = r["snippet"];
    int64_t number = sn.value("start_line", int64_t{1});
    const int64_t mark = sn.value("line", int64_t{0});
    if (sn.contains("lines") && sn["lines"].is_array()) {
      // Numbers right-aligned to the widest, as editors show them.
      const size_t width =
          std::to_string(number + static_cast<int64_t>(sn["lines"].size()) - 1).size();
      for (const auto& line : sn["lines"]) {
        std::string n = std::to_string(number);
        std::string code = line.is_string() ? line.get<std::string>() : "";
        out << (number == mark ? "> " : "  ") << std::string(width - std::min(width, n.size()), ' ')
            << n << " | " << code << "\n";
        ++number;
      }
    }
  } else if (!text("snippet_error").empty()) {
    out << "no code: " << text("snippet_error") << "\n";
  }
}

}  // namespace

std::string TraceHelp() {
  TraceOptions o;
  return TraceApp(&o)->help();
}

int RunTrace(const std::vector<std::string>& args, Streams& io) {
  TraceOptions o;
  auto app = TraceApp(&o);
  if (auto code = Parse(*app, args, io)) return *code;
  TraceLanguage language = TraceLanguage::kUnknown;
  if (!o.language.empty()) {
    language = ParseTraceLanguage(o.language);
    if (language == TraceLanguage::kUnknown) {
      return Fail(io, "trace",
                  Status::InvalidArgument("--language \"" + o.language.substr(0, 40) +
                                          "\" is not one of python, java, go, javascript, ruby, "
                                          "dotnet, php, native, rust"),
                  2);
    }
  }
  const bool on_server = !o.server.empty();
  if (!on_server && (!o.repo.empty() || !o.service.empty())) {
    return Fail(io, "trace",
                Status::InvalidArgument("--repo and --service go with --server URL; offline, "
                                        "resolve with --repo-dir or --files"),
                2);
  }
  if (on_server && o.service.empty() && (o.repo.empty() || o.commit.empty())) {
    return Fail(io, "trace",
                Status::InvalidArgument("--server needs the repository and commit the trace "
                                        "comes from: --repo URL --commit SHA (a unique prefix of "
                                        "7+ digits will do), or --service NAME [--version V]"),
                2);
  }
  auto hosts = o.hosts.Build(io);
  if (!hosts.ok()) return Fail(io, "trace", hosts.status(), 2);
  auto text = ReadInput(o.input, io.in);
  if (!text.ok()) return Fail(io, "trace", text.status());
  auto parsed = ParseStackTrace(*text, language);
  if (!parsed.ok())
    return Fail(io, "trace", parsed.status().WithContext(o.input == "-" ? "stdin" : o.input));
  const StackTrace& trace = *parsed;

  // Resolution, when a target is given: every frame with a file, in text order.
  bool resolve = !o.repo_dir.empty() || !o.files.empty() || on_server;
  ResolveTarget target;
  std::vector<Resolution> resolutions;
  std::vector<json> answers;  // on_server: the server's resolutions
  std::vector<CodeMapping> mappings;
  for (const std::string& spec : o.maps) {
    auto m = CodeMapping::Parse(spec);
    if (!m.ok()) return Fail(io, "trace", m.status().WithContext("--map"), 2);
    mappings.push_back(*m);
  }
  std::vector<Frame> frames;  // every frame, in text order
  for (const auto& e : trace.exceptions) {
    for (const auto& f : e.frames) frames.push_back(f.frame);
  }
  if (on_server) {
    if (Status st = ResolveOnServer(o, mappings, frames, io.err, &answers, &target.source);
        !st.ok()) {
      return Fail(io, "trace", st);
    }
  } else if (resolve) {
    ResolveOptions ro;
    ro.mappings = std::move(mappings);
    ResolveTargetOptions to{o.repo_dir, o.files, o.repository_url, o.commit, o.json};
    if (Status st = LoadResolveTarget(to, *hosts, io.err, &target); !st.ok())
      return Fail(io, "trace", st);
    ro.root_path = o.root;
    if (target.repo) ro.repository_id = target.repo->Id();
    Resolver resolver(target.index, ro);
    resolutions = resolver.ResolveBatch(frames);
  }

  size_t next = 0;
  if (o.json) {
    json exceptions = json::array();
    for (const auto& e : trace.exceptions) {
      json frames = json::array();
      for (const auto& f : e.frames) {
        json fj = FrameJson(f);
        if (on_server) {
          fj["resolution"] = std::move(answers[next++]);
        } else if (resolve) {
          json r = ResolutionJson(FrameLabel(f), f.frame, resolutions[next++], target, *hosts);
          r.erase("frame");
          fj["resolution"] = std::move(r);
        }
        frames.push_back(std::move(fj));
      }
      json ej = {{"type", e.type}, {"message", e.message}};
      if (!e.relation.empty()) ej["relation"] = e.relation;
      ej["frames"] = std::move(frames);
      if (e.omitted_frames > 0) ej["omitted_frames"] = e.omitted_frames;
      exceptions.push_back(std::move(ej));
    }
    json unparsed = json::array();
    for (const auto& u : trace.unparsed)
      unparsed.push_back({{"line", u.text_line}, {"text", u.text}});
    json out = {{"language", std::string(TraceLanguageName(trace.language))},
                {"exceptions", std::move(exceptions)},
                {"unparsed", std::move(unparsed)}};
    io.out << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    io.out << TraceLanguageName(trace.language) << ": " << trace.exceptions.size()
           << (trace.exceptions.size() == 1 ? " exception, " : " exceptions, ")
           << trace.FrameCount() << (trace.FrameCount() == 1 ? " frame" : " frames");
    if (resolve) io.out << ", resolved against " << target.source;
    io.out << "\n";
    for (const auto& e : trace.exceptions) {
      io.out << "\n";
      if (!e.relation.empty()) io.out << "(" << e.relation << ") ";
      io.out << (e.type.empty() ? "(no exception type)" : e.type);
      if (!e.message.empty()) io.out << ": " << e.message;
      io.out << "\n";
      for (const auto& f : e.frames) {
        io.out << "  " << (f.in_app ? "  " : "· ") << FrameLabel(f) << "\n";
        if (!resolve) continue;
        std::ostringstream detail;
        std::string block;
        if (on_server) {
          PrintServerResolution(f.frame, answers[next++], detail);
          block = detail.str();
        } else {
          PrintResolution(FrameLabel(f), f.frame, resolutions[next++], target, *hosts, detail);
          block = detail.str();
          // Skip PrintResolution's first line (the input, already shown); its
          // other lines are indented by two.
          size_t nl = block.find('\n');
          block = nl == std::string::npos ? "" : block.substr(nl + 1);
        }
        std::istringstream lines(block);
        for (std::string line; std::getline(lines, line);) {
          io.out << (on_server ? "        " : "      ") << line << "\n";
        }
      }
      if (e.omitted_frames > 0) io.out << "    … " << e.omitted_frames << " more frames omitted\n";
    }
  }
  if (!trace.unparsed.empty() && !o.json) {
    io.err << "srclink trace: " << trace.unparsed.size()
           << (trace.unparsed.size() == 1 ? " line was" : " lines were")
           << " not part of a frame (first: line " << trace.unparsed.front().text_line << ")\n";
  }
  if (trace.FrameCount() == 0) {
    io.err << "srclink trace: no stack frames found"
           << (language == TraceLanguage::kUnknown
                   ? "; if this is a stack trace, name its language with --language"
                   : " for --language " + o.language)
           << "\n";
    return 1;
  }
  return 0;
}

}  // namespace srclink::cli
