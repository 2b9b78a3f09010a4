#ifndef TESTS_TESTING_GRPC_HEALTH_H_
#define TESTS_TESTING_GRPC_HEALTH_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace nhs::tobacco::testing {

// grpc.health.v1.HealthCheckResponse.ServingStatus.
inline constexpr int kServing = 1;
inline constexpr int kNotServing = 2;

// grpc.health.v1.Health/Check for `service` ("" = the server as a whole),
// without generated health stubs (Debian ships none): the request is
// field 1 (string), the answer field 1 (enum). Returns the serving status,
// or -1 when the call failed (e.g. the listener is closed).
inline int GrpcHealth(const std::shared_ptr<grpc::Channel>& channel,
                      const std::string& service) {
  grpc::GenericStub generic(channel);
  std::string wire;
  if (!service.empty()) {
    wire.push_back('\x0a');
    wire.push_back(static_cast<char>(service.size()));  // < 128 bytes
    wire += service;
  }
  grpc::Slice slice(wire);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  absl::Notification done;
  grpc::Status status;
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  generic.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                    &request, &response, [&](grpc::Status s) {
                      status = std::move(s);
                      done.Notify();
                    });
  done.WaitForNotification();
  if (!status.ok()) return -1;
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) return -1;
  std::string bytes;
  for (const auto& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  // An absent field is the default, UNKNOWN (0).
  if (bytes.empty()) return 0;
  if (bytes.size() != 2 || bytes[0] != '\x08') return -1;
  return bytes[1];
}

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_GRPC_HEALTH_H_
