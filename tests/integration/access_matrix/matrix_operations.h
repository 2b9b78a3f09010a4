#ifndef TESTS_INTEGRATION_ACCESS_MATRIX_MATRIX_OPERATIONS_H_
#define TESTS_INTEGRATION_ACCESS_MATRIX_MATRIX_OPERATIONS_H_

// Every operation of the matrix as a client drives it through the API's
// messages, once for any transport that offers the services' methods with
// gRPC's signatures: the gRPC stubs (grpc_edge.cc) and the HTTP/JSON API's
// transcoding client (http_edge.cc), so both columns send the same
// requests. `SafetyAlerts(as)` (found by argument-dependent lookup) gives
// the transport's SafetyAlertService.

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "nhs/tobacco/v1/report_service.grpc.pb.h"
#include "nhs/tobacco/v1/safety_alert_service.grpc.pb.h"
#include "tests/integration/access_matrix/matrix_edge.h"

namespace nhs::tobacco::testing {

inline std::unique_ptr<v1::SafetyAlertService::Stub> SafetyAlerts(GrpcAs& as) {
  return v1::SafetyAlertService::NewStub(as.channel);
}
inline std::unique_ptr<v1::ReportService::Stub> Reports(GrpcAs& as) {
  return v1::ReportService::NewStub(as.channel);
}

}  // namespace nhs::tobacco::testing

