#ifndef GATEWAY_PATHWAY_REPLY_H_
#define GATEWAY_PATHWAY_REPLY_H_

#include <functional>

#include "absl/status/statusor.h"

namespace nhs::tobacco::pathway {

// How a use case answers: called once, with the result or the refusal.
// Writes call it on a store thread once the change is durable: it must not
// block.
template <typename T>
using Reply = std::function<void(absl::StatusOr<T>)>;

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_REPLY_H_
