// The gRPC column of the access matrix: every operation, for every role,
// on one mutual-TLS channel per certificate.
#include "absl/strings/str_cat.h"
#include "tests/integration/access_matrix/matrix_edge.h"
#include "tests/integration/access_matrix/matrix_operations.h"

namespace nhs::tobacco::access_matrix {
namespace {

class GrpcColumn final : public Edge {
 public:
  explicit GrpcColumn(MatrixRecords& records) : records_(records) {}
  std::string Name() const override { return "gRPC"; }
  bool Offers(Op) const override { return true; }
  bool Serves(const CallerInfo&) const override { return true; }
  Answer Run(Op op, const CallerInfo& caller, const Fixture& record) override;

 private:
  MatrixRecords& records_;
};

Answer GrpcColumn::Run(Op op, const CallerInfo& c, const Fixture& f) {
  return RunOperation(records_.As(c.cert), records_, op, c, f);
}

}  // namespace

std::unique_ptr<Edge> GrpcEdge(MatrixRecords& records) {
  return std::make_unique<GrpcColumn>(records);
}

}  // namespace nhs::tobacco::access_matrix
