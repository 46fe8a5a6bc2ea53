// `srclink trace`: RunTrace and TraceHelp of commands.h.
//
// Parses a pasted stack trace (any language of core/stack_trace.h) and
// prints its exceptions and frames; with --repo-dir, --files or --server it
// also resolves every frame as `srclink resolve` does.
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "cli/resolve_target.h"
#include "core/resolver.h"
#include "core/stack_trace.h"

namespace srclink::cli {
namespace {

using json = nlohmann::ordered_json;

struct TraceOptions {
  std::string input = "-";
  std::string language;
  std::string repo_dir, files, repository_url, commit, root, server, repo;
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
  if (!o.server.empty() || !o.repo.empty()) {
    return Fail(io, "trace",
                Status::InvalidArgument("--server is not available in this build; resolve with "
                                        "--repo-dir or --files"),
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
  bool resolve = !o.repo_dir.empty() || !o.files.empty();
  ResolveTarget target;
  std::vector<Resolution> resolutions;
  if (resolve) {
    ResolveOptions ro;
    for (const std::string& spec : o.maps) {
      auto m = CodeMapping::Parse(spec);
      if (!m.ok()) return Fail(io, "trace", m.status().WithContext("--map"), 2);
      ro.mappings.push_back(*m);
    }
    ResolveTargetOptions to{o.repo_dir, o.files, o.repository_url, o.commit, o.json};
    if (Status st = LoadResolveTarget(to, *hosts, io.err, &target); !st.ok())
      return Fail(io, "trace", st);
    ro.root_path = o.root;
    if (target.repo) ro.repository_id = target.repo->Id();
    std::vector<Frame> frames;
    for (const auto& e : trace.exceptions) {
      for (const auto& f : e.frames) frames.push_back(f.frame);
    }
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
        if (resolve) {
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
        const Resolution& r = resolutions[next++];
        std::ostringstream detail;
        PrintResolution(FrameLabel(f), f.frame, r, target, *hosts, detail);
        std::string block = detail.str();
        // Skip PrintResolution's first line (the input, already shown) and indent the rest.
        size_t nl = block.find('\n');
        block = nl == std::string::npos ? "" : block.substr(nl + 1);
        std::istringstream lines(block);
        for (std::string line; std::getline(lines, line);) io.out << "      " << line << "\n";
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
