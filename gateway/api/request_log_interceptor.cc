#include "gateway/api/request_log_interceptor.h"

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gateway/common/log.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace nhs::tobacco::api {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::InterceptorBatchMethods;
using grpc::experimental::ServerRpcInfo;

// The ids an event may carry: gateway-assigned record ids and the caller's
// idempotency key, never patient data. Top-level string fields only.
constexpr absl::string_view kIdFields[] = {"request_id", "referral_id",
                                           "prescription_id"};

// A caller-chosen header value is logged only when it looks like an id:
// bounded and printable ASCII without spaces, so it cannot forge a line or
// smuggle text into the log.
bool LooksLikeId(absl::string_view value) {
  if (value.empty() || value.size() > 128) return false;
  for (char c : value) {
    if (c <= ' ' || c > '~' || c == '"' || c == '\\') return false;
  }
  return true;
}

bool IsQuiet(absl::string_view method) {
  return absl::StartsWith(method, "/grpc.health.") ||
         absl::StartsWith(method, "/grpc.reflection.");
}

LogLevel LevelFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DATA_LOSS:
      return LogLevel::kError;
    default:
      return LogLevel::kInfo;
  }
}

// grpc::StatusCode names as gRPC spells them: the same numbers and names
// as absl::StatusCode (the metrics use the same).
std::string CodeName(grpc::StatusCode code) {
  std::string name =
      absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  return name.empty() ? "UNKNOWN" : name;
}

class RequestLogInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit RequestLogInterceptor(ServerRpcInfo* info)
      : method_(info->method()),
        // Only our services' messages are protobuf objects here: gRPC's own
        // health service, for one, passes raw byte buffers.
        ours_(absl::StartsWith(method_, "/nhs.tobacco.")),
        unary_(info->type() == ServerRpcInfo::Type::UNARY),
        start_(absl::Now()) {}

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      const auto* metadata = methods->GetRecvInitialMetadata();
      if (metadata != nullptr) {
        auto it = metadata->find("x-request-id");
        if (it != metadata->end()) {
          const absl::string_view value(it->second.data(), it->second.size());
          if (LooksLikeId(value)) header_request_id_ = std::string(value);
        }
      }
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE)) {
      Collect(methods->GetRecvMessage());
    }
    // The answer of a unary call names the record it made (a new
    // referral's id); a stream's messages are too many to look at.
    if (unary_ && methods->QueryInterceptionHookPoint(
                      InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      Collect(methods->GetSendMessage());
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      Write(methods->GetSendStatus());
    }
    methods->Proceed();
  }

 private:
  void Collect(const void* raw) {
    if (raw == nullptr || !ours_) return;
    const auto& message = *static_cast<const google::protobuf::Message*>(raw);
    const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
    const google::protobuf::Reflection* reflection = message.GetReflection();
    for (size_t i = 0; i < std::size(kIdFields); ++i) {
      if (!ids_[i].empty()) continue;
      const google::protobuf::FieldDescriptor* field =
          descriptor->FindFieldByName(std::string(kIdFields[i]));
      if (field == nullptr || field->is_repeated() ||
          field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
        continue;
      }
      std::string value = reflection->GetString(message, field);
      if (LooksLikeId(value)) ids_[i] = std::move(value);
    }
  }

  void Write(const grpc::Status& status) {
    const grpc::StatusCode code = status.error_code();
    LogEvent event(IsQuiet(method_) ? LogLevel::kDebug : LevelFor(code),
                   "grpc");
    event.With("method", method_)
        .With("grpc_code", CodeName(code))
        .With("duration_ms", absl::ToInt64Milliseconds(absl::Now() - start_));
    if (ids_[0].empty() && !header_request_id_.empty()) {
      ids_[0] = header_request_id_;
    }
    for (size_t i = 0; i < std::size(kIdFields); ++i) {
      if (!ids_[i].empty()) event.With(kIdFields[i], ids_[i]);
    }
    event.Write("call finished");
  }

  const std::string method_;
  const bool ours_;
  const bool unary_;
  const absl::Time start_;
  std::string header_request_id_;
  std::string ids_[std::size(kIdFields)];
};

class RequestLogInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      ServerRpcInfo* info) override {
    return new RequestLogInterceptor(info);
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRequestLogInterceptorFactory() {
  return std::make_unique<RequestLogInterceptorFactory>();
}

}  // namespace nhs::tobacco::api
