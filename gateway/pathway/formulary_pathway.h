#ifndef GATEWAY_PATHWAY_FORMULARY_PATHWAY_H_
#define GATEWAY_PATHWAY_FORMULARY_PATHWAY_H_

#include "gateway/domain/formulary.h"
#include "gateway/pathway/audited_write.h"
#include "gateway/pathway/formulary_use_cases.h"

namespace nhs::tobacco::pathway {

// The formulary use cases over the configured catalogue; reads are audited
// through `writes` like every other read.
class FormularyPathway final : public FormularyUseCases {
 public:
  FormularyPathway(AuditedWrites& writes, domain::Formulary formulary);

  absl::StatusOr<v1::ListProductsResponse> ListProducts(
      const Caller& caller, const v1::ListProductsRequest& request) override;

 private:
  AuditedWrites& writes_;
  const domain::Formulary formulary_;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_FORMULARY_PATHWAY_H_
