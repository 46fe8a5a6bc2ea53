// The srclink command line: a table of commands (url, link, resolve, help,
// version), each a thin layer over src/core and src/git.
//
// Run() is main() without the process: arguments, streams and environment
// are passed in, so tests drive it in-process. Exit codes: 0 success, 1 some
// input could not be handled (each said on stderr), 2 usage error.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace srclink::cli {

struct Streams {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  // Environment lookup (getenv in production); returns "" when unset.
  std::function<std::string(const std::string&)> env;
};

int Run(const std::vector<std::string>& args, Streams& io);

}  // namespace srclink::cli
