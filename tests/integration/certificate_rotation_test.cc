// Certificate and CRL rotation without a restart (issue 15), on every
// listener of a running in-process gateway (gRPC, HTTPS, MLLP) over mutual
// TLS: the server certificate is replaced by a new one from the same CA and
// a client is added to the CRL the way README "Certificate and CRL
// rotation" says (the next <hash>.rN). New handshakes then see the new
// certificate (gRPC within its refresh interval, the others after
// ReloadTls(), i.e. SIGHUP) and refuse the revoked client; connections and
// streams opened before the rotation go on.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gateway/server/gateway_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/grpc_as.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

namespace fs = std::filesystem;
using ::nhs::tobacco::testing::DevCerts;
using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

// gRPC's file watcher looks this often here (production default: 60 s).
constexpr int kRefreshSeconds = 1;
// Every wait for something the gateway does by itself is bounded by this.
constexpr absl::Duration kPatience = absl::Seconds(15);

void Shell(const std::string& command) {
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

std::string SerialOf(X509* cert) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), nullptr);
  char* hex = BN_bn2hex(bn);
  std::string serial = hex;
  OPENSSL_free(hex);
  BN_free(bn);
  return serial;
}

std::string SerialOfFile(const fs::path& pem) {
  FILE* f = std::fopen(pem.c_str(), "r");
  if (f == nullptr) return "";
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (cert == nullptr) return "";
  std::string serial = SerialOf(cert);
  X509_free(cert);
  return serial;
}

