#include "adapters/gp_connect/itk3_acknowledgement.h"

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "adapters/fhir/resource_json.h"
#include "adapters/fhir/systems.h"
#include "adapters/fhir/uuid.h"
#include "adapters/gp_connect/itk3_constants.h"
#include "adapters/gp_connect/itk3_response_codes.h"

namespace nhs::tobacco::gp_connect {
namespace {

using fhir::Json;
using Kind = Itk3Acknowledgement::Kind;
// Parsing keeps nlohmann's plain json: order does not matter when reading.
using InJson = nlohmann::json;

// Debian's Abseil has its own string_view, not std's.
absl::string_view Absl(std::string_view s) { return {s.data(), s.size()}; }

std::string Urn(absl::string_view uuid) {
  return absl::StrCat("urn:uuid:", uuid);
}

absl::Status Bad(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("ITK3 response: ", path, ": ", what));
}

// The member `key` of `object` when it is a string, else nothing.
std::optional<std::string> StringAt(const InJson& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

const InJson* ObjectAt(const InJson& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it != object.end() && it->is_object() ? &*it : nullptr;
}

const InJson* ArrayAt(const InJson& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it != object.end() && it->is_array() ? &*it : nullptr;
}

// The first OperationOutcome in the bundle: the one response.details
// names when it does, else any (the spec allows one).
const InJson* FindOutcome(const InJson& entries, const std::string& details) {
  const InJson* any = nullptr;
  for (const InJson& entry : entries) {
    const InJson* resource = ObjectAt(entry, "resource");
    if (resource == nullptr ||
        StringAt(*resource, "resourceType") != "OperationOutcome") {
      continue;
    }
    if (!details.empty() && StringAt(entry, "fullUrl") == details) {
      return resource;
    }
    if (any == nullptr) any = resource;
  }
  return any;
}

// The ITK3 response code of the first issue, preferring a coding in the
// ITK3 system. Empty when there is none.
std::string ResponseCodeOf(const InJson& outcome) {
  const InJson* issues = ArrayAt(outcome, "issue");
  if (issues == nullptr || issues->empty()) return "";
  const InJson* details = ObjectAt((*issues)[0], "details");
  const InJson* codings = details ? ArrayAt(*details, "coding") : nullptr;
  if (codings == nullptr) return "";
  std::string fallback;
  for (const InJson& coding : *codings) {
    std::optional<std::string> code = StringAt(coding, "code");
    if (!code) continue;
    if (StringAt(coding, "system") == kResponseCodeSystem) return *code;
    if (fallback.empty()) fallback = *code;
  }
  return fallback;
}

std::string SenderReferenceOf(const InJson& header) {
  const InJson* extensions = ArrayAt(header, "extension");
  if (extensions == nullptr) return "";
  for (const InJson& ext : *extensions) {
    if (StringAt(ext, "url") != kExtensionItkMessageHandling) continue;
    const InJson* keys = ArrayAt(ext, "extension");
    if (keys == nullptr) continue;
    for (const InJson& key : *keys) {
      if (StringAt(key, "url") == kKeySenderReference) {
        return StringAt(key, "valueString").value_or("");
      }
    }
  }
  return "";
}

Json Entry(absl::string_view uuid, Json resource) {
  Json entry = Json::object();
  entry["fullUrl"] = Urn(uuid);
  entry["resource"] = std::move(resource);
  return entry;
}

Json Handling(absl::string_view key, absl::string_view value_type, Json value) {
  return Json{{"url", std::string(key)},
              {std::string(value_type), std::move(value)}};
}

Json HeaderOrganization(absl::string_view id, absl::string_view ods) {
  return Json{
      {"resourceType", "Organization"},
      {"id", std::string(id)},
      {"meta", fhir::Meta(kProfileItkHeaderOrganization)},
      {"identifier",
       Json::array({fhir::Identifier(fhir::kOdsOrganizationSystem, ods)})}};
}

}  // namespace

absl::StatusOr<Itk3Acknowledgement> ParseItk3Acknowledgement(
    std::string_view json) {
  const InJson bundle =
      InJson::parse(json, nullptr, /*allow_exceptions=*/false);
  if (bundle.is_discarded()) return Bad("Bundle", "not valid JSON");
  if (StringAt(bundle, "resourceType") != "Bundle") {
    return Bad("Bundle.resourceType", "expected Bundle");
  }
  if (StringAt(bundle, "type") != "message") {
    return Bad("Bundle.type", "expected message");
  }
  const InJson* entries = ArrayAt(bundle, "entry");
  if (entries == nullptr || entries->empty()) {
    return Bad("Bundle.entry", "missing");
  }
  const InJson* header = ObjectAt((*entries)[0], "resource");
  if (header == nullptr ||
      StringAt(*header, "resourceType") != "MessageHeader") {
    return Bad("Bundle.entry[0].resource",
               "the first entry must be the MessageHeader");
  }
  const std::string h = "Bundle.entry[0].resource";
  const InJson* event = ObjectAt(*header, "event");
  std::optional<std::string> event_code =
      event ? StringAt(*event, "code") : std::nullopt;
  if (!event_code) return Bad(h + ".event.code", "missing");
  if (*event_code != kEventResponse) {
    return Bad(h + ".event.code",
               absl::StrCat("expected ", kEventResponse,
                            " (ITK Response), got ", *event_code));
  }
  const InJson* response = ObjectAt(*header, "response");
  if (response == nullptr) return Bad(h + ".response", "missing");
  Itk3Acknowledgement ack;
  std::optional<std::string> identifier = StringAt(*response, "identifier");
  if (!identifier || identifier->empty()) {
    return Bad(h + ".response.identifier", "missing");
  }
  ack.acknowledged_message_id = *identifier;
  std::optional<std::string> response_code = StringAt(*response, "code");
  if (!response_code) return Bad(h + ".response.code", "missing");
  if (*response_code != kResponseCodeOk &&
      *response_code != kResponseCodeFatal &&
      *response_code != "transient-error") {
    return Bad(h + ".response.code",
               absl::StrCat("not a response code: ", *response_code));
  }
  ack.positive = *response_code == kResponseCodeOk;
  ack.sender_reference = SenderReferenceOf(*header);

  std::string details;
  if (const InJson* d = ObjectAt(*response, "details")) {
    details = StringAt(*d, "reference").value_or("");
  }
  const InJson* outcome = FindOutcome(*entries, details);
  const std::string code = outcome ? ResponseCodeOf(*outcome) : "";
  if (code.empty()) {
    // A bare "ok" is how ITK3 shows a positive infrastructure
    // acknowledgement in its simplest form; a negative one without a code
    // still reaches the dead letter with what it said.
    ack.kind = Kind::kInfrastructure;
    ack.code = *response_code;
    ack.description = ack.positive ? "Success" : "no ITK3 response code given";
    return ack;
  }
  ack.code = code;
  std::optional<Itk3ResponseCode> known = FindItk3ResponseCode(code);
  if (!known) {
    ack.kind = code.front() == '3' ? Kind::kBusiness : Kind::kInfrastructure;
    ack.description = "unrecognised ITK3 response code";
    return ack;
  }
  if (known->positive != ack.positive) {
    return Bad(h + ".response.code",
               absl::StrCat("'", *response_code,
                            "' contradicts ITK3 response code ", code));
  }
  ack.kind = known->business ? Kind::kBusiness : Kind::kInfrastructure;
  ack.description = std::string(known->display);
  return ack;
}

absl::StatusOr<std::string> BuildItk3Acknowledgement(
    const Itk3Acknowledgement& ack, std::string_view ack_message_id,
    absl::Time timestamp, std::string_view from_ods, std::string_view to_ods) {
  const bool business = ack.kind == Kind::kBusiness;
  std::string code = ack.code;
  if (code.empty()) {
    if (!ack.positive) {
      return absl::InvalidArgumentError(
          "ack.code: a negative acknowledgement needs its ITK3 response code");
    }
    code = business ? kResponseBusinessOk : kResponseInfrastructureOk;
  }
  std::optional<Itk3ResponseCode> known = FindItk3ResponseCode(code);
  if (!known) {
    return absl::InvalidArgumentError(
        absl::StrCat("ack.code: ", code, " is not an ITK3 response code"));
  }
  if (known->business != business || known->positive != ack.positive) {
    return absl::InvalidArgumentError(
        absl::StrCat("ack.code: ", code, " is not a ",
                     ack.positive ? "positive " : "negative ",
                     business ? "business" : "infrastructure", " response"));
  }
  if (ack.acknowledged_message_id.empty()) {
    return absl::InvalidArgumentError("ack.acknowledged_message_id: required");
  }
  const std::string id(ack_message_id);
  auto derived = [&](absl::string_view role) {
    return fhir::NameBasedUuid(absl::StrCat(id, "/itk3-response/", role));
  };
  const std::string bundle_id = derived("bundle");
  const std::string sender_id = derived("sender");
  const std::string receiver_id = derived("receiver");
  const std::string outcome_id = derived("operation-outcome");

  Json handling{
      {"url", kExtensionItkMessageHandling},
      {"extension",
       Json::array({
           // GPCM-SD-GE-280/281: a response asks for no response.
           Handling(kKeyBusAckRequested, "valueBoolean", false),
           Handling(kKeyInfAckRequested, "valueBoolean", false),
           Handling(
               kKeyRecipientType, "valueCoding",
               fhir::Coding(kRecipientTypeSystem, kRecipientTypeForInformation,
                            kRecipientTypeForInformationDisplay)),
           Handling(kKeyMessageDefinition, "valueReference",
                    fhir::Reference(kResponseMessageDefinition)),
           // GPCM-SD-GE-282: the sender's reference, returned.
           Handling(kKeySenderReference, "valueString",
                    ack.sender_reference.empty() ? ack.acknowledged_message_id
                                                 : ack.sender_reference),
       })}};
  Json header{{"resourceType", "MessageHeader"},
              {"id", id},
              {"meta", fhir::Meta(kProfileItkMessageHeader)}};
  header["extension"] = Json::array({std::move(handling)});
  header["event"] =
      fhir::Coding(kMessageEventSystem, kEventResponse, kEventResponseDisplay);
  header["receiver"] = fhir::Reference(Urn(receiver_id));
  header["sender"] = fhir::Reference(Urn(sender_id));
  header["timestamp"] = fhir::DateTime(timestamp);
  // U: the demo practice has no MESH mailbox of its own; its ODS code
  // stands in for MessageHeader.source.endpoint.
  header["source"] = Json{{"endpoint", std::string(from_ods)}};
  header["response"] =
      Json{{"identifier", ack.acknowledged_message_id},
           {"code", ack.positive ? kResponseCodeOk : kResponseCodeFatal},
           {"details", fhir::Reference(Urn(outcome_id))}};
  header["focus"] = fhir::Reference(Urn(outcome_id));

  Json issue{{"severity", ack.positive ? "information" : "fatal"},
             {"code", std::string(known->issue_type)},
             {"details", fhir::Concept(fhir::Coding(kResponseCodeSystem, code,
                                                    known->display))}};
  if (!ack.description.empty()) issue["diagnostics"] = ack.description;
  Json outcome{{"resourceType", "OperationOutcome"},
               {"id", outcome_id},
               {"meta", fhir::Meta(kProfileItkResponseOperationOutcome)},
               {"issue", Json::array({std::move(issue)})}};

  Json bundle{{"resourceType", "Bundle"},
              {"id", bundle_id},
              {"meta", fhir::Meta(kProfileItkMessageBundle)},
              {"identifier", fhir::Identifier(kUuidIdentifierSystem, id)},
              {"type", "message"}};
  Json entries = Json::array();
  entries.push_back(Entry(id, std::move(header)));
  entries.push_back(
      Entry(sender_id, HeaderOrganization(sender_id, Absl(from_ods))));
  entries.push_back(
      Entry(receiver_id, HeaderOrganization(receiver_id, Absl(to_ods))));
  entries.push_back(Entry(outcome_id, std::move(outcome)));
  bundle["entry"] = std::move(entries);
  return bundle.dump();
}

}  // namespace nhs::tobacco::gp_connect
