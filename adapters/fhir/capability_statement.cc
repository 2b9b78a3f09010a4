#include "adapters/fhir/capability_statement.h"

#include "absl/strings/str_cat.h"
#include "adapters/fhir/systems.h"

namespace nhs::tobacco::fhir {

Json BuildCapabilityStatement(const CapabilityOptions& options) {
  Json supported = Json::array();
  for (const std::string& event : options.received_events) {
    // R4 supportedMessage names a MessageDefinition; this gateway publishes
    // none, so the canonical is local and the event code rides beside it.
    supported.push_back(
        {{"extension",
          Json::array(
              {{{"url", absl::StrCat(kMessageEventSystem, "#event")},
                {"valueCoding",
                 {{"system", kMessageEventSystem}, {"code", event}}}}})},
         {"mode", "receiver"},
         {"definition",
          absl::StrCat("https://example.org/fhir/MessageDefinition/td-",
                       event)}});
  }
  Json statement = {
      {"resourceType", "CapabilityStatement"},
      {"status", "active"},
      {"date", absl::FormatTime("%Y-%m-%d", options.date, absl::UTCTimeZone())},
      {"publisher", "tobacco dependency interoperability gateway"},
      {"kind", "instance"},
      {"software", {{"name", "tobacco-gateway"}}},
      {"implementation",
       {{"description",
         "FHIR R4 messaging endpoint of the tobacco dependency gateway "
         "(POST Bundles of type message to $process-message)"},
        {"url", options.endpoint}}},
      {"fhirVersion", "4.0.1"},
      {"format", Json::array({"application/fhir+json", "json"})},
      {"messaging",
       Json::array(
           {{{"endpoint",
              Json::array({{{"protocol",
                             {{"system",
                               "http://terminology.hl7.org/CodeSystem/"
                               "message-transport"},
                              {"code", "http"}}},
                            {"address", options.endpoint}}})},
             {"reliableCache", 0},
             {"documentation",
              "Resend with the same Bundle id after a timeout, 429 or 503: "
              "the Bundle id deduplicates. 429 and 503 carry Retry-After."},
             {"supportedMessage", supported}}})}};
  if (!options.software_version.empty()) {
    statement["software"]["version"] = options.software_version;
  }
  return statement;
}

}  // namespace nhs::tobacco::fhir
