#include "git/git_error.h"

#include <git2.h>

#include <string>

namespace srclink {

std::string LastGitErrorMessage(int code) {
  const git_error* error = git_error_last();
  std::string message;
  if (error != nullptr && error->message != nullptr) message = error->message;
  while (!message.empty() &&
         (message.back() == '\n' || message.back() == '.' || message.back() == ' ')) {
    message.pop_back();
  }
  if (message.empty()) message = "unknown libgit2 error (code " + std::to_string(code) + ")";
  return message;
}

Status::Code StatusCodeForGitError(int code) {
  switch (code) {
    case GIT_ENOTFOUND:
    case GIT_EUNBORNBRANCH:
      return Status::Code::kNotFound;
    case GIT_EAMBIGUOUS:
    case GIT_EINVALIDSPEC:
    case GIT_EINVALID:
    case GIT_EPEEL:
    case GIT_EBAREREPO:
    case GIT_EOWNER:
      return Status::Code::kInvalidArgument;
    default:
      return Status::Code::kIoError;
  }
}

Status MakeStatus(Status::Code code, std::string message) {
  switch (code) {
    case Status::Code::kOk:  // A failure must not read as success.
    case Status::Code::kInternal:
      return Status::Internal(std::move(message));
    case Status::Code::kInvalidArgument:
      return Status::InvalidArgument(std::move(message));
    case Status::Code::kNotFound:
      return Status::NotFound(std::move(message));
    case Status::Code::kUnavailable:
      return Status::Unavailable(std::move(message));
    case Status::Code::kIoError:
      return Status::IoError(std::move(message));
  }
  return Status::Internal(std::move(message));
}

Status GitErrorStatus(int code, std::string_view what, std::string_view fix) {
  std::string message(what);
  if (!fix.empty()) {
    message += ": ";
    message += fix;
  }
  message += " (libgit2: ";
  message += LastGitErrorMessage(code);
  message += ")";
  return MakeStatus(StatusCodeForGitError(code), std::move(message));
}

}  // namespace srclink
