#ifndef GATEWAY_PATHWAY_FORMULARY_USE_CASES_H_
#define GATEWAY_PATHWAY_FORMULARY_USE_CASES_H_

#include "absl/status/statusor.h"
#include "gateway/pathway/caller.h"
#include "nhs/tobacco/v1/formulary_service.pb.h"

namespace nhs::tobacco::pathway {

// Formulary discovery (issue 12). Thread-safe.
class FormularyUseCases {
 public:
  virtual ~FormularyUseCases() = default;

  // The catalogue's products (optionally of one kind, or allowed one
  // route), in configuration order. Authorised as ReadFormulary (every
  // certificate role) and audited as ListProducts; an unknown kind or
  // route is INVALID_ARGUMENT naming the field.
  virtual absl::StatusOr<v1::ListProductsResponse> ListProducts(
      const Caller& caller, const v1::ListProductsRequest& request) = 0;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_FORMULARY_USE_CASES_H_
