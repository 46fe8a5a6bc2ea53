// `srclink serve`: RunServe and ServeHelp of commands.h.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/commands.h"
#include "server/server.h"
#include "store/sqlite_store.h"
#include "store/telemetry_store.h"

namespace srclink::cli {
namespace {

struct ServeOptions {
  std::string listen, data, database, max_body, retention_days;
  std::string otlp_listen, agent_listen, pyroscope_listen, telemetry_retention_days;
  bool no_auth = false;
  bool accept_agent_traffic = false;
  HostOptions hosts;
  std::vector<std::string> fetch_hosts;
};

std::unique_ptr<CLI::App> ServeApp(ServeOptions* o) {
  auto app = std::make_unique<CLI::App>(
      "Run the srclink server: the HTTP API of docs/API.md (uploads, resolve, snippets, /go/ "
      "links).\n"
      "Every option can also come from the environment (SRCLINK_LISTEN, SRCLINK_DATA, "
      "SRCLINK_DATABASE,\n"
      "SRCLINK_NO_AUTH=1, SRCLINK_MAX_BODY, SRCLINK_RETENTION_DAYS, SRCLINK_CONFIG,\n"
      "SRCLINK_FETCH_HOSTS=host,host); flags win.\n"
      "Contents of commits uploaded without them (upload --no-contents, datadog-ci) can be "
      "fetched\n"
      "by the server from their git remote (mirrors in DATA/mirrors), for the hosts --fetch-host\n"
      "allows; credentials, limits and more hosts come from the config file's \"fetch\" object\n"
      "(docs/API.md). Off unless a host is allowed.",
      "srclink serve");
  app->add_option("--listen", o->listen, "HOST:PORT to listen on (default 127.0.0.1:7878)");
  app->add_option("--data", o->data, "Data directory; holds srclink.db (default ./srclink-data)");
  app->add_option("--database", o->database,
                  "postgres://… URL (default: SQLite in the data directory)");
  app->add_flag("--no-auth", o->no_auth, "Accept requests without a key (loopback addresses only)");
  app->add_option("--max-body", o->max_body,
                  "Largest request body in bytes, compressed or not (default 64 MiB)");
  app->add_option("--retention-days", o->retention_days,
                  "Delete file contents unused this many days (default 7; 0 keeps them)");
  app->add_option("--fetch-host", o->fetch_hosts,
                  "Fetch missing contents from git remotes on this host (repeatable): "
                  "git.example.com, *.corp.example, or file for file:// remotes")
      ->type_name("HOST");
  app->add_option("--otlp-listen", o->otlp_listen,
                  "Also take OTLP/HTTP on HOST:PORT, e.g. 127.0.0.1:4318 (OpenTelemetry SDKs' "
                  "default endpoint)");
  app->add_option("--pyroscope-listen", o->pyroscope_listen,
                  "Also take Pyroscope SDKs' profiles on HOST:PORT, e.g. 127.0.0.1:4040 (their "
                  "default server address)");
  app->add_option("--agent-listen", o->agent_listen,
                  "Also take Datadog tracers on HOST:PORT, e.g. 127.0.0.1:8126 (their default "
                  "agent address)");
  app->add_flag("--accept-agent-traffic", o->accept_agent_traffic,
                "Take Datadog tracers' traces without a key (they send none to an agent); "
                "loopback listeners only");
  app->add_option("--telemetry-retention-days", o->telemetry_retention_days,
                  "Forget error groups and code origins unseen this many days (default 30; 0 "
                  "keeps them)");
  o->hosts.Add(*app);
  return app;
}

// The fetch configuration: the config file's "fetch" object, then
// --fetch-host (or SRCLINK_FETCH_HOSTS when no flag is given).
Result<server::FetchOptions> BuildFetchOptions(const ServeOptions& o, Streams& io) {
  server::FetchOptions fetch;
  const std::string config = o.hosts.config.empty() ? io.env("SRCLINK_CONFIG") : o.hosts.config;
  if (!config.empty()) {
    Result<std::string> text = ReadConfigFile(config);
    if (!text.ok()) return text.status();
    auto env = [&io](const std::string& name) { return io.env(name.c_str()); };
    if (Status s = AddFetchFromJson(*text, config, env, &fetch); !s.ok()) return s;
  }
  std::vector<std::string> hosts = o.fetch_hosts;
  std::string where = "--fetch-host";
  if (hosts.empty()) {
    where = "SRCLINK_FETCH_HOSTS";
    std::string list = io.env("SRCLINK_FETCH_HOSTS");
    size_t start = 0;
    while (start <= list.size()) {
      size_t comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      std::string item = list.substr(start, comma - start);
      while (!item.empty() && item.back() == ' ') item.pop_back();
      while (!item.empty() && item.front() == ' ') item.erase(0, 1);
      if (!item.empty()) hosts.push_back(item);
      start = comma + 1;
    }
  }
  for (std::string host : hosts) {
    for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (Status s = server::CheckFetchHostPattern(host); !s.ok()) return s.WithContext(where);
    fetch.hosts.push_back(host);
  }
  return fetch;
}

Result<int64_t> ParseCount(const std::string& text, const std::string& name, int64_t min,
                           int64_t max) {
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument(name + " must be a whole number, not \"" + text.substr(0, 40) +
                                   "\"");
  }
  int64_t v = std::stoll(text);
  if (v < min || v > max) {
    return Status::InvalidArgument(name + " must be between " + std::to_string(min) + " and " +
                                   std::to_string(max) + ", not " + text);
  }
  return v;
}

// Self-pipe: the signal handler only writes one byte (async-signal-safe).
int g_signal_pipe[2] = {-1, -1};

extern "C" void OnStopSignal(int) {
  int saved = errno;
  char c = 1;
  ssize_t ignored = ::write(g_signal_pipe[1], &c, 1);
  (void)ignored;
  errno = saved;
}

}  // namespace

