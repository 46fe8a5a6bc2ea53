// NormalizeFramePath with a reused FramePathScratch and FramePath: the same
// result as a fresh call, whatever the previous frame left in the buffers.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/frame_path.h"

namespace srclink {
namespace {

TEST(FramePathScratchTest, ReusedBuffersGiveTheSameResult) {
  const std::vector<std::string> raws = {
      "webpack:///./src/components/App.tsx?abc#x",
      "C:\\Users\\dev\\src\\app\\Program.cs",
      "",
      "/home/runner/work/mono/mono/services/api/handler.go",
      "<anonymous>",
      "file://server/share/dir/x.py",
      "../../lib/x%20y.js",
      "\\\\?\\UNC\\server\\share\\x.cs",
      "node:internal/modules/cjs/loader",
      "/C:/x/y.cs",
      "a/../node:x",
      "https://cdn.example.com/js/app.min.js",
  };
  FramePathScratch scratch;
  FramePath reused;
  for (int round = 0; round < 2; ++round) {
    for (const std::string& raw : raws) {
      NormalizeFramePath(raw, &scratch, &reused);
      FramePath fresh = NormalizeFramePath(raw);
      EXPECT_EQ(reused.Dump(), fresh.Dump()) << raw;
      EXPECT_EQ(reused.path, fresh.path) << raw;
      EXPECT_EQ(reused.scheme, fresh.scheme) << raw;
      EXPECT_EQ(reused.drive, fresh.drive) << raw;
      EXPECT_EQ(reused.absolute, fresh.absolute) << raw;
      EXPECT_EQ(reused.windows, fresh.windows) << raw;
      EXPECT_EQ(reused.up_levels, fresh.up_levels) << raw;
    }
  }
}

}  // namespace
}  // namespace srclink
