// GitPtr: RAII owners for libgit2 objects, shared by the git adapters
// (checkout.cc, remote_fetch.cc): `GitPtr<git_tree, git_tree_free>` frees
// the object when it goes out of scope.
#pragma once

#include <git2.h>

#include <memory>

namespace srclink {

template <typename T, void (*Free)(T*)>
struct GitDeleter {
  void operator()(T* p) const { Free(p); }
};

template <typename T, void (*Free)(T*)>
using GitPtr = std::unique_ptr<T, GitDeleter<T, Free>>;

using RepositoryPtr = GitPtr<git_repository, git_repository_free>;
using CommitPtr = GitPtr<git_commit, git_commit_free>;
using TreePtr = GitPtr<git_tree, git_tree_free>;

}  // namespace srclink