// One TLS connection to 127.0.0.1:port as a client of the development CA,
// presenting `identity`'s certificate. TLS 1.2, so a refused client
// certificate fails the handshake itself (TLS 1.3 would report it only at
// the first read); ALPN h2 so gRPC accepts it too. Blocking, 10 s timeouts.
class Connection {
 public:
  static std::unique_ptr<Connection> Open(int port, const std::string& identity,
                                          std::string* error) {
    ::signal(SIGPIPE, SIG_IGN);
    auto c = std::unique_ptr<Connection>(new Connection());
    c->ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_max_proto_version(c->ctx_, TLS1_2_VERSION);
    static const unsigned char kAlpn[] = {2, 'h', '2'};
    SSL_CTX_set_alpn_protos(c->ctx_, kAlpn, sizeof(kAlpn));
    const fs::path pki = DevCerts();
    SSL_CTX_load_verify_locations(c->ctx_, (pki / "ca.pem").c_str(), nullptr);
    SSL_CTX_set_verify(c->ctx_, SSL_VERIFY_PEER, nullptr);
    if (SSL_CTX_use_certificate_chain_file(
            c->ctx_, (pki / (identity + ".pem")).c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(c->ctx_,
                                    (pki / (identity + ".key")).c_str(),
                                    SSL_FILETYPE_PEM) != 1) {
      *error = "cannot load " + identity;
      return nullptr;
    }
    c->fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{10, 0};
    ::setsockopt(c->fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    ::setsockopt(c->fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(c->fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) !=
        0) {
      *error = "connect failed";
      return nullptr;
    }
    c->ssl_ = SSL_new(c->ctx_);
    SSL_set_fd(c->ssl_, c->fd_);
    if (SSL_connect(c->ssl_) != 1) {
      const unsigned long code = ERR_get_error();
      char text[256] = "handshake failed";
      if (code != 0) ERR_error_string_n(code, text, sizeof(text));
      ERR_clear_error();
      *error = text;
      return nullptr;
    }
    return c;
  }

  ~Connection() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
    if (ctx_ != nullptr) SSL_CTX_free(ctx_);
  }

  // The serial number of the certificate the server presented.
  std::string ServerSerial() const {
    X509* cert = SSL_get1_peer_certificate(ssl_);
    if (cert == nullptr) return "";
    std::string serial = SerialOf(cert);
    X509_free(cert);
    return serial;
  }

  bool Write(const std::string& bytes) {
    size_t written = 0;
    return SSL_write_ex(ssl_, bytes.data(), bytes.size(), &written) == 1 &&
           written == bytes.size();
  }

  // Reads until `done` says the bytes so far are a whole answer, the peer
  // closes, or the timeout passes; what arrived.
  std::string ReadUntil(const std::function<bool(const std::string&)>& done) {
    std::string in;
    char buffer[4096];
    while (!done(in)) {
      size_t n = 0;
      if (SSL_read_ex(ssl_, buffer, sizeof(buffer), &n) != 1) break;
      in.append(buffer, n);
    }
    ERR_clear_error();
    return in;
  }

 private:
  Connection() = default;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
};

// What a new handshake with `identity` on `port` sees: the server's serial
// number, or "refused: <why>".
std::string Handshake(int port, const std::string& identity) {
  std::string error;
  auto connection = Connection::Open(port, identity, &error);
  if (connection == nullptr) return absl::StrCat("refused: ", error);
  return connection->ServerSerial();
}

// One HTTP/1.1 exchange on a kept-alive connection: the whole answer.
std::string HttpGet(Connection& connection, const std::string& path) {
  if (!connection.Write(
          absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: localhost\r\n\r\n"))) {
    return "";
  }
  return connection.ReadUntil([](const std::string& in) {
    const size_t end = in.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    const size_t at = in.find("Content-Length: ");
    if (at == std::string::npos || at > end) return true;
    size_t length = 0;
    const size_t eol = in.find("\r\n", at);
    if (!absl::SimpleAtoi(in.substr(at + 16, eol - at - 16), &length)) {
      return true;
    }
    return in.size() >= end + 4 + length;
  });
}

// The reference REF^I12 from trust RX9, control id `id`, MLLP-framed.
std::string FramedReferral(const std::string& id) {
  const std::string message = testing::ReadFile(
      fs::path(TOBACCO_SOURCE_DIR) / "tests/testdata/hl7v2/ref_i12_basic.hl7");
  EXPECT_FALSE(message.empty());
  return absl::StrCat(
      "\x0b",
      absl::StrReplaceAll(message, {{"|P|2.5.1|||AL|AL", "|P|2.5.1"},
                                    {"MSG000101", id},
                                    {"\r\n", "\r"},
                                    {"\n", "\r"}}),
      "\x1c\r");
}

// "HTTP/1.1 200 OK" of an answer; empty when there was none.
std::string StatusLine(const std::string& answer) {
  return answer.substr(0, answer.find("\r\n"));
}

// One message and its ACK on a kept-open MLLP connection: the ACK frame.
std::string MllpExchange(Connection& connection, const std::string& id) {
  if (!connection.Write(FramedReferral(id))) return "";
  return connection.ReadUntil(
      [](const std::string& in) { return absl::StrContains(in, "\x1c\r"); });
}

class CertificateRotationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshDataDir();
    tls_ = dir_ / "tls";
    fs::create_directories(tls_ / "crl");
    const fs::path pki = DevCerts();
    cd_ = absl::StrCat("cd ", pki.string(), " && ");
    // The client the rotation revokes (one per test: the CA's database
    // keeps revocations for the process), and the server certificate that
    // replaces server.pem: same CA, its own serial and subject.
    static int tests = 0;
    victim_ = absl::StrCat("rotation-victim-", ++tests);
    MakeCert(victim_, "/O=FZZ94/OU=pharmacy/CN=Rotation Victim", "client_ext");
    MakeCert("server-rotated", "/O=Tobacco Gateway Dev Rotated/CN=localhost",
             "server_ext");
    for (const char* file : {"server.pem", "server.key", "ca.pem"}) {
      fs::copy_file(pki / file, tls_ / file,
                    fs::copy_options::overwrite_existing);
    }
    old_serial_ = SerialOfFile(tls_ / "server.pem");
    new_serial_ = SerialOfFile(pki / "server-rotated.pem");
    ASSERT_FALSE(old_serial_.empty());
    ASSERT_NE(old_serial_, new_serial_);
    // The CRL in force at start, issued an hour ago (the victim is not on
    // it): the one issued at rotation is then later by construction.
    Shell(absl::StrCat(
        cd_, "openssl ca -config ca.cnf -gencrl -crl_lastupdate ",
        absl::FormatTime("%Y%m%d%H%M%SZ", absl::Now() - absl::Hours(1),
                         absl::UTCTimeZone()),
        " -out ", (tls_ / "crl-start.pem").string(), " 2>/dev/null"));
    Shell(
        absl::StrCat("cd ", tls_.string(),
                     " && cp crl-start.pem crl/$(openssl crl -hash -noout -in "
                     "crl-start.pem).r0"));

    v1::GatewayConfig config = testing::SampleConfig(dir_ / "data");
    v1::TlsConfig tls;
    tls.set_cert_file((tls_ / "server.pem").string());
    tls.set_key_file((tls_ / "server.key").string());
    tls.set_client_ca_file((tls_ / "ca.pem").string());
    tls.set_crl_directory((tls_ / "crl").string());
    v1::GrpcListenerConfig* grpc = config.mutable_grpc();
    grpc->set_allow_insecure(false);
    *grpc->mutable_tls() = tls;
    grpc->set_per_principal_rate_limit(0);
    v1::MllpListenerConfig* mllp = config.mutable_mllp();
    mllp->set_allow_plaintext(false);
    mllp->set_per_principal_rate_limit(0);
    *mllp->mutable_tls() = tls;
    v1::FhirListenerConfig* fhir = config.mutable_fhir();
    fhir->set_address("127.0.0.1:0");
    *fhir->mutable_tls() = tls;
    fhir->set_public_endpoint("https://127.0.0.1/fhir/$process-message");
    config.mutable_tls_reload()->set_interval_seconds(kRefreshSeconds);
    // Unless a test is about the file watch, only ReloadTls() (SIGHUP)
    // reloads HTTPS and MLLP, so the test shows it is what does it.
    config.mutable_tls_reload()->set_disable_file_watch(!FileWatch());
    auto server = server::GatewayServer::Start(config);
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
  }

