// How OpenSSL's hashed CRL folder (X509_LOOKUP_hash_dir, as AddCrlDirectory
// and gRPC's crl_directory use it) really behaves while a listener runs: the
// facts the rotation procedure in README "Certificate and CRL rotation"
// rests on. Each test verifies a client certificate against the folder the
// way a handshake does (the context's store, X509_verify_cert), before and
// after the folder changes, with CRLs the development CA issues at chosen
// lastUpdate times.
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "adapters/net/crl_check.h"
#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"

namespace nhs::tobacco::net {
namespace {

namespace fs = std::filesystem;
using ::nhs::tobacco::testing::DevCerts;

struct CtxDeleter {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using Ctx = std::unique_ptr<SSL_CTX, CtxDeleter>;

void Shell(const std::string& command) {
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

// openssl ca's time format, `ago` before now.
std::string CrlTime(absl::Duration ago) {
  return absl::FormatTime("%Y%m%d%H%M%SZ", absl::Now() - ago,
                          absl::UTCTimeZone());
}

// The CRLs every test arranges in its folder, issued once for the suite
// by the development CA: before and after the victim is revoked, at
// distinct lastUpdate times (one-second resolution: two CRLs of the same
// second tie, and which of them OpenSSL then uses is not defined).
class CrlFolderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const fs::path pki = DevCerts();
    const std::string cd = absl::StrCat("cd ", pki.string(), " && ");
    Shell(absl::StrCat(
        cd,
        "openssl req -new -newkey rsa:2048 -nodes -subj "
        "'/C=GB/L=Development/O=FZZ95/OU=pharmacy/CN=crl-victim' "
        "-keyout crl-victim.key -out crl-victim.csr 2>/dev/null && "
        "openssl ca -batch -config ca.cnf -extensions client_ext -notext "
        "-in crl-victim.csr -out crl-victim.pem 2>/dev/null"));
    const auto gencrl = [&](const std::string& out, const std::string& at) {
      Shell(absl::StrCat(cd,
                         "openssl ca -config ca.cnf -gencrl -crl_lastupdate ",
                         at, " -out ", out, " 2>/dev/null"));
    };
    gencrl("crl-before-3h.pem", CrlTime(absl::Hours(3)));
    gencrl("crl-before-30m.pem", CrlTime(absl::Minutes(30)));
    Shell(absl::StrCat(cd,
                       "openssl ca -config ca.cnf -revoke crl-victim.pem "
                       "2>/dev/null"));
    gencrl("crl-after-1h.pem", CrlTime(absl::Hours(1)));
  }

  void SetUp() override {
    folder_ =
        fs::temp_directory_path() /
        absl::StrCat(
            "tobacco_crl_folder_", ::getpid(), "_",
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder_);
    fs::create_directories(folder_);
    FILE* f = std::fopen((DevCerts() / "crl-before-3h.pem").c_str(), "r");
    ASSERT_NE(f, nullptr);
    X509_CRL* crl = PEM_read_X509_CRL(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    ASSERT_NE(crl, nullptr);
    hash_ = absl::StrFormat(
        "%08lx",
        X509_NAME_hash_ex(X509_CRL_get_issuer(crl), nullptr, nullptr, nullptr));
    X509_CRL_free(crl);
  }
  void TearDown() override { fs::remove_all(folder_); }

  // Puts the CRL `pem` in the folder as <hash>.r<n>: written aside, then
  // renamed, as the procedure says (a reader never sees half a file).
  void Place(const std::string& pem, int n) {
    const fs::path aside = folder_ / ".incoming";
    fs::copy_file(DevCerts() / pem, aside,
                  fs::copy_options::overwrite_existing);
    fs::rename(aside, folder_ / absl::StrCat(hash_, ".r", n));
  }

  // A listener's context as a handshake sees it: the development CA and
  // this folder (a fresh context is what a reload builds).
  Ctx Context() {
    Ctx ctx(SSL_CTX_new(TLS_server_method()));
    EXPECT_EQ(SSL_CTX_load_verify_locations(
                  ctx.get(), (DevCerts() / "ca.pem").c_str(), nullptr),
              1);
    EXPECT_TRUE(AddCrlDirectory(ctx.get(), folder_.string()));
    return ctx;
  }

  // X509_V_OK, or why the client certificate `name` is refused.
  static int Verify(SSL_CTX* ctx, const std::string& name) {
    FILE* f = std::fopen((DevCerts() / (name + ".pem")).c_str(), "r");
    if (f == nullptr) return -1;
    X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    X509_STORE_CTX* verify = X509_STORE_CTX_new();
    X509_STORE_CTX_init(verify, SSL_CTX_get_cert_store(ctx), cert, nullptr);
    X509_STORE_CTX_set_purpose(verify, X509_PURPOSE_SSL_CLIENT);
    X509_verify_cert(verify);
    const int error = X509_STORE_CTX_get_error(verify);
    X509_STORE_CTX_free(verify);
    X509_free(cert);
    return error;
  }

  fs::path folder_;
  std::string hash_;
};

TEST_F(CrlFolderTest, NextSuffixIsReadByTheNextHandshakeWithoutAReload) {
  Place("crl-before-3h.pem", 0);
  Ctx running = Context();
  ASSERT_EQ(Verify(running.get(), "crl-victim"), X509_V_OK);

  Place("crl-after-1h.pem", 1);

  EXPECT_EQ(Verify(running.get(), "crl-victim"), X509_V_ERR_CERT_REVOKED);
  EXPECT_EQ(Verify(running.get(), "gp-y90001"), X509_V_OK);
}

TEST_F(CrlFolderTest, RewrittenFileIsIgnoredUntilTheContextIsRebuilt) {
  Place("crl-before-3h.pem", 0);
  Ctx running = Context();
  ASSERT_EQ(Verify(running.get(), "crl-victim"), X509_V_OK);

  Place("crl-after-1h.pem", 0);

  // The running context loaded <hash>.r0 once and never reads it again.
  EXPECT_EQ(Verify(running.get(), "crl-victim"), X509_V_OK);
  // A reload builds a new context, which reads the folder afresh.
  EXPECT_EQ(Verify(Context().get(), "crl-victim"), X509_V_ERR_CERT_REVOKED);
}

TEST_F(CrlFolderTest, NewestLastUpdateWinsWhateverItsSuffix) {
  // A CRL that lists the victim, then one issued later that does not (an
  // older state of the CA re-signed, say): every file is loaded, and the
  // later lastUpdate decides, not the higher suffix nor the longer list.
  Place("crl-after-1h.pem", 0);
  Place("crl-before-30m.pem", 1);
  EXPECT_EQ(Verify(Context().get(), "crl-victim"), X509_V_OK);
}

TEST_F(CrlFolderTest, OlderLastUpdateInTheNextSuffixIsIgnored) {
  Place("crl-after-1h.pem", 0);
  Ctx running = Context();
  ASSERT_EQ(Verify(running.get(), "crl-victim"), X509_V_ERR_CERT_REVOKED);

  Place("crl-before-3h.pem", 1);

  EXPECT_EQ(Verify(running.get(), "crl-victim"), X509_V_ERR_CERT_REVOKED);
}

TEST_F(CrlFolderTest, GapInTheSuffixesHidesEveryLaterFile) {
  Place("crl-before-3h.pem", 0);
  Place("crl-after-1h.pem", 2);
  // .r1 is missing: the lookup stops there and never reaches .r2.
  EXPECT_EQ(Verify(Context().get(), "crl-victim"), X509_V_OK);
}

}  // namespace
}  // namespace nhs::tobacco::net