namespace nhs::tobacco::access_matrix {

template <typename As>
Answer RunOperation(As& as, MatrixRecords& records_, Op op, const CallerInfo& c,
                    const Fixture& f) {
  const std::string& rx = f.prescription_id;
  v1::PrescriptionRequest p;
  switch (op) {
    case Op::kCreateReferral: {
      v1::Referral out;
      return FromGrpc(as.referrals->CreateReferral(
                          Ctx().get(), records_.ReferralBodyFor(c), &out),
                      "");
    }
    case Op::kGetReferral: {
      v1::GetReferralRequest get;
      get.set_referral_id(f.referral_id);
      v1::Referral out;
      return FromGrpc(as.referrals->GetReferral(Ctx().get(), get, &out),
                      f.referral_id);
    }
    case Op::kListReferrals: {
      v1::ListReferralsRequest list;
      list.set_page_size(500);
      do {
        v1::ListReferralsResponse page;
        grpc::Status s = as.referrals->ListReferrals(Ctx().get(), list, &page);
        if (!s.ok()) return FromGrpc(s, "");
        for (const auto& r : page.referrals()) {
          if (r.referral_id() == f.referral_id) {
            return Answer::Allowed("listed");
          }
        }
        list.set_page_token(page.next_page_token());
      } while (!list.page_token().empty());
      return Answer::Unseen("not in the caller's list");
    }
    case Op::kListAnotherOrganisationsReferrals: {
      v1::ListReferralsRequest list;
      const std::string other = std::string(c.ods) == "TDS01" ? "RX9" : "TDS01";
      list.set_ods_code(other);
      v1::ListReferralsResponse page;
      return FromGrpc(as.referrals->ListReferrals(Ctx().get(), list, &page),
                      other);
    }
    case Op::kUpdateReferralStatus: {
      v1::UpdateReferralStatusRequest update;
      update.set_request_id(NextId("status"));
      update.set_referral_id(f.referral_id);
      update.set_status(v1::REFERRAL_STATUS_ACCEPTED);
      update.mutable_actor()->mutable_organisation()->set_ods_code(c.ods);
      v1::Referral out;
      return FromGrpc(
          as.referrals->UpdateReferralStatus(Ctx().get(), update, &out),
          f.referral_id);
    }
    case Op::kRecommendPrescription:
      return FromGrpc(
          as.prescriptions->RecommendPrescription(
              Ctx().get(),
              testing::SampleRecommendation(
                  NextId("recommend"), f.referral_id, "nrt-patch-21mg-24h",
                  v1::ROUTE_PHARMACY_SUPPLY,
                  records_.TargetOds(c.world, v1::ROUTE_PHARMACY_SUPPLY)),
              &p),
          f.referral_id);
    case Op::kRecommendAlternative: {
      v1::RecommendAlternativeRequest alternative;
      alternative.set_request_id(NextId("alternative"));
      alternative.set_prescription_id(rx);
      alternative.set_route(v1::ROUTE_PHARMACY_SUPPLY);
      alternative.mutable_target()->set_ods_code(
          records_.TargetOds(c.world, v1::ROUTE_PHARMACY_SUPPLY));
      alternative.set_product_id("nrt-patch-21mg-24h");
      alternative.set_dose_text("As directed");
      alternative.mutable_quantity()->set_value(28);
      alternative.mutable_quantity()->set_unit("unit");
      alternative.set_duration_days(28);
      alternative.mutable_recommended_by()->set_identifier("12A3456B");
      alternative.mutable_recommended_by()->set_register_(
          v1::PROFESSIONAL_REGISTER_NMC);
      return FromGrpc(
          as.prescriptions->RecommendAlternative(Ctx().get(), alternative, &p),
          rx);
    }
    case Op::kGetPrescription: {
      v1::GetPrescriptionRequest get;
      get.set_prescription_id(rx);
      return FromGrpc(as.prescriptions->GetPrescription(Ctx().get(), get, &p),
                      rx);
    }
    case Op::kListPrescriptions: {
      v1::ListPrescriptionsRequest list;
      list.set_referral_id(f.referral_id);
      list.set_page_size(500);
      v1::ListPrescriptionsResponse page;
      grpc::Status s =
          as.prescriptions->ListPrescriptions(Ctx().get(), list, &page);
      if (!s.ok()) return FromGrpc(s, "");
      for (const auto& listed : page.prescriptions()) {
        if (listed.prescription_id() == rx) return Answer::Allowed("listed");
      }
      return Answer::Unseen("not in the caller's list");
    }
    case Op::kListAnotherOrganisationsPrescriptions: {
      v1::ListPrescriptionsRequest list;
      const std::string other =
          std::string(c.ods) == "TDS01" ? "FZZ99" : "TDS01";
      list.set_ods_code(other);
      v1::ListPrescriptionsResponse page;
      return FromGrpc(
          as.prescriptions->ListPrescriptions(Ctx().get(), list, &page), other);
    }
    case Op::kGetTimeline: {
      v1::GetTimelineRequest get;
      get.set_prescription_id(rx);
      v1::GetTimelineResponse out;
      return FromGrpc(as.prescriptions->GetTimeline(Ctx().get(), get, &out),
                      rx);
    }
    case Op::kWatchEvents: {
      // A transport without the stream (the JSON API until its server-sent
      // events) does not offer the operation.
      if constexpr (requires {
                      as.prescriptions->WatchEvents(
                          static_cast<grpc::ClientContext*>(nullptr),
                          v1::WatchEventsRequest());
                    }) {
        // The request's events are all committed: a caller who may see them
        // gets the first at once; anyone else gets nothing until the deadline.
        auto ctx = Ctx(absl::Milliseconds(700));
        v1::WatchEventsRequest watch;
        watch.set_prescription_id(rx);
        auto reader = as.prescriptions->WatchEvents(ctx.get(), watch);
        v1::TimelineEvent event;
        const bool got = reader->Read(&event);
        ctx->TryCancel();
        grpc::Status s = reader->Finish();
        if (got) return Answer::Allowed("streamed");
        if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
            s.error_code() == grpc::StatusCode::CANCELLED) {
          return Answer::Unseen("nothing streamed");
        }
        return FromGrpc(s, rx);
      } else {
        return Answer::Other("no event stream on this transport");
      }
    }
    case Op::kMarkSent:
      return FromGrpc(
          as.prescriptions->MarkSent(
              Ctx().get(),
              MatrixRecords::Step<v1::TransitionRequest>(rx, c.ods), &p),
          rx);
    case Op::kAcknowledgeGpRoute:
    case Op::kAcknowledgePharmacyRoute:
    case Op::kAcknowledgeServiceRoute:
      return FromGrpc(
          as.prescriptions->Acknowledge(
              Ctx().get(),
              MatrixRecords::Step<v1::TransitionRequest>(rx, c.ods), &p),
          rx);
    case Op::kPrescribe: {
      auto prescribe = MatrixRecords::Step<v1::PrescribeRequest>(rx, c.ods);
      prescribe.set_eps_prescription_id(EpsId(NextNumber()));
      return FromGrpc(as.prescriptions->Prescribe(Ctx().get(), prescribe, &p),
                      rx);
    }
    case Op::kDecline: {
      auto decline =
          MatrixRecords::Step<v1::ReasonedTransitionRequest>(rx, c.ods);
      decline.set_reason_code("CLINICAL_CONTRAINDICATION");
      return FromGrpc(as.prescriptions->Decline(Ctx().get(), decline, &p), rx);
    }
    case Op::kRequireAppointment:
      return FromGrpc(
          as.prescriptions->RequireAppointment(
              Ctx().get(),
              MatrixRecords::Step<v1::TransitionRequest>(rx, c.ods), &p),
          rx);
    case Op::kDispense: {
      auto dispense = MatrixRecords::Step<v1::TransitionRequest>(rx, c.ods);
      v1::ExternalId* eps = dispense.add_external_ids();
      eps->set_system(kEpsIdSystem);
      // A related pharmacy holds the request's EPS id; another quotes one
      // of its own.
      eps->set_value(c.related ? f.eps_id : EpsId(NextNumber()));
      return FromGrpc(as.prescriptions->Dispense(Ctx().get(), dispense, &p),
                      rx);
    }
    case Op::kSupplyPharmacyRoute:
    case Op::kSupplyServiceRoute:
      return FromGrpc(
          as.prescriptions->Supply(
              Ctx().get(),
              MatrixRecords::Step<v1::TransitionRequest>(rx, c.ods), &p),
          rx);
    case Op::kRecordNotSuppliedPharmacyRoute:
    case Op::kRecordNotSuppliedServiceRoute: {
      auto not_supplied =
          MatrixRecords::Step<v1::ReasonedTransitionRequest>(rx, c.ods);
      not_supplied.set_reason_code("OUT_OF_STOCK");
      return FromGrpc(
          as.prescriptions->RecordNotSupplied(Ctx().get(), not_supplied, &p),
          rx);
    }
    case Op::kCancel: {
      auto cancel =
          MatrixRecords::Step<v1::ReasonedTransitionRequest>(rx, c.ods);
      cancel.set_reason_code("PATIENT_DECLINED");
      return FromGrpc(as.prescriptions->Cancel(Ctx().get(), cancel, &p), rx);
    }
    case Op::kRecordOutcome: {
      v1::RecordOutcomeRequest record;
      record.set_request_id(NextId("outcome"));
      v1::Outcome* o = record.mutable_outcome();
      o->set_referral_id(f.referral_id);
      o->set_follow_up(v1::FOLLOW_UP_POINT_WEEK_4);
      o->set_status(v1::OUTCOME_STATUS_QUIT_SELF_REPORTED);
      o->set_quit_date(DaysFromToday(-28));
      o->set_recorded_on(DaysFromToday(0));
      o->mutable_recorded_by()->mutable_organisation()->set_ods_code(c.ods);
      v1::Outcome out;
      return FromGrpc(as.outcomes->RecordOutcome(Ctx().get(), record, &out),
                      f.referral_id);
    }
    case Op::kSetQuitDate: {
      v1::SetQuitDateRequest set;
      set.set_request_id(NextId("quit-date"));
      set.set_referral_id(f.referral_id);
      set.set_quit_date(DaysFromToday(0));
      set.mutable_actor()->mutable_organisation()->set_ods_code(c.ods);
      v1::Referral out;
      return FromGrpc(as.referrals->SetQuitDate(Ctx().get(), set, &out),
                      f.referral_id);
    }
    case Op::kRecordContact: {
      v1::RecordContactRequest contact;
      contact.set_request_id(NextId("contact"));
      contact.set_referral_id(f.referral_id);
      contact.set_outcome(v1::CONTACT_OUTCOME_ATTENDED);
      contact.set_mode(v1::CONTACT_MODE_PHONE);
      contact.set_contact_date(DaysFromToday(0));
      contact.mutable_actor()->mutable_organisation()->set_ods_code(c.ods);
      v1::Contact out;
      return FromGrpc(as.referrals->RecordContact(Ctx().get(), contact, &out),
                      f.referral_id);
    }
    case Op::kListOutcomes: {
      v1::ListOutcomesRequest list;
      list.set_referral_id(f.referral_id);
      v1::ListOutcomesResponse out;
      return FromGrpc(as.outcomes->ListOutcomes(Ctx().get(), list, &out),
                      f.referral_id);
    }
    case Op::kListDeliveries: {
      v1::ListDeliveriesResponse out;
      return FromGrpc(as.admin->ListDeliveries(
                          Ctx().get(), v1::ListDeliveriesRequest(), &out),
                      "");
    }
    case Op::kGetDelivery: {
      v1::GetDeliveryRequest get;
      get.set_message_id(records_.DeadLetter());
      v1::Delivery out;
      return FromGrpc(as.admin->GetDelivery(Ctx().get(), get, &out), "");
    }
    case Op::kDiscardDelivery: {
      v1::DiscardDeliveryRequest discard;
      discard.set_message_id(records_.DeadLetter());
      discard.set_reason("access matrix");
      v1::Delivery out;
      return FromGrpc(as.admin->DiscardDelivery(Ctx().get(), discard, &out),
                      "");
    }
    case Op::kReplayDelivery: {
      v1::ReplayDeliveryRequest replay;
      replay.set_message_id(records_.DeadLetter());
      v1::Delivery out;
      return FromGrpc(as.admin->ReplayDelivery(Ctx().get(), replay, &out), "");
    }
    case Op::kGetDeliveryStats: {
      v1::GetDeliveryStatsResponse out;
      return FromGrpc(as.admin->GetDeliveryStats(
                          Ctx().get(), v1::GetDeliveryStatsRequest(), &out),
                      "");
    }
    case Op::kVerifyAuditChain: {
      v1::VerifyAuditChainResponse out;
      grpc::Status s = as.admin->VerifyAuditChain(
          Ctx().get(), v1::VerifyAuditChainRequest(), &out);
      if (s.ok() && !out.intact()) {
        return Answer::Other(absl::StrCat("chain broken: ", out.problem()));
      }
      return FromGrpc(s, "");
    }
    case Op::kListProducts: {
      v1::ListProductsResponse out;
      grpc::Status s = as.formulary->ListProducts(
          Ctx().get(), v1::ListProductsRequest(), &out);
      if (s.ok() && out.products_size() == 0) {
        return Answer::Other("an empty catalogue");
      }
      return FromGrpc(s, "");
    }
    case Op::kListAuditRecords: {
      v1::ListAuditRecordsRequest list;
      list.set_limit(1);
      v1::ListAuditRecordsResponse out;
      return FromGrpc(as.admin->ListAuditRecords(Ctx().get(), list, &out), "");
    }
    // Amendment (issue 12, amend part).
    case Op::kUpdateReferral: {
      v1::UpdateReferralRequest update;
      update.set_request_id(NextId("amend"));
      update.set_referral_id(f.referral_id);
      update.mutable_update_mask()->add_paths("goal");
      update.mutable_referral()->set_goal(v1::QUIT_GOAL_CUT_DOWN_TO_QUIT);
      v1::Referral out;
      return FromGrpc(as.referrals->UpdateReferral(Ctx().get(), update, &out),
                      f.referral_id);
    }
    case Op::kGetReferralTimeline: {
      v1::GetReferralTimelineRequest get;
      get.set_referral_id(f.referral_id);
      v1::GetReferralTimelineResponse out;
      return FromGrpc(as.referrals->GetReferralTimeline(Ctx().get(), get, &out),
                      f.referral_id);
    }
    // safety: CYP1A2 safety alerts.
    case Op::kListSafetyAlerts: {
      v1::ListSafetyAlertsRequest list;
      list.set_referral_id(f.referral_id);
      v1::ListSafetyAlertsResponse out;
      grpc::Status s =
          SafetyAlerts(as)->ListSafetyAlerts(Ctx().get(), list, &out);
      if (s.ok() && out.alerts_size() != 1) {
        return Answer::Other(absl::StrCat(out.alerts_size(), " alerts"));
      }
      return FromGrpc(s, f.referral_id);
    }
    case Op::kAcknowledgeSafetyAlert: {
      // The alert's id, as the world's service reads it.
      v1::ListSafetyAlertsRequest list;
      list.set_referral_id(f.referral_id);
      v1::ListSafetyAlertsResponse alerts;
      grpc::Status s = v1::SafetyAlertService::NewStub(
                           records_.As(records_.ServiceCert(c.world)).channel)
                           ->ListSafetyAlerts(Ctx().get(), list, &alerts);
      if (!s.ok() || alerts.alerts_size() != 1) {
        return Answer::Other("set-up: the referral has no safety alert");
      }
      v1::AcknowledgeSafetyAlertRequest ack;
      ack.set_request_id(NextId("ack-alert"));
      ack.set_alert_id(alerts.alerts(0).alert_id());
      ack.mutable_actor()->mutable_practitioner()->set_identifier("C7654321");
      ack.mutable_actor()->mutable_practitioner()->set_display_name(
          "Dr A Prescriber");
      v1::SafetyAlert out;
      return FromGrpc(
          SafetyAlerts(as)->AcknowledgeSafetyAlert(Ctx().get(), ack, &out),
          ack.alert_id());
    }
    // reports (issue 14): this month, the total only.
    case Op::kGetOutcomeReport:
    case Op::kGetPathwayReport: {
      const std::string today = absl::FormatCivilTime(
          absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()));
      v1::ReportRequest report;
      report.set_from(today.substr(0, 8) + "01");
      report.set_to(today);
      const std::string id =
          op == Op::kGetOutcomeReport ? "report:outcomes" : "report:pathway";
      grpc::Status s;
      if (op == Op::kGetOutcomeReport) {
        v1::OutcomeReport out;
        s = Reports(as)->GetOutcomeReport(Ctx().get(), report, &out);
        if (s.ok() && (out.rows_size() == 0 || !out.rows().rbegin()->total())) {
          return Answer::Other("a report without its total row");
        }
      } else {
        v1::PathwayReport out;
        s = Reports(as)->GetPathwayReport(Ctx().get(), report, &out);
        if (s.ok() && (out.rows_size() == 0 || !out.rows().rbegin()->total())) {
          return Answer::Other("a report without its total row");
        }
      }
      return FromGrpc(s, id);
    }
  }
  return Answer::Other("operation not driven");
}

}  // namespace nhs::tobacco::access_matrix

#endif  // TESTS_INTEGRATION_ACCESS_MATRIX_MATRIX_OPERATIONS_H_
