#ifndef GATEWAY_CLI_PRODUCTS_H_
#define GATEWAY_CLI_PRODUCTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "gateway/cli/args.h"
#include "nhs/tobacco/v1/formulary_service.pb.h"

namespace nhs::tobacco::cli {

// `products list [--kind K] [--route R]`: errors name the flag and list the
// accepted values.
absl::StatusOr<v1::ListProductsRequest> BuildListProductsRequest(
    const ParsedArgs& args);

// One row per product: id, display, kind, dm+d code (with "unverified"
// when the catalogue has not checked it) or local code, routes.
std::string RenderProductList(const v1::ListProductsResponse& response);

}  // namespace nhs::tobacco::cli

#endif  // GATEWAY_CLI_PRODUCTS_H_
