// `srclink serve`: RunServe and ServeHelp of commands.h.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/commands.h"
#include "server/server.h"
#include "store/sqlite_store.h"

namespace srclink::cli {
namespace {

struct ServeOptions {
  std::string listen, data, database, max_body, retention_days;
  bool no_auth = false;
  HostOptions hosts;
};

std::unique_ptr<CLI::App> ServeApp(ServeOptions* o) {
  auto app = std::make_unique<CLI::App>(
      "Run the srclink server: the HTTP API of docs/API.md (uploads, resolve, snippets, /go/ "
      "links).\n"
      "Every option can also come from the environment (SRCLINK_LISTEN, SRCLINK_DATA, "
      "SRCLINK_DATABASE,\n"
      "SRCLINK_NO_AUTH=1, SRCLINK_MAX_BODY, SRCLINK_RETENTION_DAYS, SRCLINK_CONFIG); flags win.",
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
  o->hosts.Add(*app);
  return app;
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
  if (!o.no_auth)
    o.no_auth = io.env("SRCLINK_NO_AUTH") == "1" || io.env("SRCLINK_NO_AUTH") == "true";

  server::ServerOptions options;
  if (!o.listen.empty()) options.listen = o.listen;
  if (!o.data.empty()) options.data_dir = o.data;
  options.database = o.database;
  options.no_auth = o.no_auth;
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

  Result<std::unique_ptr<Store>> store = Status::Internal("no store");
  if (options.database.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.data_dir, ec);
    if (ec) {
      return Fail(io, "serve",
                  Status::IoError("cannot create the data directory " + options.data_dir + ": " +
                                  ec.message() + "; pick another --data"));
    }
    store = OpenSqliteStore((std::filesystem::path(options.data_dir) / "srclink.db").string());
  } else {
    store = OpenStore(options.database);
  }
  if (!store.ok()) return Fail(io, "serve", store.status());
  if (Status s = (*store)->Migrate(); !s.ok()) return Fail(io, "serve", s);

  server::Server server(options, store->get());
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
  if (options.retention_days > 0) {
    collector = std::thread([&] {
      Store* s = store->get();
      std::unique_lock<std::mutex> lock(mu);
      while (!stopping) {
        lock.unlock();
        int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
        auto collected = s->CollectBlobs(now - options.retention_days * 86400);
        if (!collected.ok()) server::LogError("retention: " + collected.status().ToString());
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
