// TelemetrySink: where decoded telemetry goes. Ingest routes (OTLP, Datadog
// tracers) decode a request into a TelemetryBatch and hand it to a sink; the
// server's sink fingerprints errors, learns services' git tags, resolves
// code origins and stores them. Tests use a fake that keeps the batches.
#pragma once

#include <mutex>
#include <vector>

#include "core/status.h"
#include "core/telemetry.h"

namespace srclink {

class TelemetrySink {
 public:
  virtual ~TelemetrySink() = default;
  // Takes the batch. Unavailable when the sink is overloaded (the route answers
  // 503/429 with Retry-After and the client retries); never blocks for long.
  virtual Status Accept(TelemetryBatch batch) = 0;
};

// Keeps every batch; thread-safe. `fail_with` makes Accept fail (overload tests).
class FakeTelemetrySink : public TelemetrySink {
 public:
  Status Accept(TelemetryBatch batch) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!fail_with.ok()) return fail_with;
    batches_.push_back(std::move(batch));
    return Status::Ok();
  }
  std::vector<TelemetryBatch> batches() const {
    std::lock_guard<std::mutex> lock(mu_);
    return batches_;
  }
  Status fail_with = Status::Ok();

 private:
  mutable std::mutex mu_;
  std::vector<TelemetryBatch> batches_;
};

}  // namespace srclink
