#include "gateway/cli/products.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/cli/enum_names.h"
#include "gateway/cli/table.h"

namespace nhs::tobacco::cli {

absl::StatusOr<v1::ListProductsRequest> BuildListProductsRequest(
    const ParsedArgs& args) {
  v1::ListProductsRequest request;
  if (args.Has("kind")) {
    absl::StatusOr<v1::ProductKind> kind =
        ParseEnum<v1::ProductKind>("kind", args.GetString("kind"));
    if (!kind.ok()) return kind.status();
    request.set_kind(*kind);
  }
  if (args.Has("route")) {
    absl::StatusOr<v1::Route> route =
        ParseEnum<v1::Route>("route", args.GetString("route"));
    if (!route.ok()) return route.status();
    request.set_route(*route);
  }
  return request;
}

std::string RenderProductList(const v1::ListProductsResponse& response) {
  if (response.products().empty()) return "no products\n";
  Table table({"PRODUCT", "DISPLAY", "KIND", "CODE", "ROUTES"});
  for (const v1::FormularyProduct& fp : response.products()) {
    const v1::Product& p = fp.product();
    std::string code;
    if (!p.dmd_code().empty()) {
      code = absl::StrCat("dm+d ", p.dmd_code(),
                          p.dmd_verified() ? "" : " (unverified)");
    } else if (!p.local_code().empty()) {
      code = absl::StrCat("local ", p.local_code());
    } else {
      code = "-";
    }
    std::vector<std::string> routes;
    for (int route : fp.routes()) {
      routes.push_back(EnumName(static_cast<v1::Route>(route)));
    }
    table.AddRow({p.product_id(), p.display(), EnumName(p.kind()), code,
                  absl::StrJoin(routes, ", ")});
  }
  return table.Render();
}

}  // namespace nhs::tobacco::cli
