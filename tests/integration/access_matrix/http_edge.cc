// The HTTP/JSON API column of the access matrix (issue 13): every unary
// operation, for every role, as the same request messages the gRPC column
// sends, transcoded by the route each method's google.api.http annotation
// declares and sent in proto JSON over mutual TLS to /v1/. The answer's
// google.rpc.Status becomes the gRPC status the table is read against, and
// its HTTP status must be the one the standard mapping gives that code.
#include <google/protobuf/util/json_util.h>

#include <cctype>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/api/annotations.pb.h"
#include "google/rpc/status.pb.h"
#include "nhs/tobacco/v1/admin_service.pb.h"
#include "nhs/tobacco/v1/formulary_service.pb.h"
#include "nhs/tobacco/v1/outcome_service.pb.h"
#include "nhs/tobacco/v1/prescription_service.pb.h"
#include "nhs/tobacco/v1/referral_service.pb.h"
#include "nhs/tobacco/v1/report_service.pb.h"
#include "nhs/tobacco/v1/safety_alert_service.pb.h"
#include "tests/integration/access_matrix/matrix_edge.h"
#include "tests/integration/access_matrix/matrix_operations.h"
#include "tests/testing/raw_https_client.h"

namespace nhs::tobacco::access_matrix {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

// The HTTP status Google's transcoding gives a gRPC code.
int HttpStatusOf(int code) {
  switch (code) {
    case 3:
    case 9:
    case 11:
      return 400;
    case 16:
      return 401;
    case 7:
      return 403;
    case 5:
      return 404;
    case 6:
    case 10:
      return 409;
    case 8:
      return 429;
    case 14:
      return 503;
    case 4:
      return 504;
    default:
      return 500;
  }
}

std::string UrlEncoded(const std::string& text) {
  std::string out;
  for (unsigned char ch : text) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out.push_back(static_cast<char>(ch));
    } else {
      absl::StrAppend(&out, absl::StrFormat("%%%02X", ch));
    }
  }
  return out;
}

// A top-level scalar field as text (the route templates and the matrix's
// GET requests use nothing else).
std::string TextOf(const Message& m, const FieldDescriptor& f) {
  const auto& r = *m.GetReflection();
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return r.GetString(m, &f);
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(r.GetInt32(m, &f));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(r.GetInt64(m, &f));
    case FieldDescriptor::CPPTYPE_BOOL:
      return r.GetBool(m, &f) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return r.GetEnum(m, &f)->name();
    default:
      ADD_FAILURE() << f.full_name() << " cannot go in a URL";
      return "";
  }
}

// Calls one method over the JSON API as `cert`, the way an integrator
// reading the annotations would.
class JsonCalls {
 public:
  JsonCalls(int port, std::string cert) : port_(port), cert_(std::move(cert)) {}

  grpc::Status Call(const MethodDescriptor& method, const Message& request,
                    Message* response) const {
    const google::api::HttpRule& rule =
        method.options().GetExtension(google::api::http);
    std::string verb;
    std::string path;
    if (!rule.post().empty()) {
      verb = "POST";
      path = rule.post();
    } else if (!rule.patch().empty()) {
      verb = "PATCH";
      path = rule.patch();
    } else {
      verb = "GET";
      path = rule.get();
    }
    // {field} -> the field's value; the rest go in the query (GET) or the
    // body ("*").
    std::set<std::string> in_path;
    for (size_t open; (open = path.find('{')) != std::string::npos;) {
      const size_t close = path.find('}', open);
      const std::string name = path.substr(open + 1, close - open - 1);
      in_path.insert(name);
      const FieldDescriptor* f = request.GetDescriptor()->FindFieldByName(name);
      path.replace(open, close - open + 1, UrlEncoded(TextOf(request, *f)));
    }
    std::string body;
    if (rule.body() == "*") {
      google::protobuf::util::MessageToJsonString(request, &body);
    } else {
      std::vector<std::string> query;
      std::vector<const FieldDescriptor*> set;
      request.GetReflection()->ListFields(request, &set);
      for (const FieldDescriptor* f : set) {
        if (in_path.count(f->name()) > 0) continue;
        query.push_back(
            absl::StrCat(f->json_name(), "=", UrlEncoded(TextOf(request, *f))));
      }
      if (!query.empty())
        absl::StrAppend(&path, "?", absl::StrJoin(query, "&"));
    }
    testing::TlsTestClient client(port_, cert_);
    if (!client.ok()) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "tls");
    std::string wire = absl::StrCat(verb, " ", path,
                                    " HTTP/1.1\r\nHost: localhost\r\n"
                                    "Connection: close\r\n");
    if (!body.empty()) {
      absl::StrAppend(&wire, "Content-Type: application/json\r\n",
                      "Content-Length: ", body.size(), "\r\n");
    }
    absl::StrAppend(&wire, "\r\n", body);
    client.Write(wire);
    std::string answer;
    const int status = client.ReadStatus(absl::Seconds(20), &answer);
    google::protobuf::util::JsonParseOptions strict;
    strict.ignore_unknown_fields = false;
    if (status == 200) {
      if (!google::protobuf::util::JsonStringToMessage(answer, response, strict)
               .ok()) {
        return grpc::Status(
            grpc::StatusCode::INTERNAL,
            absl::StrCat("not a ", method.output_type()->name(), ": ", answer));
      }
      return grpc::Status::OK;
    }
    google::rpc::Status refusal;
    if (!google::protobuf::util::JsonStringToMessage(answer, &refusal, strict)
             .ok() ||
        HttpStatusOf(refusal.code()) != status) {
      return grpc::Status(
          grpc::StatusCode::INTERNAL,
          absl::StrCat(verb, " ", path, ": HTTP ", status, " ", answer));
    }
    return grpc::Status(static_cast<grpc::StatusCode>(refusal.code()),
                        refusal.message());
  }

 private:
  const int port_;
  const std::string cert_;
};

