#include "gateway/pathway/record_ids.h"

#include <openssl/sha.h>

#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace nhs::tobacco::pathway {

std::string NewRecordId(absl::string_view prefix) {
  thread_local absl::BitGen gen;
  const int64_t millis = absl::ToUnixMillis(absl::Now());
  const uint64_t random = absl::Uniform<uint64_t>(gen);
  return absl::StrFormat("%s-%012x%016x", prefix,
                         static_cast<uint64_t>(millis) & 0xffffffffffffULL,
                         random);
}

std::string RequestFingerprint(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
         digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

}  // namespace nhs::tobacco::pathway
