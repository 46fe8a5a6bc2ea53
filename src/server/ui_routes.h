// The web UI, on the API's port (no key needed for the pages themselves; the
// pages call the API with the key the user saves in the browser):
//   GET /                      302 to /ui/errors
//   GET /ui, /ui/...           the UI's page (index.html); the page routes itself
//   GET /ui/assets/NAME        an embedded file (ETag, If-None-Match → 304)
// Pages are served with a Content-Security-Policy that allows only this origin.
#pragma once

#include <httplib.h>

#include "server/server_context.h"

namespace srclink::server {

void RegisterUiRoutes(httplib::Server& http, ServerContext& ctx);

}  // namespace srclink::server
