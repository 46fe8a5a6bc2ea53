// POST /v1/traces and /v1/logs (otlp_routes.h).
#include "server/otlp_routes.h"

#include <nlohmann/json.hpp>
#include <string>

#include "google/rpc/status.pb.h"
#include "ingest/otlp.h"
#include "ingest/telemetry_sink.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace srclink::server {
namespace {

constexpr char kProtobuf[] = "application/x-protobuf";
constexpr char kJson[] = "application/json";

enum class Signal { kTraces, kLogs };

// google.rpc.Code for an HTTP status.
int RpcCode(int http_status) {
  switch (http_status) {
    case 401:
      return 16;  // UNAUTHENTICATED
    case 403:
      return 7;  // PERMISSION_DENIED
    case 413:
    case 429:
      return 8;  // RESOURCE_EXHAUSTED
    case 503:
      return 14;  // UNAVAILABLE
    default:
      return http_status >= 500 ? 13 : 3;  // INTERNAL, INVALID_ARGUMENT
  }
}

// The error answer as OTLP wants it: a google.rpc.Status in the request's encoding.
void SendRpcStatus(httplib::Response& res, int http_status, const std::string& message,
                   OtlpEncoding encoding) {
  res.status = http_status;
  if (encoding == OtlpEncoding::kProtobuf) {
    google::rpc::Status status;
    status.set_code(RpcCode(http_status));
    status.set_message(message);
    res.set_content(status.SerializeAsString(), kProtobuf);
    return;
  }
  nlohmann::ordered_json body{{"code", RpcCode(http_status)}, {"message", message}};
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), kJson);
}

// Turns an answer written by SendError (authorize, ReadBody, SendStatus) into
// an OTLP one, keeping its status and message.
void ToRpcStatus(httplib::Response& res, OtlpEncoding encoding) {
  std::string message = res.body;
  auto parsed = nlohmann::json::parse(res.body, nullptr, false);
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_object() &&
      parsed["error"].contains("message") && parsed["error"]["message"].is_string()) {
    message = parsed["error"]["message"].get<std::string>();
  }
  SendRpcStatus(res, res.status, message, encoding);
}

void SendUnavailable(httplib::Response& res, const std::string& message, OtlpEncoding encoding) {
  SendRpcStatus(res, 503, message, encoding);
  res.set_header("Retry-After", std::to_string(kOtlpRetryAfterSeconds));
}

std::string ErrorMessage(const TelemetryBatch& batch) {
  std::string out = std::to_string(batch.rejected) + " of " +
                    std::to_string(batch.spans + batch.log_records) +
                    " items rejected as malformed: ";
  for (size_t i = 0; i < batch.problems.size(); ++i) out += (i ? "; " : "") + batch.problems[i];
  return out;
}

void SendSuccess(httplib::Response& res, Signal signal, const TelemetryBatch& batch,
                 OtlpEncoding encoding) {
  namespace trace = opentelemetry::proto::collector::trace::v1;
  namespace logs = opentelemetry::proto::collector::logs::v1;
  res.status = 200;
  const bool partial = batch.rejected > 0;
  if (encoding == OtlpEncoding::kProtobuf) {
    std::string body;
    if (signal == Signal::kTraces) {
      trace::ExportTraceServiceResponse response;
      if (partial) {
        response.mutable_partial_success()->set_rejected_spans(
            static_cast<int64_t>(batch.rejected));
        response.mutable_partial_success()->set_error_message(ErrorMessage(batch));
      }
      body = response.SerializeAsString();
    } else {
      logs::ExportLogsServiceResponse response;
      if (partial) {
        response.mutable_partial_success()->set_rejected_log_records(
            static_cast<int64_t>(batch.rejected));
        response.mutable_partial_success()->set_error_message(ErrorMessage(batch));
      }
      body = response.SerializeAsString();
    }
    res.set_content(body, kProtobuf);
    return;
  }
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  if (partial) {
    // OTLP/JSON: lowerCamelCase, 64-bit integers as strings.
    body["partialSuccess"] = {{signal == Signal::kTraces ? "rejectedSpans" : "rejectedLogRecords",
                               std::to_string(batch.rejected)},
                              {"errorMessage", ErrorMessage(batch)}};
  }
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), kJson);
}

void Export(ServerContext& ctx, Signal signal, const httplib::Request& req,
            httplib::Response& res) {
  const char* path = signal == Signal::kTraces ? "/v1/traces" : "/v1/logs";
  std::string type = req.get_header_value("Content-Type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  OtlpEncoding encoding;
  if (type == kProtobuf) {
    encoding = OtlpEncoding::kProtobuf;
  } else if (type == kJson) {
    encoding = OtlpEncoding::kJson;
  } else {
    SendRpcStatus(res, 415,
                  "Content-Type \"" + type.substr(0, 64) + "\" is not supported on " + path +
                      "; send OTLP as application/x-protobuf or application/json",
                  OtlpEncoding::kJson);
    return;
  }
  if (!ctx.authorize(req, res, kScopeUpload)) {
    ToRpcStatus(res, encoding);
    return;
  }
  auto body = ReadBody(ctx, req, res);
  if (!body) {
    ToRpcStatus(res, encoding);
    return;
  }
  Result<TelemetryBatch> batch = signal == Signal::kTraces ? DecodeOtlpTraces(*body, encoding)
                                                           : DecodeOtlpLogs(*body, encoding);
  if (!batch.ok()) {
    SendRpcStatus(res, 400, batch.status().message(), encoding);
    return;
  }
  if (ctx.telemetry == nullptr) {
    SendUnavailable(res, "telemetry ingest is not enabled on this server", encoding);
    return;
  }
  TelemetryBatch answer;  // what the response needs, before the batch is handed over
  answer.spans = batch->spans;
  answer.log_records = batch->log_records;
  answer.rejected = batch->rejected;
  answer.problems = batch->problems;
  Status accepted = ctx.telemetry->Accept(std::move(*batch));
  if (accepted.code() == Status::Code::kUnavailable) {
    SendUnavailable(res, accepted.message(), encoding);
    return;
  }
  if (!accepted.ok()) {
    SendStatus(res, accepted);
    ToRpcStatus(res, encoding);
    return;
  }
  SendSuccess(res, signal, answer, encoding);
}

}  // namespace

void RegisterOtlpRoutes(httplib::Server& http, ServerContext& ctx) {
  http.Post("/v1/traces", [&ctx](const httplib::Request& req, httplib::Response& res) {
    Export(ctx, Signal::kTraces, req, res);
  });
  http.Post("/v1/logs", [&ctx](const httplib::Request& req, httplib::Response& res) {
    Export(ctx, Signal::kLogs, req, res);
  });
}

}  // namespace srclink::server
