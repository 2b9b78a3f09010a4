#ifndef GATEWAY_PATHWAY_CALLER_H_
#define GATEWAY_PATHWAY_CALLER_H_

#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "gateway/domain/adapter_names.h"
#include "gateway/security/principal.h"

namespace nhs::tobacco::pathway {

// Actor.adapter values: which edge a change came through
// (domain/adapter_names.h).
using domain::kConsoleAdapter;
using domain::kFhirAdapter;
using domain::kGatewayAdapter;
using domain::kGrpcAdapter;
using domain::kHl7v2Adapter;
using domain::kHttpAdapter;

// Who asks a use case for something, as the edge established it: the
// principal its authentication proved (certificate, or the development
// principal) and the edge itself. Both come from the edge, never from the
// request body, so a client can claim neither another organisation nor
// another adapter.
struct Caller {
  security::Principal principal;
  std::string adapter;

  Caller(security::Principal p, absl::string_view a)
      : principal(std::move(p)), adapter(a) {}
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_CALLER_H_
