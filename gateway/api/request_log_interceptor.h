#ifndef GATEWAY_API_REQUEST_LOG_INTERCEPTOR_H_
#define GATEWAY_API_REQUEST_LOG_INTERCEPTOR_H_

#include <grpcpp/support/server_interceptor.h>

#include <memory>

namespace nhs::tobacco::api {

// A gRPC server interceptor that writes one log event per call when its
// status is sent: the method, the code, the duration and the ids the call
// carried (the request's request_id, or the caller's x-request-id header
// when it has none; referral_id and prescription_id of the request or the
// answer). These are the ids the HL7, FHIR and outbox events carry too, so
// one id follows a request across adapters. Health checks and reflection
// log at DEBUG (a load balancer probes every few seconds); server errors
// (INTERNAL, UNKNOWN, DATA_LOSS) at ERROR.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRequestLogInterceptorFactory();

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_REQUEST_LOG_INTERCEPTOR_H_