std::string ServeHelp() {
  ServeOptions o;
  return ServeApp(&o)->help();
}

int RunServe(const std::vector<std::string>& args, Streams& io) {
  ServeOptions o;
  auto app = ServeApp(&o);
  if (auto code = Parse(*app, args, io)) return *code;
  auto env_or = [&](std::string& value, const char* name) {
    if (value.empty()) value = io.env(name);
  };
  env_or(o.listen, "SRCLINK_LISTEN");
  env_or(o.data, "SRCLINK_DATA");
  env_or(o.database, "SRCLINK_DATABASE");
  env_or(o.max_body, "SRCLINK_MAX_BODY");
  env_or(o.retention_days, "SRCLINK_RETENTION_DAYS");
  env_or(o.otlp_listen, "SRCLINK_OTLP_LISTEN");
  env_or(o.agent_listen, "SRCLINK_AGENT_LISTEN");
  env_or(o.pyroscope_listen, "SRCLINK_PYROSCOPE_LISTEN");
  env_or(o.telemetry_retention_days, "SRCLINK_TELEMETRY_RETENTION_DAYS");
  if (!o.accept_agent_traffic) {
    o.accept_agent_traffic = io.env("SRCLINK_ACCEPT_AGENT_TRAFFIC") == "1" ||
                             io.env("SRCLINK_ACCEPT_AGENT_TRAFFIC") == "true";
  }
  if (!o.no_auth)
    o.no_auth = io.env("SRCLINK_NO_AUTH") == "1" || io.env("SRCLINK_NO_AUTH") == "true";

  server::ServerOptions options;
  if (!o.listen.empty()) options.listen = o.listen;
  if (!o.data.empty()) options.data_dir = o.data;
  options.database = o.database;
  options.no_auth = o.no_auth;
  options.otlp_listen = o.otlp_listen;
  options.agent_listen = o.agent_listen;
  options.pyroscope_listen = o.pyroscope_listen;
  options.agent_no_auth = o.accept_agent_traffic;
  if (!o.telemetry_retention_days.empty()) {
    auto v = ParseCount(o.telemetry_retention_days, "--telemetry-retention-days", 0, 36500);
    if (!v.ok()) return Fail(io, "serve", v.status(), 2);
    options.telemetry_retention_days = *v;
  }
  if (!o.max_body.empty()) {
    auto v = ParseCount(o.max_body, "--max-body", 1024, int64_t{1} << 32);
    if (!v.ok()) return Fail(io, "serve", v.status(), 2);
    options.max_body = static_cast<size_t>(*v);
  }
  if (!o.retention_days.empty()) {
    auto v = ParseCount(o.retention_days, "--retention-days", 0, 36500);
    if (!v.ok()) return Fail(io, "serve", v.status(), 2);
    options.retention_days = *v;
  }
  auto hosts = o.hosts.Build(io);
  if (!hosts.ok()) return Fail(io, "serve", hosts.status(), 2);
  options.hosts = std::move(*hosts);
  auto fetch = BuildFetchOptions(o, io);
  if (!fetch.ok()) return Fail(io, "serve", fetch.status(), 2);
  options.fetch = std::move(*fetch);

  Result<std::unique_ptr<Store>> store = Status::Internal("no store");
  if (options.database.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.data_dir, ec);
    if (ec) {
      return Fail(io, "serve",
                  Status::IoError("cannot create the data directory " + options.data_dir + ": " +
                                  ec.message() + "; pick another --data"));
    }
  }
  // Uploads and telemetry live in one database: SQLite in the data
  // directory, or the PostgreSQL of --database.
  const std::string database =
      options.database.empty() ? (std::filesystem::path(options.data_dir) / "srclink.db").string()
                               : options.database;
  store = options.database.empty() ? OpenSqliteStore(database) : OpenStore(database);
  if (!store.ok()) return Fail(io, "serve", store.status());
  if (Status s = (*store)->Migrate(); !s.ok()) return Fail(io, "serve", s);
  auto telemetry = OpenTelemetryStore(database);
  if (!telemetry.ok()) return Fail(io, "serve", telemetry.status());
  if (Status s = (*telemetry)->Migrate(); !s.ok()) return Fail(io, "serve", s);

  server::Server server(options, store->get());
  server.AttachTelemetry(telemetry->get());
  if (Status s = server.Start(); !s.ok())
    return Fail(io, "serve", s, s.code() == Status::Code::kInvalidArgument ? 2 : 1);

  io.err << "srclink serve: listening on " << server.Url() << " (" << (*store)->Describe() << ")"
         << (options.no_auth ? ", no key needed (--no-auth)" : "") << "\n";
  if (!options.no_auth) {
    auto keys = (*store)->ListApiKeys();
    if (keys.ok() && keys->empty()) {
      io.err << "srclink serve: no API key exists yet; create one with `srclink keys create "
             << (options.database.empty() ? "--data " + options.data_dir
                                          : std::string("--database URL"))
             << " --name ci --scope upload,read`\n";
    }
  }
  if (options.fetch.enabled()) {
    std::string hosts;
    for (const std::string& h : options.fetch.hosts) hosts += (hosts.empty() ? "" : ", ") + h;
    io.err << "srclink serve: fetching missing contents from git remotes on " << hosts
           << " (mirrors in " << (std::filesystem::path(options.data_dir) / "mirrors").string()
           << ")\n";
  }
  io.err.flush();

  // SIGINT/SIGTERM → one byte on the pipe → Stop().
  if (::pipe(g_signal_pipe) != 0) {
    server.Stop();
    server.Wait();
    return Fail(io, "serve", Status::Internal("pipe() failed"));
  }
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  struct sigaction old_int {
  }, old_term{};
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);

  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::thread collector;
  if (options.retention_days > 0 || options.telemetry_retention_days > 0) {
    collector = std::thread([&] {
      Store* s = store->get();
      std::unique_lock<std::mutex> lock(mu);
      while (!stopping) {
        lock.unlock();
        int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
        if (options.retention_days > 0) {
          auto collected = s->CollectBlobs(now - options.retention_days * 86400);
          if (!collected.ok()) server::LogError("retention: " + collected.status().ToString());
        }
        if (options.telemetry_retention_days > 0) {
          auto collected =
              (*telemetry)
                  ->CollectTelemetry((now - options.telemetry_retention_days * 86400) * 1000);
          if (!collected.ok()) {
            server::LogError("telemetry retention: " + collected.status().ToString());
          }
        }
        lock.lock();
        cv.wait_for(lock, std::chrono::hours(1), [&] { return stopping; });
      }
    });
  }

  char c;
  while (::read(g_signal_pipe[0], &c, 1) < 0 && errno == EINTR) {
  }
  io.err << "srclink serve: stopping\n";
  io.err.flush();
  server.Stop();
  server.Wait();
  {
    std::lock_guard<std::mutex> lock(mu);
    stopping = true;
  }
  cv.notify_all();
  if (collector.joinable()) collector.join();
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  ::close(g_signal_pipe[0]);
  ::close(g_signal_pipe[1]);
  g_signal_pipe[0] = g_signal_pipe[1] = -1;
  io.err << "srclink serve: stopped\n";
  return 0;
}

}  // namespace srclink::cli
