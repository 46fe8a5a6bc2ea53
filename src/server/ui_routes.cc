#include "server/ui_routes.h"

#include <string>

#include "server/ui_assets.h"

namespace srclink::server {

const UiAsset* FindUiAsset(std::string_view path) {
  for (const UiAsset& a : UiAssets()) {
    if (a.path == path) return &a;
  }
  return nullptr;
}

namespace {

// Scripts, styles, data and connections from this origin only; d3 sets
// element styles, hence 'unsafe-inline' for styles (never for scripts).
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'";

void SendAsset(const UiAsset& asset, const httplib::Request& req, httplib::Response& res) {
  res.set_header("ETag", std::string(asset.etag));
  // Names are not content-hashed: revalidate every time (a 304 is cheap).
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Content-Type-Options", "nosniff");
  if (req.get_header_value("If-None-Match") == asset.etag) {
    res.status = 304;
    return;
  }
  res.set_content(asset.body.data(), asset.body.size(), std::string(asset.content_type));
}

void SendPage(const httplib::Request& req, httplib::Response& res) {
  const UiAsset* page = FindUiAsset("index.html");
  if (page == nullptr) {
    return SendError(
        res, 404, "not_found",
        "this srclink was built without its web UI (-DSRCLINK_UI=OFF); the JSON API is "
        "under /api/v1 (docs/API.md)");
  }
  res.set_header("Content-Security-Policy", kContentSecurityPolicy);
  res.set_header("Referrer-Policy", "same-origin");
  res.set_header("X-Frame-Options", "DENY");
  SendAsset(*page, req, res);
}

}  // namespace

void RegisterUiRoutes(httplib::Server& http, ServerContext& /*ctx*/) {
  http.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/ui/errors", 302);
  });
  http.Get(R"(/ui/assets/(.+))", [](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1];
    const UiAsset* asset = name == "index.html" ? nullptr : FindUiAsset(name);
    if (asset == nullptr) {
      return SendError(res, 404, "not_found", "no UI asset named '" + name + "'");
    }
    SendAsset(*asset, req, res);
  });
  // Registered after the assets, which httplib tries first.
  http.Get("/ui", [](const httplib::Request& req, httplib::Response& res) { SendPage(req, res); });
  http.Get(R"(/ui/(.+))",
           [](const httplib::Request& req, httplib::Response& res) { SendPage(req, res); });
}

}  // namespace srclink::server
