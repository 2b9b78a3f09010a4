#ifndef GATEWAY_DOMAIN_FORMULARY_H_
#define GATEWAY_DOMAIN_FORMULARY_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::domain {

// The commissioner's product catalogue, from configuration: formularies
// differ between areas, so products are data, not code. Immutable after
// construction; thread-safe.
class Formulary {
 public:
  // Checks every entry: unique product ids, a known kind, at least one
  // route; a vape kit (not a medicine) has a local code, no dm+d code and
  // never the GP route; a medicine's dm+d code, when present, is a SNOMED CT
  // identifier (digits). Codes not yet checked against dm+d stay marked
  // dmd_verified = false; the gateway never invents one.
  static absl::StatusOr<Formulary> FromConfig(
      const google::protobuf::RepeatedPtrField<v1::FormularyEntry>& entries);

  // nullptr when the product is not in the catalogue.
  const v1::FormularyEntry* Find(absl::string_view product_id) const;

  static bool AllowsRoute(const v1::FormularyEntry& entry, v1::Route route);

  // Every entry, in the order the configuration lists them (what
  // ListProducts shows).
  std::vector<const v1::FormularyEntry*> Entries() const;

  size_t size() const { return entries_.size(); }

 private:
  absl::flat_hash_map<std::string, v1::FormularyEntry> entries_;
  std::vector<std::string> order_;  // product ids as configured
};

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_FORMULARY_H_
