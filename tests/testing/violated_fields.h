#ifndef TESTS_TESTING_VIOLATED_FIELDS_H_
#define TESTS_TESTING_VIOLATED_FIELDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gateway/domain/field_violations.h"

namespace nhs::tobacco::testing {

// The field paths a status's violations name, in order: what tests compare
// with the fields they broke.
inline std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const domain::FieldViolation& v : domain::GetFieldViolations(status)) {
    fields.push_back(v.field);
  }
  return fields;
}

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_VIOLATED_FIELDS_H_
