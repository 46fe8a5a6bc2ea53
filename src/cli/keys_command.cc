// `srclink keys create|list|delete`: RunKeys and KeysHelp of commands.h.
#include <ctime>
#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "server/api_keys.h"
#include "store/sqlite_store.h"

namespace srclink::cli {
namespace {

struct KeysOptions {
  std::string data, database, name, scope;
  std::string key_id;
};

void AddStoreOptions(CLI::App* app, KeysOptions* o) {
  app->add_option("--data", o->data,
                  "The server's data directory (default ./srclink-data; $SRCLINK_DATA)");
  app->add_option("--database", o->database,
                  "postgres://… URL of the server's database ($SRCLINK_DATABASE)");
}

std::unique_ptr<CLI::App> KeysApp(KeysOptions* o) {
  auto app = std::make_unique<CLI::App>("Create, list and delete the API keys of `srclink serve`.",
                                        "srclink keys");
  app->require_subcommand(1);
  auto* create =
      app->add_subcommand("create", "Create a key and print it (once: it cannot be shown again)");
  create->add_option("--name", o->name, "What the key is for, e.g. ci")->required();
  create->add_option("--scope", o->scope, "Comma-separated scopes: upload, read, admin")
      ->required();
  AddStoreOptions(create, o);
  auto* list =
      app->add_subcommand("list", "List keys: id, name, scopes, creation time (never secrets)");
  AddStoreOptions(list, o);
  auto* del = app->add_subcommand("delete", "Delete a key; requests using it fail from then on");
  del->add_option("KEY_ID", o->key_id, "The key's id (as `keys list` shows it)")->required();
  AddStoreOptions(del, o);
  return app;
}

Result<std::unique_ptr<Store>> Open(KeysOptions& o, Streams& io) {
  if (o.data.empty()) o.data = io.env("SRCLINK_DATA");
  if (o.database.empty()) o.database = io.env("SRCLINK_DATABASE");
  Result<std::unique_ptr<Store>> store = Status::Internal("no store");
  if (o.database.empty()) {
    std::string dir = o.data.empty() ? "srclink-data" : o.data;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::IoError("cannot create the data directory " + dir + ": " + ec.message());
    store = OpenSqliteStore((std::filesystem::path(dir) / "srclink.db").string());
  } else {
    store = OpenStore(o.database);
  }
  if (!store.ok()) return store;
  if (Status s = (*store)->Migrate(); !s.ok()) return s;
  return store;
}

std::string FormatTime(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::string KeysHelp() {
  KeysOptions o;
  return KeysApp(&o)->help();
}

int RunKeys(const std::vector<std::string>& args, Streams& io) {
  KeysOptions o;
  auto app = KeysApp(&o);
  if (auto code = Parse(*app, args, io)) return *code;
  CLI::App* sub = app->get_subcommands().front();
  const std::string command = "keys " + sub->get_name();

  if (sub->get_name() == "create") {
    auto scopes = server::ParseScopes(o.scope);
    if (!scopes.ok()) return Fail(io, command, scopes.status().WithContext("--scope"), 2);
    if (o.name.empty() || o.name.size() > 200) {
      return Fail(io, command, Status::InvalidArgument("--name must be 1 to 200 characters"), 2);
    }
    auto store = Open(o, io);
    if (!store.ok()) return Fail(io, command, store.status());
    auto key = server::GenerateApiKey();
    if (!key.ok()) return Fail(io, command, key.status());
    ApiKeyInfo info;
    info.key_id = key->key_id;
    info.secret_hash = server::HashSecret(key->secret);
    info.name = o.name;
    info.scopes = *scopes;
    info.created_at = static_cast<int64_t>(std::time(nullptr));
    if (Status s = (*store)->PutApiKey(info); !s.ok()) return Fail(io, command, s);
    io.out << key->key << "\n";
    io.out.flush();
    io.err << "srclink keys create: created key sk_" << key->key_id << " (\"" << o.name
           << "\", scopes " << server::ScopeNames(*scopes)
           << "); store it now: it cannot be shown again\n";
    return 0;
  }

  if (sub->get_name() == "list") {
    auto store = Open(o, io);
    if (!store.ok()) return Fail(io, command, store.status());
    auto keys = (*store)->ListApiKeys();
    if (!keys.ok()) return Fail(io, command, keys.status());
    for (const ApiKeyInfo& k : *keys) {
      io.out << "sk_" << k.key_id << "  " << k.name << "  " << server::ScopeNames(k.scopes) << "  "
             << FormatTime(k.created_at) << "\n";
    }
    if (keys->empty())
      io.err << "srclink keys list: no keys; create one with `srclink keys create`\n";
    return 0;
  }

  // delete
  std::string id = o.key_id;
  if (id.rfind("sk_", 0) == 0) id = id.substr(3);
  if (id.size() > server::kKeyIdLength)
    id = id.substr(0, server::kKeyIdLength);  // a full key pasted
  auto store = Open(o, io);
  if (!store.ok()) return Fail(io, command, store.status());
  auto existing = (*store)->GetApiKey(id);
  if (!existing.ok()) {
    if (existing.status().code() == Status::Code::kNotFound) {
      return Fail(io, command,
                  Status::NotFound("no key sk_" + id + "; `srclink keys list` shows the keys"));
    }
    return Fail(io, command, existing.status());
  }
  if (Status s = (*store)->DeleteApiKey(id); !s.ok()) return Fail(io, command, s);
  io.err << "srclink keys delete: deleted sk_" << id << " (\"" << existing->name << "\")\n";
  return 0;
}

}  // namespace srclink::cli