  virtual bool FileWatch() const { return false; }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
    fs::remove_all(dir_);
  }

  void MakeCert(const std::string& name, const std::string& subject,
                const std::string& extensions) {
    if (fs::exists(DevCerts() / (name + ".pem"))) return;
    Shell(absl::StrCat(cd_, "openssl req -new -newkey rsa:2048 -nodes -subj '",
                       "/C=GB/L=Development", subject, "' -keyout ", name,
                       ".key -out ", name, ".csr 2>/dev/null && ",
                       "openssl ca -batch -config ca.cnf -extensions ",
                       extensions, " -notext -in ", name, ".csr -out ", name,
                       ".pem 2>/dev/null"));
  }

  // Writes `from` (a file of the development PKI) over `to` in the TLS
  // folder the way an operator should: aside, then renamed into place.
  void Replace(const std::string& from, const std::string& to) {
    const fs::path aside = tls_ / (".incoming-" + to);
    fs::copy_file(DevCerts() / from, aside,
                  fs::copy_options::overwrite_existing);
    fs::rename(aside, tls_ / to);
  }

  // The procedure: revoke, issue the CRL, place it as the next .rN.
  void RevokeVictimAndPublish() {
    Shell(absl::StrCat(cd_, "openssl ca -config ca.cnf -revoke ", victim_,
                       ".pem 2>/dev/null && openssl ca -config ca.cnf -gencrl "
                       "-out ",
                       (tls_ / "crl-rotated.pem").string(), " 2>/dev/null"));
    Shell(absl::StrCat(
        "cd ", tls_.string(),
        " && cp crl-rotated.pem crl/.incoming && mv crl/.incoming"
        " crl/$(openssl crl -hash -noout -in crl-rotated.pem).r1"));
  }

  // Trust RX9 refers a patient to the service, on a channel of its own (a
  // new handshake): an event on the service's stream.
  // Its id.
  std::string CreateReferral(const std::string& request_id) {
    testing::GrpcAs trust(server_->port(), "trust-rx9");
    v1::Referral created;
    const grpc::Status status = trust.referrals->CreateReferral(
        testing::Ctx().get(), testing::SampleReferralRequest(request_id),
        &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created.referral_id();
  }

  // Polls (bounded) until a new handshake on `port` as `identity` sees
  // `expected`; what it saw last.
  // `expected` "refused" matches any refusal.
  std::string AwaitHandshake(int port, const std::string& identity,
                             const std::string& expected) {
    const absl::Time deadline = absl::Now() + kPatience;
    const auto matches = [&expected](const std::string& seen) {
      return expected == "refused" ? absl::StartsWith(seen, "refused")
                                   : seen == expected;
    };
    std::string seen = Handshake(port, identity);
    while (!matches(seen) && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(100));
      seen = Handshake(port, identity);
    }
    return seen;
  }

  fs::path dir_;
  fs::path tls_;
  std::string cd_;
  std::string old_serial_;
  std::string new_serial_;
  std::string victim_;
  std::unique_ptr<server::GatewayServer> server_;
};

