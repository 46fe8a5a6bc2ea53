// Metrics: the Prometheus counters and histograms of `srclink serve`,
// rendered in the text exposition format (version 0.0.4) at GET /metrics.
//
//   srclink_http_requests_total{route,status}
//   srclink_http_request_duration_seconds{route} (histogram)
//   srclink_uploads_total              commits uploaded
//   srclink_blobs_stored_total         blob records accepted
//   srclink_blob_bytes_stored_total    their stored (zstd-compressed) bytes
//   srclink_fetch_jobs_total{result}   content fetches from git remotes, "done" or "failed"
//   srclink_fetch_blobs_stored_total   file contents those fetches stored
//   srclink_fetch_bytes_stored_total   their stored (zstd-compressed) bytes
//
// `route` is a route pattern ("/api/v1/repositories/{id}/commits"), never a
// raw path, so the label set stays bounded. Thread-safety: every method may
// be called from many threads at once.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace srclink::server {

class Metrics {
 public:
  // Upper bounds in seconds of the duration histogram's buckets (+Inf added).
  static constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10};

  // The route pattern of a request path: one of the API's routes, or "other".
  static std::string RouteLabel(std::string_view path);

  void ObserveRequest(const std::string& route, int status, double seconds);
  void AddUploads(int64_t commits);
  void AddBlobsStored(int64_t blobs, int64_t bytes);
  void AddFetch(bool done, int64_t blobs, int64_t bytes);

  // The text exposition of every metric.
  std::string Render() const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};  // non-cumulative counts
    uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> durations_;
  int64_t uploads_ = 0;
  int64_t blobs_ = 0;
  int64_t blob_bytes_ = 0;
  int64_t fetches_done_ = 0;
  int64_t fetches_failed_ = 0;
  int64_t fetch_blobs_ = 0;
  int64_t fetch_bytes_ = 0;
};

}  // namespace srclink::server
