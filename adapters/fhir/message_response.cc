#include "adapters/fhir/message_response.h"

#include "absl/strings/str_cat.h"
#include "adapters/fhir/message_bundle_builder.h"
#include "adapters/fhir/systems.h"
#include "adapters/fhir/uuid.h"

namespace nhs::tobacco::fhir {

Json BuildOkResponse(const ResponseTo& request, absl::Time when,
                     absl::string_view source_endpoint,
                     absl::string_view summary) {
  MessageContext context;
  context.message_id =
      NameBasedUuid(absl::StrCat("response/", request.message_key));
  context.timestamp = when;
  context.source_endpoint = std::string(source_endpoint);
  MessageBundleBuilder builder(
      std::move(context), request.event_code,
      summary.empty() ? absl::string_view("Accepted") : summary);
  builder.SetResponse(
      request.header_id.empty() ? request.message_key : request.header_id,
      "ok");
  return std::move(builder).Build();
}

}  // namespace nhs::tobacco::fhir
