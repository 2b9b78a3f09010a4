#ifndef GATEWAY_CLI_REQUEST_ID_H_
#define GATEWAY_CLI_REQUEST_ID_H_

#include <string>

namespace nhs::tobacco::cli {

// A random (version 4) UUID, lower-case hex: the idempotency key for a
// mutating call when the user gave no --request-id. 122 random bits make a
// collision with another client's key negligible.
std::string NewRequestId();

}  // namespace nhs::tobacco::cli

#endif  // GATEWAY_CLI_REQUEST_ID_H_
