#include "gateway/pathway/formulary_pathway.h"

#include <utility>

#include "gateway/common/status_macros.h"
#include "gateway/domain/field_violations.h"
#include "gateway/security/access_policy.h"

namespace nhs::tobacco::pathway {
namespace {

using security::Operation;

bool Matches(const v1::FormularyEntry& entry,
             const v1::ListProductsRequest& request) {
  if (request.kind() != v1::PRODUCT_KIND_UNSPECIFIED &&
      entry.product().kind() != request.kind()) {
    return false;
  }
  return request.route() == v1::ROUTE_UNSPECIFIED ||
         domain::Formulary::AllowsRoute(entry, request.route());
}

}  // namespace

FormularyPathway::FormularyPathway(AuditedWrites& writes,
                                   domain::Formulary formulary)
    : writes_(writes), formulary_(std::move(formulary)) {}

absl::StatusOr<v1::ListProductsResponse> FormularyPathway::ListProducts(
    const Caller& caller, const v1::ListProductsRequest& request) {
  v1::ListProductsResponse response;
  absl::Status listed = security::Authorize(
      caller.principal, Operation::kListProducts, security::RecordView());
  if (listed.ok()) {
    domain::Violations v;
    if (!v1::ProductKind_IsValid(request.kind())) {
      v.Add("kind", "is not a known product kind");
    }
    if (!v1::Route_IsValid(request.route())) {
      v.Add("route", "is not a known route");
    }
    listed = v.ToStatus("invalid list request");
  }
  if (listed.ok()) {
    for (const v1::FormularyEntry* entry : formulary_.Entries()) {
      if (!Matches(*entry, request)) continue;
      v1::FormularyProduct* product = response.add_products();
      *product->mutable_product() = entry->product();
      product->mutable_routes()->CopyFrom(entry->routes());
    }
  }
  RETURN_IF_ERROR(writes_.AuditRead(
      caller.principal, security::OperationName(Operation::kListProducts), "",
      listed));
  return response;
}

}  // namespace nhs::tobacco::pathway
