// SyntheticRepo: a generated monorepo for benchmarks — realistic depth and
// name collisions (thousands of index.js, __init__.py, Makefile, BUILD,
// main.go), in JS/TS, Python, Go, Java and C++ projects — plus stack frames
// that point into it the way telemetry does.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace srclink::bench {

// Deterministic for a given (count, seed).
std::vector<std::string> GenerateRepositoryPaths(size_t count, uint64_t seed = 42);

// Frame file references into `paths`: CI-runner absolute paths, container
// paths with the service directory stripped (/app/...), webpack URLs,
// Windows paths, and a share of frames outside the repository.
std::vector<std::string> GenerateFrames(const std::vector<std::string>& paths, size_t count,
                                        uint64_t seed = 7);

}  // namespace srclink::bench
