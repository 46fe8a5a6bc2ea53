// The web UI's files (web/), bundled by esbuild and embedded in the binary at
// build time (tools/embed_files.cc), so `srclink serve` needs no files and no
// network at run time. Built with -DSRCLINK_UI=OFF, the list is empty.
#pragma once

#include <span>
#include <string_view>

namespace srclink::server {

struct UiAsset {
  std::string_view path;          // "index.html", "app.js", "app.css"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view body;
  std::string_view etag;  // quoted, as the ETag header carries it
};

// Every embedded file; defined in the generated web_assets.cc.
std::span<const UiAsset> UiAssets();

// The file named `path`, or nullptr.
const UiAsset* FindUiAsset(std::string_view path);

}  // namespace srclink::server
