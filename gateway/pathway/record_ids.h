#ifndef GATEWAY_PATHWAY_RECORD_IDS_H_
#define GATEWAY_PATHWAY_RECORD_IDS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace nhs::tobacco::pathway {

// A new record id: `prefix` + "-" + 12 hex digits of the creation time in
// milliseconds + 16 random hex digits (64 bits), e.g. "rx-019acb...". The
// time prefix keeps inserts at the right-hand edge of the primary-key
// index (one page touched per commit, not one per row); the random part
// means ids reveal nothing about volumes and never collide across gateway
// instances.
std::string NewRecordId(absl::string_view prefix);

// SHA-256 (hex) of the message's deterministic serialization: the
// fingerprint that tells a true retry from a reused request_id.
std::string RequestFingerprint(const google::protobuf::Message& request);

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_RECORD_IDS_H_
