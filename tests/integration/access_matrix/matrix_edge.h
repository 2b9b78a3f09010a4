#ifndef TESTS_INTEGRATION_ACCESS_MATRIX_MATRIX_EDGE_H_
#define TESTS_INTEGRATION_ACCESS_MATRIX_MATRIX_EDGE_H_

// One edge of the gateway as a column of the access matrix: which
// operations it offers, to whom, and what it answered. A new edge (the
// HTTP/JSON API next) is one more implementation of Edge and one more test
// in access_matrix_test.cc; the table stays as it is.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tests/integration/access_matrix/matrix_records.h"
#include "tests/integration/access_matrix/matrix_table.h"

namespace nhs::tobacco::access_matrix {

// Identifier systems as a client writes them on the wire (the README's
// values), not the gateway's constants: the matrix tests the contract.
inline constexpr char kEpsIdSystem[] =
    "https://fhir.nhs.uk/Id/prescription-order-number";
inline constexpr char kPrescriptionRequestIdSystem[] =
    "https://example.org/fhir/Id/td-prescription-request";

// What an edge answered.
struct Answer {
  enum Kind { kAllowed, kRefused, kOther } kind = kOther;
  std::string detail;
  // A refusal the gateway must have audited, and the record it concerned
  // ("" = none: then the audit row must name the operation).
  bool audited = false;
  std::string record_id;

  static Answer Allowed(std::string detail) {
    return Answer{kAllowed, std::move(detail), false, ""};
  }
  // Refused with an error the gateway audits.
  static Answer Refused(std::string detail, std::string record_id) {
    return Answer{kRefused, std::move(detail), true, std::move(record_id)};
  }
  // Refused by leaving the record out (a list, the Watch stream): no error,
  // so nothing to audit.
  static Answer Unseen(std::string detail) {
    return Answer{kRefused, std::move(detail), false, ""};
  }
  // Neither: the case itself is broken (a wrong state, a bad request).
  static Answer Other(std::string detail) {
    return Answer{kOther, std::move(detail), false, ""};
  }
};

inline const char* KindName(Answer::Kind k) {
  return k == Answer::kAllowed   ? "allowed"
         : k == Answer::kRefused ? "refused"
                                 : "something else";
}

inline Answer FromGrpc(const grpc::Status& s, const std::string& record_id) {
  if (s.ok()) return Answer::Allowed("OK");
  if (s.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    return Answer::Refused(s.error_message(), record_id);
  }
  return Answer::Other(
      absl::StrCat("gRPC code ", s.error_code(), ": ", s.error_message()));
}

class Edge {
 public:
  virtual ~Edge() = default;
  virtual std::string Name() const = 0;
  // Whether the edge offers `op` at all.
  virtual bool Offers(Op op) const = 0;
  // Whether the edge serves callers of this role; anyone else must be
  // refused, whatever the table says.
  virtual bool Serves(const CallerInfo& caller) const = 0;
  // Asks for `op` on `record` as `caller`.
  virtual Answer Run(Op op, const CallerInfo& caller,
                     const Fixture& record) = 0;
};

// gRPC: every operation, every role.
std::unique_ptr<Edge> GrpcEdge(MatrixRecords& records);
// HL7 v2 over MLLP/TLS: CreateReferral (REF^I12), from trusts.
std::unique_ptr<Edge> Hl7Edge(MatrixRecords& records);
// FHIR $process-message: the GP's decisions and the pharmacy's (or the
// service's) dispense and supply reports, from anyone with a certificate.
std::unique_ptr<Edge> FhirEdge(MatrixRecords& records);
// The HTTP/JSON API (issue 13): every unary operation, every role.
std::unique_ptr<Edge> HttpEdge(MatrixRecords& records);

}  // namespace nhs::tobacco::access_matrix

#endif  // TESTS_INTEGRATION_ACCESS_MATRIX_MATRIX_EDGE_H_
