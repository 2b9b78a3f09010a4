// The one TLS policy: TLS 1.3, or TLS 1.2 with ECDHE and AEAD suites only.
#include "adapters/net/tls_policy.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::net {
namespace {

using ::nhs::tobacco::testing::IsOk;

struct CtxDeleter {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using Ctx = std::unique_ptr<SSL_CTX, CtxDeleter>;

std::vector<std::string> Tls12SuitesOf(SSL_CTX* ctx) {
  std::vector<std::string> names;
  STACK_OF(SSL_CIPHER)* ciphers = SSL_CTX_get_ciphers(ctx);
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(ciphers, i);
    // TLS 1.3 suites (TLS_AES_...) are AEAD with ephemeral keys by design.
    if (!absl::StartsWith(SSL_CIPHER_get_name(c), "TLS_")) {
      names.push_back(SSL_CIPHER_get_name(c));
    }
  }
  return names;
}

TEST(ApplyTlsPolicy, LeavesOnlyEcdheAeadSuitesForTls12) {
  Ctx ctx(SSL_CTX_new(TLS_server_method()));
  ASSERT_THAT(ApplyTlsPolicy(ctx.get()), IsOk());
  const std::vector<std::string> names = Tls12SuitesOf(ctx.get());
  ASSERT_FALSE(names.empty());
  for (const std::string& name : names) {
    EXPECT_TRUE(absl::StartsWith(name, "ECDHE-")) << name;
    EXPECT_TRUE(absl::StrContains(name, "GCM") ||
                absl::StrContains(name, "CHACHA20-POLY1305"))
        << name;
  }
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx.get()), TLS1_2_VERSION);
}

// Runs an in-memory TLS 1.2 handshake between a server with the development
// certificate (RSA key) and a client offering only `client_suites`; true
// when it completes.
bool Tls12HandshakeSucceeds(bool with_policy, const char* client_suites) {
  Ctx server(SSL_CTX_new(TLS_server_method()));
  Ctx client(SSL_CTX_new(TLS_client_method()));
  if (with_policy) {
    EXPECT_THAT(ApplyTlsPolicy(server.get()), IsOk());
  }
  const std::string cert = (testing::DevCerts() / "server.pem").string();
  const std::string key = (testing::DevCerts() / "server.key").string();
  EXPECT_EQ(SSL_CTX_use_certificate_chain_file(server.get(), cert.c_str()), 1);
  EXPECT_EQ(
      SSL_CTX_use_PrivateKey_file(server.get(), key.c_str(), SSL_FILETYPE_PEM),
      1);
  SSL_CTX_set_max_proto_version(client.get(), TLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_set_cipher_list(client.get(), client_suites), 1);
  SSL* s = SSL_new(server.get());
  SSL* c = SSL_new(client.get());
  BIO* sb = nullptr;
  BIO* cb = nullptr;
  EXPECT_EQ(BIO_new_bio_pair(&sb, 0, &cb, 0), 1);
  SSL_set_bio(s, sb, sb);
  SSL_set_bio(c, cb, cb);
  SSL_set_accept_state(s);
  SSL_set_connect_state(c);
  bool done = false;
  for (int round = 0; round < 10 && !done; ++round) {
    const int rc = SSL_do_handshake(c);
    const int rs = SSL_do_handshake(s);
    if (rc == 1 && rs == 1) done = true;
    if ((rs != 1 && SSL_get_error(s, rs) == SSL_ERROR_SSL) ||
        (rc != 1 && SSL_get_error(c, rc) == SSL_ERROR_SSL)) {
      break;
    }
  }
  SSL_free(s);
  SSL_free(c);
  ERR_clear_error();
  return done;
}

TEST(ApplyTlsPolicy, RefusesAClientOfferingOnlyRsaKeyExchangeOrCbc) {
  // OpenSSL's defaults accept both: the policy is what refuses them.
  EXPECT_TRUE(Tls12HandshakeSucceeds(false, "AES256-GCM-SHA384"));
  EXPECT_TRUE(Tls12HandshakeSucceeds(false, "ECDHE-RSA-AES128-SHA"));
  EXPECT_FALSE(Tls12HandshakeSucceeds(true, "AES256-GCM-SHA384:AES128-SHA"));
  EXPECT_FALSE(Tls12HandshakeSucceeds(true, "ECDHE-RSA-AES128-SHA"));
}

TEST(ApplyTlsPolicy, AcceptsTls12WithEcdheAndAesGcm) {
  EXPECT_TRUE(Tls12HandshakeSucceeds(true, "ECDHE-RSA-AES128-GCM-SHA256"));
  EXPECT_TRUE(Tls12HandshakeSucceeds(true, "ECDHE-RSA-CHACHA20-POLY1305"));
}

TEST(ApplyTlsPolicy, ANullContextIsAnError) {
  EXPECT_FALSE(ApplyTlsPolicy(nullptr).ok());
}

}  // namespace
}  // namespace nhs::tobacco::net
