// Feeds untrusted bytes to ParseEr7. Beyond "no crash, no sanitizer report":
// whatever parses must write and re-parse to the same bytes, input already in
// canonical form (CR-terminated, no LF, no blank lines) must come back
// byte-for-byte, and decoding every element and building ACKs must be safe.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "adapters/hl7v2/ack.h"
#include "adapters/hl7v2/escape.h"
#include "adapters/hl7v2/message.h"
#include "adapters/hl7v2/parser.h"
#include "adapters/hl7v2/writer.h"

namespace nhs::tobacco::hl7v2 {
namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
  }
}

bool IsCanonical(absl::string_view bytes) {
  return !bytes.empty() && bytes.back() == '\r' &&
         !absl::StrContains(bytes, '\n') && !absl::StrContains(bytes, "\r\r");
}

// Reads every element down to subcomponents, bounded so that one input
// cannot take long.
void DecodeEverything(const Message& msg) {
  int budget = 5000;
  for (const Segment& segment : msg.segments()) {
    for (int f = 1; f <= segment.field_count() + 1; ++f) {
      const Field field = segment.GetField(f);
      (void)field.presence();
      for (const Repetition& rep : field.repetitions()) {
        for (int c = 1; c <= rep.component_count() && budget > 0; ++c) {
          const Component comp = rep.GetComponent(c);
          for (int s = 1; s <= comp.subcomponent_count() && budget > 0; ++s) {
            --budget;
            const std::string text = comp.Subcomponent(s);
            // Escaping decoded text and decoding it again is lossless, line
            // breaks aside (they all come back as "\n").
            const std::string normal = absl::StrReplaceAll(
                absl::StrReplaceAll(text, {{"\r\n", "\n"}}), {{"\r", "\n"}});
            Check(Unescape(Escape(text, msg.encoding()), msg.encoding()) ==
                      normal,
                  "Unescape(Escape(x)) == x");
          }
        }
      }
      (void)msg.Get(absl::StrCat(segment.id(), "-", f, "(2).3.2"));
    }
  }
}

}  // namespace
}  // namespace nhs::tobacco::hl7v2

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nhs::tobacco::hl7v2;  // NOLINT: fuzz entry point only
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);

  AckOutcome outcome;
  outcome.code = AckCode::kReject;
  outcome.control_id = "FUZZ";
  outcome.errors.push_back({.location = {.segment_id = "MSH"},
                            .code = ErrorCode::kDataTypeError,
                            .user_message = std::string(bytes.substr(0, 64))});

  absl::StatusOr<Message> msg = ParseEr7(bytes);
  if (!msg.ok()) {
    const Message ack = BuildAckForUnparsed(bytes, outcome);
    Check(ParseEr7(WriteEr7(ack)).ok(), "ACK for unparsed input parses");
    return 0;
  }

  const std::string written = WriteEr7(*msg);
  if (IsCanonical(bytes)) Check(written == bytes, "canonical input round trip");
  absl::StatusOr<Message> again = ParseEr7(written);
  Check(again.ok(), "written message parses");
  Check(WriteEr7(*again) == written, "write(parse(write(m))) == write(m)");

  DecodeEverything(*msg);

  absl::StatusOr<Message> ack = BuildAck(*msg, outcome);
  Check(ack.ok(), "BuildAck succeeds");
  Check(ParseEr7(WriteEr7(*ack)).ok(), "ACK parses");
  return 0;
}