// Finds `method` of `service` in the generated pool.
const MethodDescriptor* MethodNamed(const std::string& service,
                                    const std::string& method) {
  const auto* s =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          absl::StrCat("nhs.tobacco.v1.", service));
  return s == nullptr ? nullptr : s->FindMethodByName(method);
}

// One service's methods with the gRPC stubs' signatures.
#define JSON_RPC(Service, Method, Request, Response)                       \
  grpc::Status Method(grpc::ClientContext*, const v1::Request& request,    \
                      v1::Response* response) const {                      \
    return calls.Call(*MethodNamed(#Service, #Method), request, response); \
  }

struct JsonReferrals {
  const JsonCalls& calls;
  JSON_RPC(ReferralService, CreateReferral, CreateReferralRequest, Referral)
  JSON_RPC(ReferralService, GetReferral, GetReferralRequest, Referral)
  JSON_RPC(ReferralService, ListReferrals, ListReferralsRequest,
           ListReferralsResponse)
  JSON_RPC(ReferralService, UpdateReferralStatus, UpdateReferralStatusRequest,
           Referral)
  JSON_RPC(ReferralService, UpdateReferral, UpdateReferralRequest, Referral)
  JSON_RPC(ReferralService, GetReferralTimeline, GetReferralTimelineRequest,
           GetReferralTimelineResponse)
  JSON_RPC(ReferralService, SetQuitDate, SetQuitDateRequest, Referral)
  JSON_RPC(ReferralService, RecordContact, RecordContactRequest, Contact)
};

struct JsonPrescriptions {
  const JsonCalls& calls;
  JSON_RPC(PrescriptionService, RecommendPrescription,
           RecommendPrescriptionRequest, PrescriptionRequest)
  JSON_RPC(PrescriptionService, RecommendAlternative,
           RecommendAlternativeRequest, PrescriptionRequest)
  JSON_RPC(PrescriptionService, GetPrescription, GetPrescriptionRequest,
           PrescriptionRequest)
  JSON_RPC(PrescriptionService, ListPrescriptions, ListPrescriptionsRequest,
           ListPrescriptionsResponse)
  JSON_RPC(PrescriptionService, GetTimeline, GetTimelineRequest,
           GetTimelineResponse)
  JSON_RPC(PrescriptionService, MarkSent, TransitionRequest,
           PrescriptionRequest)
  JSON_RPC(PrescriptionService, Acknowledge, TransitionRequest,
           PrescriptionRequest)
  JSON_RPC(PrescriptionService, Prescribe, PrescribeRequest,
           PrescriptionRequest)
  JSON_RPC(PrescriptionService, Decline, ReasonedTransitionRequest,
           PrescriptionRequest)
  JSON_RPC(PrescriptionService, RequireAppointment, TransitionRequest,
           PrescriptionRequest)
  JSON_RPC(PrescriptionService, Dispense, TransitionRequest,
           PrescriptionRequest)
  JSON_RPC(PrescriptionService, Supply, TransitionRequest, PrescriptionRequest)
  JSON_RPC(PrescriptionService, RecordNotSupplied, ReasonedTransitionRequest,
           PrescriptionRequest)
  JSON_RPC(PrescriptionService, Cancel, ReasonedTransitionRequest,
           PrescriptionRequest)
};

struct JsonOutcomes {
  const JsonCalls& calls;
  JSON_RPC(OutcomeService, RecordOutcome, RecordOutcomeRequest, Outcome)
  JSON_RPC(OutcomeService, ListOutcomes, ListOutcomesRequest,
           ListOutcomesResponse)
};

struct JsonAdmin {
  const JsonCalls& calls;
  JSON_RPC(AdminService, VerifyAuditChain, VerifyAuditChainRequest,
           VerifyAuditChainResponse)
  JSON_RPC(AdminService, ListAuditRecords, ListAuditRecordsRequest,
           ListAuditRecordsResponse)
  JSON_RPC(AdminService, ListDeliveries, ListDeliveriesRequest,
           ListDeliveriesResponse)
  JSON_RPC(AdminService, GetDelivery, GetDeliveryRequest, Delivery)
  JSON_RPC(AdminService, ReplayDelivery, ReplayDeliveryRequest, Delivery)
  JSON_RPC(AdminService, DiscardDelivery, DiscardDeliveryRequest, Delivery)
  JSON_RPC(AdminService, GetDeliveryStats, GetDeliveryStatsRequest,
           GetDeliveryStatsResponse)
};

struct JsonFormulary {
  const JsonCalls& calls;
  JSON_RPC(FormularyService, ListProducts, ListProductsRequest,
           ListProductsResponse)
};

struct JsonSafetyAlerts {
  const JsonCalls& calls;
  JSON_RPC(SafetyAlertService, ListSafetyAlerts, ListSafetyAlertsRequest,
           ListSafetyAlertsResponse)
  JSON_RPC(SafetyAlertService, AcknowledgeSafetyAlert,
           AcknowledgeSafetyAlertRequest, SafetyAlert)
};

struct JsonReports {
  const JsonCalls& calls;
  JSON_RPC(ReportService, GetOutcomeReport, ReportRequest, OutcomeReport)
  JSON_RPC(ReportService, GetPathwayReport, ReportRequest, PathwayReport)
};

#undef JSON_RPC

// The JSON API as one certificate sees it, shaped like testing::GrpcAs.
struct HttpAs {
  HttpAs(int port, const std::string& cert)
      : calls(port, cert),
        referral_calls{calls},
        prescription_calls{calls},
        outcome_calls{calls},
        admin_calls{calls},
        formulary_calls{calls},
        safety_alert_calls{calls},
        report_calls{calls} {}

  JsonCalls calls;
  JsonReferrals referral_calls;
  JsonPrescriptions prescription_calls;
  JsonOutcomes outcome_calls;
  JsonAdmin admin_calls;
  JsonFormulary formulary_calls;
  JsonSafetyAlerts safety_alert_calls;
  JsonReports report_calls;
  const JsonReferrals* referrals = &referral_calls;
  const JsonPrescriptions* prescriptions = &prescription_calls;
  const JsonOutcomes* outcomes = &outcome_calls;
  const JsonAdmin* admin = &admin_calls;
  const JsonFormulary* formulary = &formulary_calls;
};

const JsonSafetyAlerts* SafetyAlerts(HttpAs& as) {
  return &as.safety_alert_calls;
}
const JsonReports* Reports(HttpAs& as) { return &as.report_calls; }

class HttpColumn final : public Edge {
 public:
  explicit HttpColumn(MatrixRecords& records) : records_(records) {}
  std::string Name() const override { return "HTTP/JSON"; }
  // Every unary operation; the event stream is server-sent events.
  bool Offers(Op op) const override { return op != Op::kWatchEvents; }
  bool Serves(const CallerInfo&) const override { return true; }
  Answer Run(Op op, const CallerInfo& c, const Fixture& f) override {
    std::unique_ptr<HttpAs>& as = callers_[c.cert];
    if (as == nullptr) {
      as = std::make_unique<HttpAs>(records_.gateway().fhir_port(), c.cert);
    }
    return RunOperation(*as, records_, op, c, f);
  }

 private:
  MatrixRecords& records_;
  std::map<std::string, std::unique_ptr<HttpAs>> callers_;
};

}  // namespace

std::unique_ptr<Edge> HttpEdge(MatrixRecords& records) {
  return std::make_unique<HttpColumn>(records);
}

}  // namespace nhs::tobacco::access_matrix
