#include "gateway/api/hl7_referral_edge.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/hl7v2/ack.h"
#include "adapters/hl7v2/charset.h"
#include "adapters/hl7v2/header_check.h"
#include "adapters/hl7v2/message.h"
#include "adapters/hl7v2/parser.h"
#include "adapters/hl7v2/writer.h"
#include "adapters/mental_health/adt_a03_translator.h"
#include "adapters/mental_health/ref_i12_translator.h"
#include "adapters/mental_health/status_to_ack.h"
#include "adapters/mental_health/translation_notes.h"
#include "gateway/api/hl7_text.h"
#include "gateway/common/log.h"
#include "gateway/common/utf8.h"
#include "gateway/domain/field_violations.h"
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
                absl::string_view detail, absl::string_view referral_id = "") {
  const bool accepted = outcome.code == hl7v2::AckCode::kAccept;
  LogEvent event(accepted ? LogLevel::kInfo : LogLevel::kWarning, "hl7");
  // Made UTF-8 first (in the log module): a refused message may carry any
  // bytes here.
  event
      .With("hl7_message_type",
            request.header().GetField(9).GetRepetition(1).raw())
      .With("hl7_control_id", request.header().GetField(10).Text())
      .With("hl7_sender", request.header().GetField(4).Text())
      .With("ack", AckName(outcome.code));
  if (!detail.empty()) event.With("detail", detail);
  if (!referral_id.empty()) event.With("referral_id", referral_id);
  if (accepted && !outcome.errors.empty()) {
    event.With("warnings", static_cast<int64_t>(outcome.errors.size()));
  }
  event.Write(accepted ? "message accepted" : "message refused");
}

// An AA for a message that asks for nothing to be stored.
std::string AcceptIgnoring(const Message& request, absl::Time now,
                           absl::string_view why) {
  AckOutcome outcome;
  outcome.timestamp = now;
  LogOutcome(request, outcome, why);
  return Render(request, std::move(outcome));
}

// The HL7 field a refusal names.
absl::Status Hl7Violation(absl::string_view field, absl::string_view what) {
  domain::Violations v;
  v.Add(field, what);
  return v.ToStatus("HL7 message");
}

// The message's character set: MSH-18 when valued (CheckHeader refused an
// unsupported one), else the trust's default, else UTF-8.
hl7v2::Charset CharsetOf(const Message& request,
                         const v1::MllpTrustConfig* trust) {
  const hl7v2::Field msh18 = request.header().GetField(18);
  if (msh18.presence() == hl7v2::Presence::kValued) {
    if (auto c = hl7v2::ParseCharset(msh18.GetRepetition(1).Text()); c.ok()) {
      return *c;
    }
  }
  if (trust != nullptr && !trust->default_charset().empty()) {
    // Checked when the configuration loads.
    if (auto c = hl7v2::ParseCharset(trust->default_charset()); c.ok()) {
      return *c;
    }
  }
  return hl7v2::Charset::kUtf8;
}

// Fields whose undecodable bytes became U+FFFD, as ACK warnings.
void AddTextWarnings(const std::vector<std::string>& replaced,
                     hl7v2::Charset charset,
                     std::vector<domain::FieldViolation>& warnings) {
  for (const std::string& field : replaced) {
    warnings.push_back({field, absl::StrCat("has bytes that do not decode as ",
                                            hl7v2::CharsetName(charset),
                                            ": replaced with U+FFFD")});
  }
}

}  // namespace

Hl7ReferralEdge::Hl7ReferralEdge(pathway::ReferralUseCases& referrals,
                                 const v1::MllpListenerConfig& config,
                                 const Clock& clock)
    : referrals_(referrals),
      clock_(clock),
      limiter_(config.per_principal_rate_limit()) {
  for (const v1::MllpTrustConfig& trust : config.trusts()) {
    trusts_[trust.sending_facility()] = trust;
  }
}

void Hl7ReferralEdge::Refuse(
    const Message& request, const absl::Status& status, absl::string_view why,
    const std::function<void(std::string)>& reply) const {
  AckOutcome outcome = mental_health::AckOutcomeForStatus(status);
  outcome.timestamp = clock_.Now();
  LogOutcome(request, outcome, why);
  reply(Render(request, std::move(outcome)));
}

void Hl7ReferralEdge::RefuseWith(
    const Message& request, AckOutcome outcome, absl::string_view why,
    const std::function<void(std::string)>& reply) const {
  outcome.timestamp = clock_.Now();
  LogOutcome(request, outcome, why);
  reply(Render(request, std::move(outcome)));
}

