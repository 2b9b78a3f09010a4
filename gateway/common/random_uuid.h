#ifndef GATEWAY_COMMON_RANDOM_UUID_H_
#define GATEWAY_COMMON_RANDOM_UUID_H_

#include <string>

namespace nhs::tobacco {

// A random (RFC 4122 version 4) UUID, lower case 8-4-4-4-12: outbound
// message ids, OperationOutcome ids. Identifies, never authenticates.
std::string RandomUuid();

}  // namespace nhs::tobacco

#endif  // GATEWAY_COMMON_RANDOM_UUID_H_
