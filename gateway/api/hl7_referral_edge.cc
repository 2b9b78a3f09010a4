#include "gateway/api/hl7_referral_edge.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/hl7v2/ack.h"
#include "adapters/hl7v2/parser.h"
#include "adapters/hl7v2/writer.h"
#include "adapters/mental_health/adt_a03_translator.h"
#include "adapters/mental_health/ref_i12_translator.h"
#include "adapters/mental_health/status_to_ack.h"
#include "gateway/common/log.h"
#include "gateway/domain/field_violations.h"
#include "gateway/security/access_policy.h"
#include "google/protobuf/util/time_util.h"

namespace nhs::tobacco::api {
namespace {

using hl7v2::AckOutcome;
using hl7v2::Message;

// MSH-10 of our ACK: derived from the request's so a resend gets the same.
std::string AckControlId(const Message& request) {
  std::string id = absl::StrCat("ACK", request.header().GetField(10).Text());
  if (id.size() > 199) id.resize(199);
  return id;
}

std::string Render(const Message& request, AckOutcome outcome) {
  outcome.control_id = AckControlId(request);
  absl::StatusOr<Message> ack = hl7v2::BuildAck(request, outcome);
  // BuildAck fails only on an empty control id, which "ACK..." never is.
  return ack.ok() ? hl7v2::WriteEr7(*ack) : std::string();
}

absl::string_view AckName(hl7v2::AckCode code) {
  switch (code) {
    case hl7v2::AckCode::kAccept:
      return "accept";
    case hl7v2::AckCode::kError:
      return "error";
    case hl7v2::AckCode::kReject:
      return "reject";
  }
  return "?";
}

// Control ids and ODS codes identify messages and organisations, not
// patients, so they may be logged.
void LogOutcome(const Message& request, const AckOutcome& outcome,
                absl::string_view detail) {
  const std::string line = absl::StrCat(
      "hl7: ", request.header().GetField(9).GetRepetition(1).raw(), " ",
      request.header().GetField(10).Text(), " from ",
      request.header().GetField(4).Text(), ": ", AckName(outcome.code),
      detail.empty() ? "" : " (", detail, detail.empty() ? "" : ")");
  if (outcome.code == hl7v2::AckCode::kAccept) {
    LogInfo(line);
  } else {
    LogWarning(line);
  }
}

}  // namespace

Hl7ReferralEdge::Hl7ReferralEdge(pathway::Pathway& pathway,
                                 const v1::MllpListenerConfig& config,
                                 const Clock& clock)
    : pathway_(pathway),
      clock_(clock),
      limiter_(config.per_principal_rate_limit()) {
  for (const v1::MllpTrustConfig& trust : config.trusts()) {
    trusts_[trust.sending_facility()] = trust;
  }
}

void Hl7ReferralEdge::Handle(
    const std::string& payload,
    const absl::StatusOr<security::Principal>* sender_principal,
    std::function<void(std::string)> reply) {
  absl::StatusOr<Message> parsed = hl7v2::ParseEr7(payload);
  if (!parsed.ok()) {
    AckOutcome outcome =
        mental_health::AckOutcomeForParseError(parsed.status());
    outcome.control_id = "ACK";
    outcome.timestamp = clock_.Now();
    LogWarning(absl::StrCat("hl7: unparsable message refused (",
                            absl::StatusCodeToString(parsed.status().code()),
                            ")"));
    reply(hl7v2::WriteEr7(hl7v2::BuildAckForUnparsed(payload, outcome)));
    return;
  }
  auto request = std::make_shared<const Message>(*std::move(parsed));
  auto refuse = [&](const absl::Status& status, absl::string_view why) {
    AckOutcome outcome = mental_health::AckOutcomeForStatus(status);
    outcome.timestamp = clock_.Now();
    LogOutcome(*request, outcome, why);
    reply(Render(*request, std::move(outcome)));
  };

  const hl7v2::Segment& msh = request->header();
  const std::string type =
      msh.GetField(9).GetRepetition(1).GetComponent(1).Text();
  const std::string trigger =
      msh.GetField(9).GetRepetition(1).GetComponent(2).Text();
  const std::string sender = msh.GetField(4).Text();
  if (sender_principal != nullptr && !sender_principal->ok()) {
    domain::Violations v;
    v.Add("MSH-4", absl::StrCat("sender not identified: ",
                                sender_principal->status().message()));
    refuse(v.ToStatus("HL7 message"), "sender certificate unusable");
    return;
  }
  const security::Principal caller = sender_principal != nullptr
                                         ? **sender_principal
                                         : security::DevelopmentPrincipal();
  if (sender_principal != nullptr) {
    // The certificate, not MSH-4, says who is sending: MSH-4 must agree
    // with it, so one trust can never file referrals as another.
    domain::Violations v;
    if (caller.role != security::Role::kMentalHealthTrust) {
      v.Add("MSH-4",
            absl::StrCat("the sender's client certificate has role ",
                         security::RoleName(caller.role),
                         "; only a mental_health_trust may send HL7 v2"));
    } else if (sender != caller.ods_code) {
      v.Add("MSH-4",
            absl::StrCat("does not match the ODS code ", caller.ods_code,
                         " of the sender's client certificate"));
    }
    if (!v.empty()) {
      absl::Status denied = v.ToStatus("HL7 message");
      pathway_.Audit(caller, "CreateReferral", "",
                     absl::PermissionDeniedError(denied.message()));
      refuse(denied, "sender not entitled");
      return;
    }
    if (!limiter_.Allow(caller.ods_code, clock_.Now())) {
      refuse(absl::ResourceExhaustedError(absl::StrCat(
                 "rate limit for ", caller.ods_code, " exceeded")),
             "sender over its rate");
      return;
    }
  }
  const v1::MllpTrustConfig* trust = nullptr;
  if (auto it = trusts_.find(sender); it != trusts_.end()) {
    trust = &it->second;
  } else if (!trusts_.empty()) {
    domain::Violations v;
    v.Add("MSH-4",
          "is not in table of trusts configured to send (mllp.trusts)");
    refuse(v.ToStatus("HL7 message"), "unknown sender");
    return;
  }

  absl::StatusOr<std::optional<v1::CreateReferralRequest>> translated;
  if (type == "REF" && trigger == "I12") {
    absl::StatusOr<v1::CreateReferralRequest> r =
        mental_health::TranslateRefI12(*request);
    if (r.ok()) {
      translated = std::optional<v1::CreateReferralRequest>(*std::move(r));
    } else {
      translated = r.status();
    }
  } else if (type == "ADT" && trigger == "A03") {
    if (trust == nullptr || !trust->discharge_smokers_become_referrals()) {
      // The trust's engine may broadcast every discharge; accepting and
      // ignoring is the answer that stops it resending.
      AckOutcome outcome;
      outcome.timestamp = clock_.Now();
      LogOutcome(*request, outcome, "discharge referrals not enabled");
      reply(Render(*request, std::move(outcome)));
      return;
    }
    translated = mental_health::TranslateAdtA03(*request);
  } else {
    domain::Violations v;
    if (type == "REF" || type == "ADT") {
      v.Add("MSH-9.2", absl::StrCat("unsupported event for ", type,
                                    " (accepted: REF^I12, ADT^A03)"));
    } else {
      v.Add("MSH-9.1", "unsupported message type (accepted: REF^I12, ADT^A03)");
    }
    refuse(v.ToStatus("HL7 message"), "unsupported type");
    return;
  }
  if (!translated.ok()) {
    refuse(translated.status(), "invalid content");
    return;
  }
  if (!translated->has_value()) {
    AckOutcome outcome;
    outcome.timestamp = clock_.Now();
    LogOutcome(*request, outcome, "not a smoker: no referral");
    reply(Render(*request, std::move(outcome)));
    return;
  }
  v1::CreateReferralRequest create = **std::move(translated);
  if (create.referral().service().ods_code().empty() && trust != nullptr) {
    create.mutable_referral()->mutable_service()->set_ods_code(
        trust->service_ods_code());
  }
  if (sender_principal != nullptr) {
    // The access policy the gRPC edge applies: a trust creates only
    // referrals it sends.
    if (absl::Status allowed =
            security::Authorize(caller, security::Operation::kCreateReferral,
                                security::ViewOf(create.referral()));
        !allowed.ok()) {
      pathway_.Audit(caller, "CreateReferral", "", allowed);
      domain::Violations v;
      v.Add("PRD-7", absl::StrCat("the referring organisation is not ",
                                  caller.ods_code, ", the sender"));
      refuse(v.ToStatus("HL7 message"), "referrer not the sender");
      return;
    }
  }
  const Clock* clock = &clock_;
  pathway_.CreateReferral(
      create,
      [request, reply = std::move(reply),
       clock](absl::StatusOr<v1::Referral> referral) {
        AckOutcome outcome =
            mental_health::AckOutcomeForStatus(referral.status());
        // The referral's creation time: a resend gets an identical ACK.
        outcome.timestamp =
            referral.ok()
                ? absl::FromUnixMillis(
                      google::protobuf::util::TimeUtil::TimestampToMilliseconds(
                          referral->created_at()))
                : clock->Now();
        LogOutcome(*request, outcome,
                   referral.ok()
                       ? absl::StrCat("referral ", referral->referral_id())
                       : std::string(absl::StatusCodeToString(
                             referral.status().code())));
        reply(Render(*request, std::move(outcome)));
      },
      caller, pathway::kHl7v2Adapter);
}

}  // namespace nhs::tobacco::api
