#ifndef GATEWAY_PATHWAY_CARE_PATHWAY_H_
#define GATEWAY_PATHWAY_CARE_PATHWAY_H_

#include "gateway/pathway/audited_write.h"
#include "gateway/pathway/care_use_cases.h"
#include "gateway/pathway/pathway_options.h"

namespace nhs::tobacco::pathway {

// The care use cases over the store (audited_write.h).
class CarePathway final : public CareUseCases {
 public:
  CarePathway(AuditedWrites& writes, PathwayOptions options);

  void SetQuitDate(const Caller& caller, const v1::SetQuitDateRequest& request,
                   Reply<v1::Referral> reply) override;
  void RecordContact(const Caller& caller,
                     const v1::RecordContactRequest& request,
                     Reply<v1::Contact> reply) override;

 private:
  AuditedWrites& writes_;
  const PathwayOptions options_;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_CARE_PATHWAY_H_
