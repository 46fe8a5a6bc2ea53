#include "store/store.h"

#include "core/git_refs.h"

namespace srclink {

Status CheckRefs(const CommitUpload& upload) {
  if (upload.refs.size() > kMaxRefsPerCommit) {
    return Status::InvalidArgument("commit " + upload.commit_sha + " comes with " +
                                   std::to_string(upload.refs.size()) + " refs; at most " +
                                   std::to_string(kMaxRefsPerCommit) + " are kept per upload");
  }
  for (const std::string& ref : upload.refs) {
    if (!ref.starts_with("refs/") || !IsValidRefName(ref)) {
      return Status::InvalidArgument("ref \"" + ref.substr(0, 80) + "\" of commit " +
                                     upload.commit_sha +
                                     " is not a full ref name: send refs/heads/NAME or "
                                     "refs/tags/NAME (git check-ref-format rules)");
    }
  }
  return Status::Ok();
}

}  // namespace srclink
