#include "adapters/gp_connect/itk3_response_codes.h"

namespace nhs::tobacco::gp_connect {
namespace {

// Issue types as the mapping page gives them; where it lists several (the
// validation failures) its headline code, "invalid".
constexpr Itk3ResponseCode kCodes[] = {
    {"10001", "Handling Specification Error", "processing", false, false},
    {"10002", "Infrastructure Level Response Value - Processing Error",
     "processing", false, false},
    {"10003", "Business Level Response Value - Processing Error", "processing",
     false, false},
    {"10004", "Message Definition Value - Processing Error", "processing",
     false, false},
    {"10005", "Message Definition Version Value - Processing Error",
     "processing", false, false},
    {"10006", "Priority Value - Processing Error", "processing", false, false},
    {"10007", "Sender Reference Value - Processing Error", "processing", false,
     false},
    {"10008", "Handling Specification Business Rule Error", "processing", false,
     false},
    {"10009", "Unreadable message received", "processing", false, false},
    {"10010", "Recipient Type - Processing Error", "processing", false, false},
    {"20001", "Unrecognised Recipient Person", "not-found", false, false},
    {"20002", "Unrecognised Recipient Organisation", "not-found", false, false},
    {"20003", "Unrecognised Sender", "not-found", false, false},
    {"20004", "Non-Approved file type received as an attachment", "security",
     false, false},
    {"20005", "Unsupported file type received as an attachment", "security",
     false, false},
    {"20006", "ITK3 Header validation failure", "invalid", false, false},
    {"20007", "Duplicate Message received", "duplicate", false, false},
    {"20008", "Duplicate Document received", "duplicate", false, false},
    {"20009", "Payload validation failure", "invalid", false, false},
    {"20010", "Unrecognised Payload Recipient Organisation", "not-found", false,
     false},
    {"20011", "Unrecognised Payload Recipient Person", "not-found", false,
     false},
    {"20012", "Unauthorised Sender", "security", false, false},
    {"20013", "Success", "informational", true, false},
    {"30001", "Patient known here", "informational", true, true},
    {"30002", "Patient not known here", "not-found", false, true},
    {"30003", "Patient no longer at this clinical setting", "business-rule",
     false, true},
};

}  // namespace

std::optional<Itk3ResponseCode> FindItk3ResponseCode(absl::string_view code) {
  for (const Itk3ResponseCode& c : kCodes) {
    if (c.code == code) return c;
  }
  return std::nullopt;
}

}  // namespace nhs::tobacco::gp_connect
