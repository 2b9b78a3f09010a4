// The context holder behind certificate rotation: a reload swaps in a
// complete new context or nothing, and a context already handed out stays
// valid (an open connection is never cut).
#include "adapters/net/tls_context_holder.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::net {
namespace {

using ::nhs::tobacco::testing::DevCerts;
using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

// A server context holding the certificate in `cert` (and its key), or
// FailedPrecondition naming the file: what the listeners' builders do.
struct Context {
  explicit Context(SSL_CTX* c) : ctx(c) {}
  ~Context() { SSL_CTX_free(ctx); }
  SSL_CTX* ctx;
};

absl::StatusOr<std::shared_ptr<Context>> Load(const std::string& cert,
                                              const std::string& key) {
  auto context = std::make_shared<Context>(SSL_CTX_new(TLS_server_method()));
  if (SSL_CTX_use_certificate_chain_file(context->ctx, cert.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(context->ctx, key.c_str(),
                                  SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(context->ctx) != 1) {
    return absl::FailedPreconditionError("cannot use " + cert);
  }
  return context;
}

std::string SubjectOf(const Context& context) {
  X509* cert = SSL_CTX_get0_certificate(context.ctx);
  char text[256] = "";
  X509_NAME_oneline(X509_get_subject_name(cert), text, sizeof(text));
  return text;
}

// The files a builder reads, which a test replaces between reloads.
class TlsContextHolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tobacco_holder_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    Use("server");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Makes `name`.pem/.key (from the development PKI) the files in use.
  void Use(const std::string& name) {
    for (const char* ext : {".pem", ".key"}) {
      std::filesystem::copy_file(
          DevCerts() / (name + ext), dir_ / (std::string("tls") + ext),
          std::filesystem::copy_options::overwrite_existing);
    }
  }

  TlsContextHolder<Context>::Build Builder() {
    return [dir = dir_] {
      return Load((dir / "tls.pem").string(), (dir / "tls.key").string());
    };
  }

  std::filesystem::path dir_;
};

TEST_F(TlsContextHolderTest, CreateFailsAsTheBuilderDoes) {
  std::filesystem::remove(dir_ / "tls.pem");
  EXPECT_THAT(
      TlsContextHolder<Context>::Create("fhir", Builder()),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("tls.pem")));
}

TEST_F(TlsContextHolderTest, ReloadServesTheReplacedCertificateToNewCallers) {
  auto holder = TlsContextHolder<Context>::Create("fhir", Builder());
  ASSERT_THAT(holder, IsOk());
  const std::shared_ptr<Context> before = (*holder)->Current();
  EXPECT_THAT(SubjectOf(*before), HasSubstr("CN=localhost"));

  Use("gp-y90001");
  ASSERT_THAT((*holder)->Reload(), IsOk());

  EXPECT_THAT(SubjectOf(*(*holder)->Current()),
              HasSubstr("CN=Example Medical Practice"));
  // What a connection took before the reload is still whole.
  EXPECT_THAT(SubjectOf(*before), HasSubstr("CN=localhost"));
  EXPECT_EQ((*holder)->reloads(), 1);
}

TEST_F(TlsContextHolderTest, FailedReloadKeepsThePreviousContextAndSaysSo) {
  auto holder = TlsContextHolder<Context>::Create("mllp", Builder());
  ASSERT_THAT(holder, IsOk());
  const std::shared_ptr<Context> before = (*holder)->Current();
  // A certificate without its key: the pair does not match.
  std::filesystem::copy_file(DevCerts() / "gp-y90001.pem", dir_ / "tls.pem",
                             std::filesystem::copy_options::overwrite_existing);

  EXPECT_THAT((*holder)->Reload(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("mllp: TLS reload refused, still "
                                       "serving the previous"),
                             HasSubstr("tls.pem"))));
  EXPECT_EQ((*holder)->Current(), before);
  EXPECT_EQ((*holder)->reloads(), 0);
}

TEST_F(TlsContextHolderTest, AdoptServesTheGivenContextUntilTheFirstReload) {
  auto given = Load((DevCerts() / "gp-y90001.pem").string(),
                    (DevCerts() / "gp-y90001.key").string());
  ASSERT_THAT(given, IsOk());
  auto holder = TlsContextHolder<Context>::Adopt("mllp", *given, Builder());
  EXPECT_EQ(holder->Current(), *given);
  ASSERT_THAT(holder->Reload(), IsOk());
  EXPECT_THAT(SubjectOf(*holder->Current()), HasSubstr("CN=localhost"));
}

TEST_F(TlsContextHolderTest, CallersDuringReloadsAlwaysGetAWholeContext) {
  auto holder = TlsContextHolder<Context>::Create("fhir", Builder());
  ASSERT_THAT(holder, IsOk());
  std::atomic<bool> done{false};
  std::thread reloader([&] {
    for (int i = 0; i < 20; ++i) EXPECT_THAT((*holder)->Reload(), IsOk());
    done = true;
  });
  int seen = 0;
  while (!done) {
    const std::shared_ptr<Context> now = (*holder)->Current();
    ASSERT_NE(now, nullptr);
    EXPECT_EQ(SSL_CTX_check_private_key(now->ctx), 1);
    ++seen;
  }
  reloader.join();
  EXPECT_GT(seen, 0);
  EXPECT_EQ((*holder)->reloads(), 20);
}

}  // namespace
}  // namespace nhs::tobacco::net
