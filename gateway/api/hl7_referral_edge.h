#ifndef GATEWAY_API_HL7_REFERRAL_EDGE_H_
#define GATEWAY_API_HL7_REFERRAL_EDGE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "adapters/hl7v2/ack.h"
#include "gateway/common/clock.h"
#include "gateway/pathway/referral_use_cases.h"
#include "gateway/security/principal.h"
#include "gateway/security/rate_limiter.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::hl7v2 {
class Message;
}  // namespace nhs::tobacco::hl7v2
namespace nhs::tobacco::mental_health {
class TranslationNotes;
}  // namespace nhs::tobacco::mental_health

namespace nhs::tobacco::api {

// Where HL7 v2 meets the pathway: one inbound message (the payload of an
// MLLP frame) in, one ACK out. parse -> check sender and type -> translate
// (REF^I12, ADT^A03) -> ReferralUseCases::CreateReferral -> ACK.
//
// The ACK is produced only in the pathway's reply, i.e. after the referral
// is durable (ARCHITECTURE section 5: acknowledge only after commit). A
// resend of a message (same MSH-4 and MSH-10) is answered from the
// pathway's idempotency record: the same referral, nothing new stored, and
// a byte-identical ACK (its MSH-7 is the referral's creation time and its
// MSH-10 is derived from the request's). Errors map to AE/AR through
// mental_health::AckOutcomeForStatus; nothing is stored on any error.
//
// Before translation: an MSH the message cannot be processed by (no type,
// control id or version, an unsupported MSH-18) is AR/CR with an ERR-3
// other than 207 (hl7v2/header_check.h); text is decoded to UTF-8 from
// MSH-18 or the trust's default_charset (hl7_text.h). What is accepted
// with a caveat (a local table code, no registered practice, text
// repaired with U+FFFD) is AA/CA with ERR segments of severity W.
//
// Over mutual TLS the sender is the principal its client certificate names:
// it must be a mental_health_trust whose ODS code is the MSH-4 it sends,
// else AE naming MSH-4 (the use case decides and audits). That principal
// is the caller the use case authorises and the audit log records.
//
// Thread-safe; Handle() never blocks on I/O. `reply` runs on the caller's
// thread for refusals and on a store thread otherwise. Must outlive every
// pending pathway reply (destroy it after the store).
class Hl7ReferralEdge {
 public:
  Hl7ReferralEdge(pathway::ReferralUseCases& referrals,
                  const v1::MllpListenerConfig& config, const Clock& clock);

  // `sender` is the principal read from the connection's verified client
  // certificate (an error when the certificate names no ODS code and role),
  // or null over plaintext (development only: the audit log then names the
  // development principal).
  void Handle(const std::string& payload,
              const absl::StatusOr<security::Principal>* sender,
              std::function<void(std::string)> reply);
  void Handle(const std::string& payload,
              std::function<void(std::string)> reply) {
    Handle(payload, nullptr, std::move(reply));
  }

 private:
  // A refusal before the use case: the ACK for `status`, logged with `why`.
  void Refuse(const hl7v2::Message& request, const absl::Status& status,
              absl::string_view why,
              const std::function<void(std::string)>& reply) const;
  // The caller a message comes from, or the refusal to send (AE naming
  // MSH-4, or AR over its rate).
  absl::StatusOr<security::Principal> Sender(
      const hl7v2::Message& request,
      const absl::StatusOr<security::Principal>* certificate);
  // The trust MSH-4 names; null when no trusts are configured.
  // INVALID_ARGUMENT naming MSH-4 for an unknown sender.
  absl::StatusOr<const v1::MllpTrustConfig*> TrustOf(
      const hl7v2::Message& request) const;
  // A refusal whose ACK outcome is already decided (a bad MSH).
  void RefuseWith(const hl7v2::Message& request, hl7v2::AckOutcome outcome,
                  absl::string_view why,
                  const std::function<void(std::string)>& reply) const;
  // The CreateReferral request the message asks for, with the trust's
  // settings; nullopt when it asks for none (a discharge not to be filed,
  // a non-smoker). Warnings and local codes go to `notes`.
  absl::StatusOr<std::optional<v1::CreateReferralRequest>> Translate(
      const hl7v2::Message& request, const v1::MllpTrustConfig* trust,
      mental_health::TranslationNotes& notes) const;
  // Hands the referral to the use case; the ACK follows its reply, with
  // `warnings` (ERR severity W) when it is an accept.
  void Submit(const security::Principal& caller, bool authenticated,
              v1::CreateReferralRequest create,
              std::vector<hl7v2::AckError> warnings,
              std::shared_ptr<const hl7v2::Message> request,
              std::function<void(std::string)> reply);

  pathway::ReferralUseCases& referrals_;
  const Clock& clock_;
  absl::flat_hash_map<std::string, v1::MllpTrustConfig> trusts_;
  security::RateLimiter limiter_;
};

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_HL7_REFERRAL_EDGE_H_