absl::StatusOr<security::Principal> Hl7ReferralEdge::Sender(
    const Message& request,
    const absl::StatusOr<security::Principal>* certificate) {
  if (certificate == nullptr) return security::DevelopmentPrincipal();
  if (!certificate->ok()) {
    return Hl7Violation("MSH-4", absl::StrCat("sender not identified: ",
                                              certificate->status().message()));
  }
  const security::Principal& caller = **certificate;
  absl::Status allowed = referrals_.AuthorizeSender(
      pathway::Caller(caller, pathway::kHl7v2Adapter),
      request.header().GetField(4).Text(), security::Role::kMentalHealthTrust);
  if (!allowed.ok()) return Hl7Violation("MSH-4", allowed.message());
  if (!limiter_.Allow(caller.ods_code, clock_.Now())) {
    return absl::ResourceExhaustedError(
        absl::StrCat("rate limit for ", caller.ods_code, " exceeded"));
  }
  return caller;
}

absl::StatusOr<const v1::MllpTrustConfig*> Hl7ReferralEdge::TrustOf(
    const Message& request) const {
  if (auto it = trusts_.find(request.header().GetField(4).Text());
      it != trusts_.end()) {
    return &it->second;
  }
  if (trusts_.empty()) return nullptr;
  return Hl7Violation(
      "MSH-4", "is not in table of trusts configured to send (mllp.trusts)");
}

absl::StatusOr<std::optional<v1::CreateReferralRequest>>
Hl7ReferralEdge::Translate(const Message& request,
                           const v1::MllpTrustConfig* trust,
                           mental_health::TranslationNotes& notes) const {
  mental_health::SenderSettings sender;
  if (trust != nullptr) sender.referral_source = trust->referral_source();
  const hl7v2::Segment& msh = request.header();
  const std::string type =
      msh.GetField(9).GetRepetition(1).GetComponent(1).Text();
  const std::string trigger =
      msh.GetField(9).GetRepetition(1).GetComponent(2).Text();
  if (type == "REF" && trigger == "I12") {
    absl::StatusOr<v1::CreateReferralRequest> r =
        mental_health::TranslateRefI12(request, sender, notes);
    if (!r.ok()) return r.status();
    return std::optional<v1::CreateReferralRequest>(*std::move(r));
  }
  if (type == "ADT" && trigger == "A03") {
    // The trust's engine may broadcast every discharge; accepting and
    // ignoring is the answer that stops it resending.
    if (trust == nullptr || !trust->discharge_smokers_become_referrals()) {
      return std::optional<v1::CreateReferralRequest>();
    }
    return mental_health::TranslateAdtA03(request, sender, notes);
  }
  if (type == "REF" || type == "ADT") {
    return Hl7Violation("MSH-9.2",
                        absl::StrCat("unsupported event for ", type,
                                     " (accepted: REF^I12, ADT^A03)"));
  }
  return Hl7Violation("MSH-9.1",
                      "unsupported message type (accepted: REF^I12, ADT^A03)");
}

