// docs/openapi.yaml and the server agree: every route the server registers
// (src/server/*.cc) is documented, and every documented path and method is
// served (answered by a route, not by the "no route" 404).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "server/server.h"
#include "store/sqlite_store.h"

namespace srclink::server {
namespace {

namespace fs = std::filesystem;

const fs::path kRoot = fs::path(SRCLINK_TEST_DATA).parent_path().parent_path();

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Route {
  std::string method;  // "GET"
  std::string path;    // as the server registers it: "/api/v1/repositories/(.+)/commits"
  bool operator<(const Route& o) const {
    return std::tie(path, method) < std::tie(o.path, o.method);
  }
  bool operator==(const Route& o) const { return path == o.path && method == o.method; }
};

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The `paths:` of docs/openapi.yaml: "  /path:" lines, then "    get:" lines.
std::set<Route> DocumentedRoutes() {
  std::set<Route> out;
  std::istringstream in(ReadFile(kRoot / "docs" / "openapi.yaml"));
  std::string line, path;
  bool in_paths = false;
  static const std::regex kPath(R"(^  (/[^:]*):\s*$)");
  static const std::regex kMethod(R"(^    (get|post|put|delete|patch):.*$)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (line == "paths:") {
      in_paths = true;
      continue;
    }
    if (!in_paths) continue;
    if (!line.empty() && line[0] != ' ') break;
    if (std::regex_match(line, m, kPath)) {
      // "{id}" is how OpenAPI writes the server's "(.+)".
      path = std::regex_replace(m[1].str(), std::regex(R"(\{[^}]+\})"), "(.+)");
    } else if (std::regex_match(line, m, kMethod) && !path.empty()) {
      out.insert({Upper(m[1].str()), path});
    }
  }
  return out;
}

// Every http.Get("…") / Post / Put / Delete in src/server/*.cc.
std::set<Route> RegisteredRoutes() {
  std::set<Route> out;
  static const std::regex kRoute(
      R"re(\.(Get|Post|Put|Delete|Patch)\(\s*(?:R"\((.*?)\)"|"(/[^"]*)"))re");
  for (const auto& entry : fs::directory_iterator(kRoot / "src" / "server")) {
    if (entry.path().extension() != ".cc") continue;
    std::string text = ReadFile(entry.path());
    for (std::sregex_iterator it(text.begin(), text.end(), kRoute), end; it != end; ++it) {
      std::string path = (*it)[2].matched ? (*it)[2].str() : (*it)[3].str();
      out.insert({Upper((*it)[1].str()), path});
    }
  }
  return out;
}

std::string Dump(const std::set<Route>& routes) {
  std::string out;
  for (const auto& r : routes) out += r.method + " " + r.path + "\n";
  return out;
}

TEST(OpenApiTest, EveryRegisteredRouteIsDocumentedAndViceVersa) {
  std::set<Route> documented = DocumentedRoutes();
  std::set<Route> registered = RegisteredRoutes();
  ASSERT_GE(documented.size(), 10u) << Dump(documented);
  ASSERT_GE(registered.size(), 10u) << Dump(registered);
  std::set<Route> undocumented, unserved;
  std::set_difference(registered.begin(), registered.end(), documented.begin(), documented.end(),
                      std::inserter(undocumented, undocumented.end()));
  std::set_difference(documented.begin(), documented.end(), registered.begin(), registered.end(),
                      std::inserter(unserved, unserved.end()));
  EXPECT_TRUE(undocumented.empty()) << "registered in src/server/*.cc but not in "
                                       "docs/openapi.yaml:\n"
                                    << Dump(undocumented);
  EXPECT_TRUE(unserved.empty()) << "in docs/openapi.yaml but registered by no route:\n"
                                << Dump(unserved);
}

TEST(OpenApiTest, EveryDocumentedPathIsServed) {
  fs::path dir =
      fs::temp_directory_path() / ("srclink-openapi-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  auto store = OpenSqliteStore((dir / "srclink.db").string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Migrate().ok());
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = dir.string();
  options.no_auth = true;
  Server server(options, store->get(), [](std::string_view) {});
  ASSERT_TRUE(server.Start().ok());
  httplib::Client client("127.0.0.1", server.port());

  for (const Route& route : DocumentedRoutes()) {
    std::string path =
        std::regex_replace(route.path, std::regex(R"(\(\.\+\))"), "github.com%2Facme%2Fshop");
    httplib::Result r = route.method == "GET"    ? client.Get(path)
                        : route.method == "POST" ? client.Post(path, "{}", "application/json")
                        : route.method == "PUT"  ? client.Put(path, "{}", "application/json")
                                                 : client.Delete(path);
    ASSERT_TRUE(r) << route.method << " " << path;
    EXPECT_THAT(r->body, ::testing::Not(::testing::HasSubstr("no route ")))
        << route.method << " " << path << " answered " << r->status << ": " << r->body;
  }
  server.Stop();
  server.Wait();
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace srclink::server
