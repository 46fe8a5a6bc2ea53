#include "synthetic_repo.h"

#include <unordered_set>

namespace srclink::bench {

namespace {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t Next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  uint64_t state_;
};

const std::vector<std::string> kWords = {
    "account", "auth",      "billing",  "cache",    "cart",     "catalog", "checkout", "config",
    "core",    "data",      "email",    "events",   "feed",     "gateway", "graph",    "identity",
    "index",   "inventory", "invoice",  "jobs",     "kafka",    "ledger",  "logging",  "media",
    "metrics", "notify",    "orders",   "payments", "pricing",  "profile", "queue",    "rating",
    "refund",  "report",    "search",   "session",  "shipping", "storage", "stream",   "tax",
    "tenant",  "token",     "tracking", "user",     "vault",    "web",     "worker",   "admin",
    "api",     "audit"};

std::string Name(Rng& rng) { return rng.Pick(kWords) + "-" + rng.Pick(kWords); }
std::string Ident(Rng& rng) { return rng.Pick(kWords) + "_" + rng.Pick(kWords); }
std::string Camel(Rng& rng) {
  std::string a = rng.Pick(kWords), b = rng.Pick(kWords);
  a[0] = static_cast<char>(a[0] - 'a' + 'A');
  b[0] = static_cast<char>(b[0] - 'a' + 'A');
  return a + b;
}

void JsProject(Rng& rng, const std::string& root, std::vector<std::string>* out, size_t files) {
  out->push_back(root + "/package.json");
  out->push_back(root + "/README.md");
  out->push_back(root + "/src/index.js");
  for (size_t i = 0; i < files; ++i) {
    std::string dir = root + "/src/" + rng.Pick(kWords);
    if (rng.Below(2)) dir += "/" + rng.Pick(kWords);
    switch (rng.Below(4)) {
      case 0:
        out->push_back(dir + "/index.js");
        break;
      case 1:
        out->push_back(dir + "/" + rng.Pick(kWords) + ".ts");
        break;
      case 2:
        out->push_back(dir + "/__tests__/" + rng.Pick(kWords) + ".test.ts");
        break;
      default:
        out->push_back(dir + "/" + Camel(rng) + ".tsx");
        break;
    }
  }
}

void PyProject(Rng& rng, const std::string& root, const std::string& pkg,
               std::vector<std::string>* out, size_t files) {
  out->push_back(root + "/BUILD");
  out->push_back(root + "/setup.py");
  out->push_back(root + "/" + pkg + "/__init__.py");
  for (size_t i = 0; i < files; ++i) {
    std::string dir = root + "/" + pkg + "/" + rng.Pick(kWords);
    if (rng.Below(3) == 0)
      out->push_back(dir + "/__init__.py");
    else if (rng.Below(4) == 0)
      out->push_back(root + "/tests/test_" + Ident(rng) + ".py");
    else
      out->push_back(dir + "/" + rng.Pick(kWords) + ".py");
  }
}

void GoProject(Rng& rng, const std::string& root, const std::string& name,
               std::vector<std::string>* out, size_t files) {
  out->push_back(root + "/go.mod");
  out->push_back(root + "/Makefile");
  out->push_back(root + "/cmd/" + name + "/main.go");
  for (size_t i = 0; i < files; ++i) {
    std::string dir = root + (rng.Below(2) ? "/internal/" : "/pkg/") + rng.Pick(kWords);
    out->push_back(dir + "/" + rng.Pick(kWords) + (rng.Below(4) == 0 ? "_test.go" : ".go"));
  }
}

void JavaProject(Rng& rng, const std::string& root, const std::string& name,
                 std::vector<std::string>* out, size_t files) {
  out->push_back(root + "/pom.xml");
  out->push_back(root + "/BUILD");
  std::string base = root + "/src/main/java/com/example/" + name;
  for (size_t i = 0; i < files; ++i) {
    std::string sub = rng.Pick(kWords);
    out->push_back(base + "/" + sub + "/" + Camel(rng) +
                   (rng.Below(3) == 0 ? "Service.java" : ".java"));
  }
}

void CppProject(Rng& rng, const std::string& root, const std::string& name,
                std::vector<std::string>* out, size_t files) {
  out->push_back(root + "/CMakeLists.txt");
  out->push_back(root + "/Makefile");
  out->push_back(root + "/BUILD");
  for (size_t i = 0; i < files; ++i) {
    std::string stem = Ident(rng);
    out->push_back(root + "/src/" + stem + ".cc");
    out->push_back(root + "/include/" + name + "/" + stem + ".h");
  }
}

}  // namespace

std::vector<std::string> GenerateRepositoryPaths(size_t count, uint64_t seed) {
  Rng rng(seed);
  std::vector<std::string> paths;
  paths.reserve(count + 64);
  std::unordered_set<std::string> seen;
  seen.reserve(count * 2);
  std::vector<std::string> batch;
  size_t project = 0;
  while (paths.size() < count) {
    batch.clear();
    std::string name = Name(rng) + "-" + std::to_string(project++);
    size_t files = 10 + rng.Below(60);
    switch (rng.Below(5)) {
      case 0:
        JsProject(rng, (rng.Below(2) ? "packages/" : "apps/web/") + name, &batch, files);
        break;
      case 1:
        PyProject(rng, "services/" + name, Ident(rng), &batch, files);
        break;
      case 2:
        GoProject(rng, "services/" + name, name, &batch, files);
        break;
      case 3:
        JavaProject(rng, "services/" + name, rng.Pick(kWords), &batch, files);
        break;
      default:
        CppProject(rng, "libs/" + name, rng.Pick(kWords), &batch, files);
        break;
    }
    for (std::string& p : batch) {
      if (paths.size() >= count) break;
      if (seen.insert(p).second) paths.push_back(std::move(p));
    }
  }
  return paths;
}

std::vector<std::string> GenerateFrames(const std::vector<std::string>& paths, size_t count,
                                        uint64_t seed) {
  Rng rng(seed);
  std::vector<std::string> frames;
  frames.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const std::string& p = rng.Pick(paths);
    switch (rng.Below(10)) {
      case 0:
      case 1:
      case 2:
      case 3:
        frames.push_back("/home/runner/work/mono/mono/" + p);
        break;
      case 4:
      case 5: {
        // Container image of one project: its directory is stripped.
        size_t cut = p.find('/', p.find('/') + 1);
        frames.push_back("/app" + (cut == std::string::npos ? "/" + p : p.substr(cut)));
        break;
      }
      case 6:
        frames.push_back("webpack:///./" + p);
        break;
      case 7: {
        std::string w = "C:\\build\\" + p;
        for (char& c : w)
          if (c == '/') c = '\\';
        frames.push_back(w);
        break;
      }
      default:
        frames.push_back("/usr/lib/python3.11/" + rng.Pick(kWords) + "/" + rng.Pick(kWords) +
                         ".py");
        break;
    }
  }
  return frames;
}

}  // namespace srclink::bench
