#ifndef TESTS_TESTING_GRPC_AS_H_
#define TESTS_TESTING_GRPC_AS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "nhs/tobacco/v1/admin_service.grpc.pb.h"
#include "nhs/tobacco/v1/formulary_service.grpc.pb.h"
#include "nhs/tobacco/v1/outcome_service.grpc.pb.h"
#include "nhs/tobacco/v1/prescription_service.grpc.pb.h"
#include "nhs/tobacco/v1/referral_service.grpc.pb.h"
#include "tests/testing/dev_certs.h"

namespace nhs::tobacco::testing {

// gRPC stubs presenting one development certificate (e.g. "gp-y90001"), or
// none when `cert` is empty, trusting `ca` (another CA's file for tests of
// refusals).
struct GrpcAs {
  GrpcAs(int port, const std::string& cert, const std::string& ca = "ca.pem") {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = DevPem(ca);
    if (!cert.empty()) {
      options.pem_cert_chain = DevPem(cert + ".pem");
      options.pem_private_key = DevPem(cert + ".key");
    }
    channel = grpc::CreateChannel(absl::StrCat("localhost:", port),
                                  grpc::SslCredentials(options));
    referrals = v1::ReferralService::NewStub(channel);
    prescriptions = v1::PrescriptionService::NewStub(channel);
    outcomes = v1::OutcomeService::NewStub(channel);
    admin = v1::AdminService::NewStub(channel);
    formulary = v1::FormularyService::NewStub(channel);
  }
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::ReferralService::Stub> referrals;
  std::unique_ptr<v1::PrescriptionService::Stub> prescriptions;
  std::unique_ptr<v1::OutcomeService::Stub> outcomes;
  std::unique_ptr<v1::AdminService::Stub> admin;
  std::unique_ptr<v1::FormularyService::Stub> formulary;
};

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_GRPC_AS_H_