void Hl7ReferralEdge::Handle(
    const std::string& payload,
    const absl::StatusOr<security::Principal>* certificate,
    std::function<void(std::string)> reply) {
  absl::StatusOr<Message> parsed = hl7v2::ParseEr7(payload);
  if (!parsed.ok()) {
    AckOutcome outcome =
        mental_health::AckOutcomeForParseError(parsed.status());
    outcome.control_id = "ACK";
    outcome.timestamp = clock_.Now();
    LogWarning(
        "hl7",
        absl::StrCat("unparsable message refused (",
                     absl::StatusCodeToString(parsed.status().code()), ")"));
    reply(hl7v2::WriteEr7(hl7v2::BuildAckForUnparsed(payload, outcome)));
    return;
  }
  auto request = std::make_shared<const Message>(*std::move(parsed));
  // Every event of this message (the pathway's and the store's too) names
  // its sender and control id.
  ScopedLogContext log_context{
      {"hl7_sender", request->header().GetField(4).Text()},
      {"hl7_control_id", request->header().GetField(10).Text()}};
  absl::StatusOr<security::Principal> caller = Sender(*request, certificate);
  if (!caller.ok()) {
    Refuse(*request, caller.status(), "sender refused", reply);
    return;
  }
  // An MSH the message cannot be processed by: AR (CR), never 207.
  if (hl7v2::HeaderCheck header = hl7v2::CheckHeader(*request);
      header.code != hl7v2::AckCode::kAccept) {
    AckOutcome outcome;
    outcome.code = header.code;
    outcome.errors = std::move(header.errors);
    RefuseWith(*request, std::move(outcome), "header refused", reply);
    return;
  }
  absl::StatusOr<const v1::MllpTrustConfig*> trust = TrustOf(*request);
  if (!trust.ok()) {
    Refuse(*request, trust.status(), "unknown sender", reply);
    return;
  }
  // Text is decoded to UTF-8 from the message's character set; text the
  // gateway needs must decode, text it does not need is repaired
  // (hl7_text.h). Field names only in the log, never content.
  const hl7v2::Charset charset = CharsetOf(*request, *trust);
  Hl7TextCheck text = CheckHl7Text(*request, charset);
  if (!text.refused.empty()) {
    domain::Violations v;
    for (const std::string& field : text.refused) {
      v.Add(field, charset == hl7v2::Charset::kUtf8
                       ? "is not valid UTF-8 (the message's character set: "
                         "MSH-18, or the trust's default)"
                       : absl::StrCat("has bytes that do not decode as ",
                                      hl7v2::CharsetName(charset),
                                      " (the message's character set)"));
    }
    Refuse(*request, v.ToStatus("HL7 message"), "text does not decode", reply);
    return;
  }
  std::vector<domain::FieldViolation> warnings;
  if (!text.replaced.empty()) {
    LogWarning("hl7",
               absl::StrCat("", request->header().GetField(10).Text(), " from ",
                            request->header().GetField(4).Text(),
                            ": text that does not decode as ",
                            hl7v2::CharsetName(charset), " in ",
                            absl::StrJoin(text.replaced, ", "),
                            " replaced with U+FFFD"));
    AddTextWarnings(text.replaced, charset, warnings);
  }
  request = std::make_shared<const Message>(std::move(text.repaired));
  mental_health::TranslationNotes notes;
  absl::StatusOr<std::optional<v1::CreateReferralRequest>> create =
      Translate(*request, *trust, notes);
  if (!create.ok()) {
    Refuse(*request, create.status(), "not translated", reply);
    return;
  }
  if (!create->has_value()) {
    reply(AcceptIgnoring(*request, clock_.Now(), "no referral asked for"));
    return;
  }
  if (create->value().referral().service().ods_code().empty() &&
      *trust != nullptr) {
    create->value().mutable_referral()->mutable_service()->set_ods_code(
        (*trust)->service_ods_code());
  }
  for (const domain::FieldViolation& w : notes.warnings().list()) {
    warnings.push_back(w);
  }
  Submit(*caller, certificate != nullptr, **std::move(create),
         mental_health::AckWarnings(warnings), request, std::move(reply));
}

void Hl7ReferralEdge::Submit(const security::Principal& caller,
                             bool authenticated,
                             v1::CreateReferralRequest create,
                             std::vector<hl7v2::AckError> warnings,
                             std::shared_ptr<const Message> request,
                             std::function<void(std::string)> reply) {
  const Clock* clock = &clock_;
  const std::string caller_ods = caller.ods_code;
  referrals_.CreateReferral(
      pathway::Caller(caller, pathway::kHl7v2Adapter), create,
      [request, reply = std::move(reply), clock, authenticated, caller_ods,
       warnings = std::move(warnings)](absl::StatusOr<v1::Referral> referral) {
        absl::Status status = referral.status();
        if (authenticated &&
            status.code() == absl::StatusCode::kPermissionDenied) {
          // A trust creates only referrals it sends: name the field.
          status = Hl7Violation(
              "PRD-7", absl::StrCat("the referring organisation is not ",
                                    caller_ods, ", the sender"));
        }
        AckOutcome outcome = mental_health::AckOutcomeForStatus(status);
        // Accepted with warnings is still AA (CA): ERR-4 W says so.
        if (status.ok()) outcome.errors = warnings;
        // The referral's creation time: a resend gets an identical ACK.
        outcome.timestamp =
            referral.ok()
                ? absl::FromUnixMillis(
                      google::protobuf::util::TimeUtil::TimestampToMilliseconds(
                          referral->created_at()))
                : clock->Now();
        if (referral.ok()) {
          LogOutcome(*request, outcome, "", referral->referral_id());
        } else {
          LogOutcome(*request, outcome,
                     absl::StatusCodeToString(status.code()));
        }
        reply(Render(*request, std::move(outcome)));
      });
}

}  // namespace nhs::tobacco::api
