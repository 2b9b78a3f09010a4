#include "gateway/delivery/send_result.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "adapters/hl7v2/parser.h"
#include "gateway/common/nhs_number_mask.h"
#include "nlohmann/json.hpp"

namespace nhs::tobacco::delivery {
namespace {

using domain::SendOutcome;
using domain::SendResult;

constexpr size_t kMaxDetail = 300;

// Receivers' texts may quote the NHS number we sent: masked before they
// reach a log line or a dead letter.
std::string Clip(absl::string_view text) {
  if (text.size() <= kMaxDetail) return MaskNhsNumbersIn(text);
  return MaskNhsNumbersIn(absl::StrCat(text.substr(0, kMaxDetail), "..."));
}

SendResult Unreached(const absl::Status& status) {
  return SendResult{SendOutcome::kTransient, false,
                    Clip(absl::StrCat(absl::StatusCodeToString(status.code()),
                                      ": ", status.message()))};
}

// The first issue's diagnostics or details text of an OperationOutcome, or
// a response Bundle's MessageHeader.response.code; empty if neither.
struct FhirAnswer {
  std::string response_code;
  std::string text;
};

FhirAnswer ReadFhirAnswer(absl::string_view body) {
  FhirAnswer answer;
  nlohmann::json json =
      nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (!json.is_object()) return answer;
  const auto text_of = [](const nlohmann::json& outcome) -> std::string {
    if (!outcome.contains("issue") || !outcome["issue"].is_array() ||
        outcome["issue"].empty()) {
      return "";
    }
    const nlohmann::json& issue = outcome["issue"][0];
    if (issue.contains("diagnostics") && issue["diagnostics"].is_string()) {
      return issue["diagnostics"].get<std::string>();
    }
    if (issue.contains("details") && issue["details"].is_object() &&
        issue["details"].contains("text") &&
        issue["details"]["text"].is_string()) {
      return issue["details"]["text"].get<std::string>();
    }
    return "";
  };
  const std::string type = json.value("resourceType", "");
  if (type == "OperationOutcome") {
    answer.text = text_of(json);
  } else if (type == "Bundle" && json.contains("entry") &&
             json["entry"].is_array()) {
    for (const nlohmann::json& entry : json["entry"]) {
      if (!entry.is_object() || !entry.contains("resource")) continue;
      const nlohmann::json& r = entry["resource"];
      if (!r.is_object()) continue;
      const std::string rtype = r.value("resourceType", "");
      if (rtype == "MessageHeader" && r.contains("response") &&
          r["response"].is_object()) {
        answer.response_code = r["response"].value("code", "");
      } else if (rtype == "OperationOutcome" && answer.text.empty()) {
        answer.text = text_of(r);
      }
    }
  }
  return answer;
}

}  // namespace

SendResult FromMllpExchange(const absl::StatusOr<std::string>& ack,
                            absl::string_view control_id) {
  if (!ack.ok()) return Unreached(ack.status());
  absl::StatusOr<hl7v2::Message> parsed = hl7v2::ParseEr7(*ack);
  if (!parsed.ok()) {
    return SendResult{SendOutcome::kTransient, true,
                      Clip(absl::StrCat("the reply is not HL7 v2: ",
                                        parsed.status().message()))};
  }
  const std::string code = parsed->Get("MSA-1").value_or("");
  const std::string acked = parsed->Get("MSA-2").value_or("");
  // The receiver's words: user message, diagnostic, error code text, or
  // (v2.3) the MSA text, whichever it filled in.
  std::string text;
  for (const char* path : {"ERR-8", "ERR-7", "ERR-3.2", "MSA-3"}) {
    text = parsed->Get(path).value_or("");
    if (!text.empty()) break;
  }
  if (code.empty()) {
    return SendResult{SendOutcome::kTransient, true,
                      "the reply has no MSA-1 acknowledgment code"};
  }
  if (acked != control_id) {
    return SendResult{SendOutcome::kTransient, true,
                      Clip(absl::StrCat("the ACK is for control id ", acked,
                                        ", not ", control_id))};
  }
  const std::string detail =
      Clip(text.empty() ? absl::StrCat("HL7 ", code)
                        : absl::StrCat("HL7 ", code, ": ", text));
  if (code == "AA" || code == "CA") {
    return SendResult{SendOutcome::kConfirmed, true, detail};
  }
  if (code == "AR" || code == "CR") {
    // Table 0357: 206 (record locked) and 207 (internal error) are the
    // receiver's own trouble, which passes; engines (this gateway's own
    // listener among them) answer a rate limit that way. Resend later.
    const std::string err = parsed->Get("ERR-3.1").value_or("");
    if (err == "206" || err == "207") {
      return SendResult{SendOutcome::kTransient, true, detail};
    }
    return SendResult{SendOutcome::kPermanent, true, detail};
  }
  return SendResult{SendOutcome::kTransient, true, detail};
}

SendResult FromHttpExchange(
    const absl::StatusOr<fhir::HttpResponse>& response) {
  if (!response.ok()) return Unreached(response.status());
  const int status = response->status;
  const FhirAnswer answer = ReadFhirAnswer(response->body);
  std::string detail = absl::StrCat("HTTP ", status);
  if (!answer.response_code.empty()) {
    absl::StrAppend(&detail, " ", answer.response_code);
  }
  if (!answer.text.empty()) absl::StrAppend(&detail, ": ", answer.text);
  detail = Clip(detail);
  if ((status >= 200 && status < 300) || status == 409) {
    if (answer.response_code == "fatal-error") {
      return SendResult{SendOutcome::kPermanent, true, detail};
    }
    if (answer.response_code == "transient-error") {
      return SendResult{SendOutcome::kTransient, true, detail};
    }
    return SendResult{SendOutcome::kConfirmed, true, detail};
  }
  if (status == 408 || status == 429 || status >= 500) {
    return SendResult{SendOutcome::kTransient, true, detail};
  }
  return SendResult{SendOutcome::kPermanent, true, detail};
}

domain::SendResult FromMeshSend(const absl::StatusOr<std::string>& message_id,
                                absl::Duration acknowledgement_due_in) {
  domain::SendResult result;
  if (message_id.ok()) {
    result.outcome = domain::SendOutcome::kAccepted;
    result.handed_over = true;
    result.transport_message_id = *message_id;
    result.acknowledgement_due_in = acknowledgement_due_in;
    return result;
  }
  const absl::Status& status = message_id.status();
  result.detail = absl::StrCat("MESH: ", status.message());
  switch (status.code()) {
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kInvalidArgument:
      result.outcome = domain::SendOutcome::kPermanent;
      break;
    default:
      result.outcome = domain::SendOutcome::kTransient;
      break;
  }
  return result;
}

}  // namespace nhs::tobacco::delivery
