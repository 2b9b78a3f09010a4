// The HL7 v2 column of the access matrix: REF^I12 over MLLP with mutual
// TLS, the way a trust's integration engine creates a referral.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "adapters/hl7v2/mllp_client.h"
#include "adapters/hl7v2/mllp_transport.h"
#include "tests/integration/access_matrix/matrix_edge.h"

namespace nhs::tobacco::access_matrix {
namespace {

class Hl7Column final : public Edge {
 public:
  explicit Hl7Column(MatrixRecords& records) : records_(records) {}
  std::string Name() const override { return "HL7"; }
  bool Offers(Op op) const override { return op == Op::kCreateReferral; }
  bool Serves(const CallerInfo& caller) const override {
    return std::string(caller.role) == "mental_health_trust";
  }
  Answer Run(Op op, const CallerInfo& caller, const Fixture& record) override;

 private:
  MatrixRecords& records_;
};

Answer Hl7Column::Run(Op op, const CallerInfo& c, const Fixture&) {
  if (op != Op::kCreateReferral) return Answer::Other("not offered");
  // The reference REF^I12 in original acknowledgement mode, sent honestly
  // (MSH-4 = the certificate's organisation), naming as referrer (PRD-7) and
  // service what the gRPC case names.
  const v1::CreateReferralRequest body = records_.ReferralBodyFor(c);
  const std::string control_id = NextId("MX");
  std::string message =
      testing::ReadFile(std::string(TOBACCO_SOURCE_DIR) +
                        "/tests/testdata/hl7v2/ref_i12_basic.hl7");
  message = absl::StrReplaceAll(
      message,
      {{"|P|2.5.1|||AL|AL", "|P|2.5.1"},
       {"MSG000101", control_id},
       {"|RIO|RX9|", absl::StrCat("|RIO|", c.ods, "|")},
       {"C7654321^GMC~RX9^ODS",
        absl::StrCat("C7654321^GMC~", body.referral().referrer().ods_code(),
                     "^ODS")},
       {"||||||TDS01^ODS",
        absl::StrCat("||||||", body.referral().service().ods_code(), "^ODS")},
       {"\r\n", "\r"},
       {"\n", "\r"}});
  hl7v2::MllpTlsOptions tls;
  tls.cert_file =
      (testing::DevCerts() / (std::string(c.cert) + ".pem")).string();
  tls.key_file =
      (testing::DevCerts() / (std::string(c.cert) + ".key")).string();
  tls.ca_file = (testing::DevCerts() / "ca.pem").string();
  auto context = hl7v2::MllpTlsContext::ForClient(tls);
  if (!context.ok()) return Answer::Other(context.status().ToString());
  hl7v2::MllpClientOptions options;
  options.address = absl::StrCat("127.0.0.1:", records_.gateway().mllp_port());
  options.io_timeout = absl::Seconds(10);
  options.attempts = 1;
  options.tls = *context;
  hl7v2::MllpClient client(options);
  absl::StatusOr<std::string> ack = client.Send(message);
  if (!ack.ok()) return Answer::Other(ack.status().ToString());
  if (absl::StrContains(*ack, absl::StrCat("MSA|AA|", control_id))) {
    return Answer::Allowed("AA");
  }
  // Refused: AE, with an ERR naming the field at fault - MSH-4 (the sender
  // may not send this) or PRD-7 (the referrer is not the sender).
  if (absl::StrContains(*ack, absl::StrCat("MSA|AE|", control_id)) &&
      absl::StrContains(*ack, "\rERR|") &&
      (absl::StrContains(*ack, "|MSH^1^4|") ||
       absl::StrContains(*ack, "|PRD^1^7|"))) {
    return Answer::Refused(*ack, "");
  }
  return Answer::Other(absl::StrReplaceAll(*ack, {{"\r", "\n"}}));
}

}  // namespace

std::unique_ptr<Edge> Hl7Edge(MatrixRecords& records) {
  return std::make_unique<Hl7Column>(records);
}

}  // namespace nhs::tobacco::access_matrix