TEST_F(CertificateRotationTest,
       NewHandshakesSeeTheNewCertificateAndCrlWhileOpenConnectionsGoOn) {
  const int grpc_port = server_->port();
  const int https_port = server_->fhir_port();
  const int mllp_port = server_->mllp_port();
  for (int port : {grpc_port, https_port, mllp_port}) {
    ASSERT_EQ(Handshake(port, victim_), old_serial_) << port;
  }

  // Opened before the rotation: a gRPC event stream of the service, the
  // victim's kept-alive HTTPS connection, and trust RX9's MLLP connection.
  testing::GrpcAs service(grpc_port, "service-tds01");
  grpc::ClientContext watch_context;
  watch_context.set_deadline(
      absl::ToChronoTime(absl::Now() + absl::Seconds(40)));
  auto watch = service.prescriptions->WatchEvents(&watch_context,
                                                  v1::WatchEventsRequest());
  const std::string first = CreateReferral("rot-1");
  ASSERT_FALSE(first.empty());
  v1::TimelineEvent event;
  ASSERT_TRUE(watch->Read(&event));
  ASSERT_EQ(event.referral_id(), first);
  std::string error;
  auto https = Connection::Open(https_port, victim_, &error);
  ASSERT_NE(https, nullptr) << error;
  const std::string metadata = StatusLine(HttpGet(*https, "/fhir/metadata"));
  ASSERT_THAT(metadata, HasSubstr("HTTP/1.1 "));
  auto mllp = Connection::Open(mllp_port, "trust-rx9", &error);
  ASSERT_NE(mllp, nullptr) << error;
  ASSERT_THAT(MllpExchange(*mllp, "ROT0001"), HasSubstr("|ROT0001"));

  // The rotation: a new server certificate from the same CA (key first, so
  // a reader never pairs the new certificate with the old key for long),
  // and the victim on a new CRL in the next <hash>.rN.
  Replace("server-rotated.key", "server.key");
  Replace("server-rotated.pem", "server.pem");
  RevokeVictimAndPublish();

  // gRPC: its file watcher, within the refresh interval.
  EXPECT_EQ(AwaitHandshake(grpc_port, "gp-y90001", new_serial_), new_serial_);
  EXPECT_THAT(Handshake(grpc_port, victim_), HasSubstr("refused"));
  // HTTPS and MLLP: the new CRL file is read by the next handshake already,
  // but the certificate stays the one loaded until a reload.
  for (int port : {https_port, mllp_port}) {
    EXPECT_THAT(Handshake(port, victim_), HasSubstr("refused")) << port;
    EXPECT_EQ(Handshake(port, "gp-y90001"), old_serial_) << port;
  }

  ASSERT_THAT(server_->ReloadTls(), IsOk());

  for (int port : {grpc_port, https_port, mllp_port}) {
    EXPECT_EQ(Handshake(port, "gp-y90001"), new_serial_) << port;
    EXPECT_THAT(Handshake(port, victim_), HasSubstr("refused")) << port;
  }

  // Nothing opened before was cut: the stream carries the next event, the
  // revoked victim's kept-alive connection is answered (revocation is
  // checked at the handshake), and RX9's MLLP connection is acknowledged.
  const std::string second = CreateReferral("rot-2");
  bool delivered = false;
  while (!delivered && watch->Read(&event)) {
    delivered = event.referral_id() == second;
  }
  EXPECT_TRUE(delivered) << "the stream opened before the rotation ended";
  EXPECT_EQ(StatusLine(HttpGet(*https, "/fhir/metadata")), metadata);
  EXPECT_THAT(MllpExchange(*mllp, "ROT0002"), HasSubstr("|ROT0002"));
  watch_context.TryCancel();
}

TEST_F(CertificateRotationTest, BadFileIsRefusedAndThePreviousCertificateKept) {
  const int https_port = server_->fhir_port();
  const int mllp_port = server_->mllp_port();
  // Half a rotation: the new certificate without its key.
  Replace("server-rotated.pem", "server.pem");

  const absl::Status reloaded = server_->ReloadTls();

  EXPECT_THAT(reloaded, StatusIs(absl::StatusCode::kFailedPrecondition,
                                 HasSubstr("still serving the previous")));
  EXPECT_THAT(reloaded.message(), HasSubstr("server.key"));
  EXPECT_THAT(reloaded.message(), HasSubstr("fhir"));
  EXPECT_THAT(reloaded.message(), HasSubstr("mllp"));
  for (int port : {https_port, mllp_port}) {
    EXPECT_EQ(Handshake(port, "gp-y90001"), old_serial_) << port;
  }
  // gRPC's provider hands gRPC the mismatched pair, which cannot build a
  // context: gRPC 1.51 then refuses every new handshake until the files
  // are whole again (README: replace the pair in one step).
  EXPECT_THAT(AwaitHandshake(server_->port(), "gp-y90001", "refused"),
              HasSubstr("refused"));

  // The key follows: the next reload takes both, and gRPC its next look.
  Replace("server-rotated.key", "server.key");
  ASSERT_THAT(server_->ReloadTls(), IsOk());
  for (int port : {https_port, mllp_port}) {
    EXPECT_EQ(Handshake(port, "gp-y90001"), new_serial_) << port;
  }
  EXPECT_EQ(AwaitHandshake(server_->port(), "gp-y90001", new_serial_),
            new_serial_);
}

// The same gateway with its file watch on (tls_reload, every second here).
class CertificateRotationFileWatchTest : public CertificateRotationTest {
 protected:
  bool FileWatch() const override { return true; }
};

TEST_F(CertificateRotationFileWatchTest,
       ReplacedFilesReachEveryListenerWithoutASignal) {
  Replace("server-rotated.key", "server.key");
  Replace("server-rotated.pem", "server.pem");

  for (int port :
       {server_->port(), server_->fhir_port(), server_->mllp_port()}) {
    EXPECT_EQ(AwaitHandshake(port, "gp-y90001", new_serial_), new_serial_)
        << port;
  }
}

}  // namespace
}  // namespace nhs::tobacco
