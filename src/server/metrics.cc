#include "server/metrics.h"

#include <cstdio>
#include <sstream>

namespace srclink::server {
namespace {

std::string FormatDouble(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

}  // namespace

std::string Metrics::RouteLabel(std::string_view path) {
  static constexpr std::string_view kExact[] = {
      "/healthz",       "/metrics",        "/api/v1/upload/commit", "/api/v1/upload/blobs",
      "/api/v2/srcmap", "/api/v1/resolve", "/api/v1/snippet",       "/go/file",
      "/go/blame",      "/go/commit",      "/api/v1/repositories",  "/api/v1/fetch",
  };
  for (std::string_view route : kExact) {
    if (path == route) return std::string(route);
  }
  constexpr std::string_view kRepos = "/api/v1/repositories/";
  constexpr std::string_view kCommits = "/commits";
  if (path.size() > kRepos.size() + kCommits.size() && path.substr(0, kRepos.size()) == kRepos &&
      path.substr(path.size() - kCommits.size()) == kCommits) {
    return "/api/v1/repositories/{id}/commits";
  }
  return "other";
}

void Metrics::ObserveRequest(const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, status}];
  Histogram& h = durations_[route];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::AddUploads(int64_t commits) {
  std::lock_guard<std::mutex> lock(mu_);
  uploads_ += commits;
}

void Metrics::AddBlobsStored(int64_t blobs, int64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  blobs_ += blobs;
  blob_bytes_ += bytes;
}

void Metrics::AddFetch(bool done, int64_t blobs, int64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  ++(done ? fetches_done_ : fetches_failed_);
  fetch_blobs_ += blobs;
  fetch_bytes_ += bytes;
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::ostringstream out;
  out << "# HELP srclink_http_requests_total HTTP requests answered, by route pattern and status.\n"
      << "# TYPE srclink_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out << "srclink_http_requests_total{route=\"" << key.first << "\",status=\"" << key.second
        << "\"} " << count << "\n";
  }
  out << "# HELP srclink_http_request_duration_seconds Time to answer an HTTP request.\n"
      << "# TYPE srclink_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : durations_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      out << "srclink_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\""
          << FormatDouble(kBuckets[i]) << "\"} " << cumulative << "\n";
    }
    out << "srclink_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} "
        << h.count << "\n"
        << "srclink_http_request_duration_seconds_sum{route=\"" << route << "\"} "
        << FormatDouble(h.sum) << "\n"
        << "srclink_http_request_duration_seconds_count{route=\"" << route << "\"} " << h.count
        << "\n";
  }
  out << "# HELP srclink_uploads_total Commits uploaded.\n"
      << "# TYPE srclink_uploads_total counter\n"
      << "srclink_uploads_total " << uploads_ << "\n"
      << "# HELP srclink_blobs_stored_total File contents (blobs) accepted.\n"
      << "# TYPE srclink_blobs_stored_total counter\n"
      << "srclink_blobs_stored_total " << blobs_ << "\n"
      << "# HELP srclink_blob_bytes_stored_total Compressed bytes of the blobs accepted.\n"
      << "# TYPE srclink_blob_bytes_stored_total counter\n"
      << "srclink_blob_bytes_stored_total " << blob_bytes_ << "\n"
      << "# HELP srclink_fetch_jobs_total Content fetches from git remotes, by result.\n"
      << "# TYPE srclink_fetch_jobs_total counter\n"
      << "srclink_fetch_jobs_total{result=\"done\"} " << fetches_done_ << "\n"
      << "srclink_fetch_jobs_total{result=\"failed\"} " << fetches_failed_ << "\n"
      << "# HELP srclink_fetch_blobs_stored_total File contents stored by fetches.\n"
      << "# TYPE srclink_fetch_blobs_stored_total counter\n"
      << "srclink_fetch_blobs_stored_total " << fetch_blobs_ << "\n"
      << "# HELP srclink_fetch_bytes_stored_total Compressed bytes of the contents fetched.\n"
      << "# TYPE srclink_fetch_bytes_stored_total counter\n"
      << "srclink_fetch_bytes_stored_total " << fetch_bytes_ << "\n";
  return out.str();
}

}  // namespace srclink::server
