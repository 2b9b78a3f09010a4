#ifndef TESTS_TESTING_DEV_MUTUAL_TLS_H_
#define TESTS_TESTING_DEV_MUTUAL_TLS_H_

#include "nhs/tobacco/v1/config.pb.h"
#include "tests/testing/dev_certs.h"

namespace nhs::tobacco::testing {

// The gRPC listener on mutual TLS with the development PKI (server
// certificate and key, client CA, CRL folder) and plaintext off: how
// production runs it.
inline void UseDevMutualTls(v1::GrpcListenerConfig& grpc) {
  grpc.set_allow_insecure(false);
  v1::TlsConfig* tls = grpc.mutable_tls();
  tls->set_cert_file((DevCerts() / "server.pem").string());
  tls->set_key_file((DevCerts() / "server.key").string());
  tls->set_client_ca_file((DevCerts() / "ca.pem").string());
  tls->set_crl_directory((DevCerts() / "crl").string());
}

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_DEV_MUTUAL_TLS_H_
