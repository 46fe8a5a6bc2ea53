#include <cstdlib>
#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  srclink::cli::Streams io{std::cin, std::cout, std::cerr, [](const std::string& name) {
                             const char* v = std::getenv(name.c_str());
                             return std::string(v ? v : "");
                           }};
  int code = srclink::cli::Run(args, io);
  std::cout.flush();
  return code;
}
