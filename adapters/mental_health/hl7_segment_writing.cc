#include "adapters/mental_health/hl7_segment_writing.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace nhs::tobacco::mental_health {

void SetComponents(hl7v2::Segment& segment, int field,
                   std::initializer_list<absl::string_view> components) {
  int i = 0;
  for (absl::string_view c : components) {
    ++i;
    // Cannot fail: indices are small and positive, text is escaped.
    if (!c.empty()) segment.SetValue(field, 1, i, 0, c).IgnoreError();
  }
}

std::string IsoDateToHl7(absl::string_view iso) {
  return absl::StrReplaceAll(iso, {{"-", ""}});
}

std::string Hl7Timestamp(absl::Time t) {
  return absl::FormatTime("%Y%m%d%H%M%S+0000", t, absl::UTCTimeZone());
}

hl7v2::Message StartMessage(const OutboundHeader& header,
                            absl::string_view type, absl::string_view trigger,
                            absl::string_view structure) {
  hl7v2::Message message;
  hl7v2::Segment& msh = *message.FindMutableSegment("MSH");
  SetComponents(msh, 3, {header.sending_application});
  SetComponents(msh, 4, {header.sending_facility});
  SetComponents(msh, 5, {header.receiving_application});
  SetComponents(msh, 6, {header.receiving_facility});
  SetComponents(msh, 7, {Hl7Timestamp(header.timestamp)});
  SetComponents(msh, 9, {type, trigger, structure});
  SetComponents(msh, 10, {header.control_id});
  SetComponents(msh, 11, {header.processing_id});
  SetComponents(msh, 12, {"2.5.1"});
  SetComponents(msh, 15, {"AL"});
  SetComponents(msh, 16, {"NE"});
  return message;
}

void AddPid(hl7v2::Message& message, const v1::Patient& patient) {
  hl7v2::Segment& pid = **message.AddSegment("PID");
  SetComponents(pid, 1, {"1"});
  SetComponents(pid, 3, {patient.nhs_number(), "", "", "NHS", "NH"});
  SetComponents(pid, 7, {IsoDateToHl7(patient.date_of_birth())});
}

}  // namespace nhs::tobacco::mental_health
