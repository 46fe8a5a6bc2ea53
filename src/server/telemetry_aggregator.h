// TelemetryAggregator: the server's TelemetrySink. Ingest routes hand it
// decoded batches; it turns them into what srclink keeps — error events
// parsed (core/stack_trace.h), fingerprinted (core/error_fingerprint.h) and
// grouped into issues; service entry spans counted per (service, resource)
// with their code origin; git tags learnt per service and version — and
// flushes the aggregates to the TelemetryStore once per interval, so the
// database sees a few hundred upserts a second, not every span.
//
// Memory is bounded: at most `max_pending` distinct groups and origins wait
// for a flush, and at most `events_per_group` events per group; beyond that
// Accept() answers Unavailable and the route asks the client to retry.
//
// Thread-safety: Accept and Flush may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "core/provider.h"
#include "ingest/telemetry_sink.h"
#include "store/telemetry_store.h"

namespace srclink::server {

struct TelemetryAggregatorOptions {
  std::chrono::milliseconds flush_interval{1000};
  size_t max_pending = 100000;  // distinct error groups + code origins + services waiting
  size_t events_per_group = 5;  // events kept per group per flush (the store keeps its own N)
};

struct TelemetryCounts {
  int64_t batches = 0;
  int64_t errors = 0;
  int64_t entry_spans = 0;
  int64_t refused = 0;  // batches refused (overload)
  int64_t flushes = 0;
  int64_t flush_failures = 0;
};

class TelemetryAggregator : public TelemetrySink {
 public:
  // `now_ms` gives unix milliseconds (for events without a time). `hosts`
  // declares self-hosted providers for URL normalisation; may be null.
  TelemetryAggregator(TelemetryStore* store, const HostRegistry* hosts,
                      TelemetryAggregatorOptions options, std::function<int64_t()> now_ms);
  ~TelemetryAggregator() override;  // Stop()

  Status Accept(TelemetryBatch batch) override;

  // Writes everything pending to the store. On failure the pending deltas are
  // kept (merged with newer ones) and written by the next flush.
  Status Flush();

  // A background thread flushing every flush_interval; Stop() flushes once more.
  void Start();
  void Stop();

  TelemetryCounts counts() const;

 private:
  using GroupKey = std::tuple<std::string, std::string, std::string>;   // service, env, fingerprint
  using OriginKey = std::tuple<std::string, std::string, std::string>;  // service, env, resource
  using ServiceKey = std::pair<std::string, std::string>;               // service, version

  struct PendingGroup {
    ErrorGroupDelta delta;
    std::map<std::string, int64_t> versions;
    std::map<int64_t, int64_t> hours;  // hour start (unix ms) → events
    std::vector<std::string> events;   // JSON, newest last, at most events_per_group
  };

  void AddError(const ErrorEvent& e, int64_t now);
  void AddEntry(const EntrySpan& s, int64_t now);
  void LearnTags(const ServiceIdentity& service, const GitAttributes* git, int64_t seen);
  size_t PendingLocked() const { return groups_.size() + origins_.size() + services_.size(); }

  TelemetryStore* store_;
  const HostRegistry* hosts_;
  TelemetryAggregatorOptions options_;
  std::function<int64_t()> now_ms_;

  mutable std::mutex mu_;
  std::map<GroupKey, PendingGroup> groups_;
  std::map<OriginKey, CodeOriginDelta> origins_;
  std::map<ServiceKey, ServiceTags> services_;
  TelemetryCounts counts_;

  std::mutex flush_mu_;  // one flush at a time
  std::mutex thread_mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace srclink::server
