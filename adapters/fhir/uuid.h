#ifndef ADAPTERS_FHIR_UUID_H_
#define ADAPTERS_FHIR_UUID_H_

#include <string>

#include "absl/strings/string_view.h"

namespace nhs::tobacco::fhir {

// RFC 4122 version 5 (SHA-1, name-based) UUID in lower-case 8-4-4-4-12 form,
// under the gateway's own namespace. Translations derive every entry's
// urn:uuid from the message id with it, so translating the same input twice
// gives byte-identical output: a retried message is the same message, and
// tests can compare exact text.
std::string NameBasedUuid(absl::string_view name);

// A random (version 4) UUID, for message ids that have nothing to derive
// from (gateway/common's, in the namespace FHIR code looks in).
std::string RandomUuid();

// True for the 8-4-4-4-12 hexadecimal form.
bool IsUuid(absl::string_view text);

}  // namespace nhs::tobacco::fhir

#endif  // ADAPTERS_FHIR_UUID_H_
