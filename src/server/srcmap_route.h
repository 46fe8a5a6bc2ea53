// POST /api/v2/srcmap: the route `datadog-ci git-metadata upload` posts to
// when DATADOG_SOURCEMAP_INTAKE_URL points at srclink (datadog-ci appends
// /api/v2/srcmap to that URL itself). The payload is described in
// ingest/datadog_srcmap.h; the key arrives in the DD-API-KEY header and needs
// the upload scope.
//
// The commit is stored as an upload without contents (no blob ids), source
// "datadog-ci"; when the server fetches contents (ctx.fetch) and allows the
// repository's host, a fetch of the commit is queued. Success is 202 with
//   {"repository_id": …, "commit_sha": …, "files": N, "created": bool}
// and "fetching": true when a fetch is queued or running;
// datadog-ci only looks at the status (any 2xx is success).
//
// Errors never use 400: on a 400, datadog-ci asks
// https://api.<DATADOG_SITE>/api/v1/validate whether its key is valid, which
// would send the srclink key to Datadog. An invalid payload is 422
// (invalid_argument, "field" names the part and field), a body that is not
// multipart 415; 401/403 come from ctx.authorize. datadog-ci retries 5xx and
// other 4xx except 401, 403 and 413, then fails.
#pragma once

#include <httplib.h>

#include "server/server_context.h"

namespace srclink::server {

void RegisterSrcmapRoute(httplib::Server& http, ServerContext& ctx);

}  // namespace srclink::server
