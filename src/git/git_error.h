// Converting libgit2 errors into srclink::Status, at the git adapter's boundary.
//
// Messages read "<what failed>: <how to fix it> (libgit2: <libgit2's message>)",
// the same shape as every other srclink error, with libgit2's own words last so
// that the user-facing part stays stable across libgit2 versions.
//
// Thread-safety: libgit2 keeps its last error per thread; call these on the
// thread that saw the failing libgit2 call, right after it.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace srclink {

// libgit2's message for the last error on this thread, without a trailing
// newline or period; "unknown libgit2 error (code N)" when it left none.
std::string LastGitErrorMessage(int code);

// The Status code that fits a libgit2 return code: GIT_ENOTFOUND and
// GIT_EUNBORNBRANCH → kNotFound; GIT_EAMBIGUOUS, GIT_EINVALIDSPEC,
// GIT_EINVALID, GIT_EPEEL, GIT_EBAREREPO, GIT_EOWNER → kInvalidArgument;
// anything else → kIoError (reading the repository failed).
Status::Code StatusCodeForGitError(int code);

// A non-ok Status for the libgit2 error `code` (< 0) just returned:
// "<what>: <fix> (libgit2: <message>)", or "<what> (libgit2: <message>)" when
// `fix` is empty.
Status GitErrorStatus(int code, std::string_view what, std::string_view fix);

// A non-ok Status with `code` and `message` (kOk becomes kInternal).
Status MakeStatus(Status::Code code, std::string message);

}  // namespace srclink
