// Test support for the command line: Run() in-process with captured
// streams and a fake environment, a scratch directory, JSON Lines.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.h"

namespace srclink::cli {

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

inline Outcome RunCli(std::vector<std::string> args, const std::string& stdin_text = "",
               std::map<std::string, std::string> env = {}) {
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  Streams io{in, out, err, [env](const std::string& name) {
               auto it = env.find(name);
               return it == env.end() ? std::string() : it->second;
             }};
  int code = Run(args, io);
  return {code, out.str(), err.str()};
}

inline std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

// A scratch directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "srclink-cli-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& text) const {
    std::filesystem::path p = std::filesystem::path(path_) / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }

 private:
  std::string path_;
};

}  // namespace srclink::cli
