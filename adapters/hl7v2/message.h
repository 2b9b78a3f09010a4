#ifndef ADAPTERS_HL7V2_MESSAGE_H_
#define ADAPTERS_HL7V2_MESSAGE_H_

// In-memory HL7 v2 message. Text is stored exactly as it was encoded on the
// wire (delimiters and escape sequences included) and decoded only when read,
// which makes writing a parsed message back a byte-for-byte round trip and
// keeps unknown escapes, Z-segments and trailing empty fields intact.
//
//   absl::StatusOr<Message> msg = ParseEr7(bytes);
//   std::string nhs = *msg->Get("PID-3(1).1");   // decoded text
//   std::string trigger = *msg->Get("MSH-9.2");
//   Presence p = *msg->GetPresence("PID-8");     // kAbsent, kNull, kValued
//
// Paths are 1-based: SEG[(occurrence)]-field[(repetition)][.component
// [.subcomponent]], e.g. "OBX(2)-5", "PID-3(2).1", "PID-3.1.2".
//
// Empty versus null: an empty field ("|" "|") means "not sent"; the
// two-character literal `""` is an HL7 null ("sent, and deliberately
// blank"). Presence tells them apart at any level.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/hl7v2/encoding.h"

namespace nhs::tobacco::hl7v2 {

// The HL7 null value as it appears on the wire.
inline constexpr absl::string_view kHl7Null = "\"\"";

enum class Presence {
  kAbsent,  // empty or beyond the last element sent
  kNull,    // the literal `""`
  kValued,  // anything else
};

// Presence of one element given its raw (encoded) text.
Presence PresenceOf(absl::string_view raw);

// A parsed path; see the file comment for the syntax.
struct Path {
  std::string segment_id;
  int segment_occurrence = 1;
  int field = 0;
  int repetition = 0;    // 0: not given (reads use the first)
  int component = 0;     // 0: not given
  int subcomponent = 0;  // 0: not given

  std::string ToString() const;
};

// InvalidArgument naming the path when it does not follow the syntax or an
// index is outside 1..99999.
absl::StatusOr<Path> ParsePath(absl::string_view path);

// One component of a repetition: subcomponents split on the subcomponent
// separator. Like Repetition and Field, a small value holding its own copy
// of the raw text and the delimiters; Text() reads the first subcomponent.
class Component {
 public:
  Component(std::string raw, const Encoding& encoding, bool literal = false);

  const std::string& raw() const { return raw_; }
  Presence presence() const { return PresenceOf(raw_); }
  bool IsNull() const { return presence() == Presence::kNull; }
  bool IsEmpty() const { return raw_.empty(); }

  // 0 when empty; otherwise the number of subcomponents sent.
  int subcomponent_count() const;
  // Decoded subcomponent `n` (1-based); "" when absent or null.
  std::string Subcomponent(int n) const;
  // Presence of subcomponent `n`.
  Presence SubcomponentPresence(int n) const;
  std::string Text() const { return Subcomponent(1); }

 private:
  std::string raw_;
  Encoding encoding_;
  bool literal_;  // MSH-1/MSH-2: never split or decoded
};

class Repetition {
 public:
  Repetition(std::string raw, const Encoding& encoding, bool literal = false);

  const std::string& raw() const { return raw_; }
  Presence presence() const { return PresenceOf(raw_); }
  bool IsNull() const { return presence() == Presence::kNull; }
  bool IsEmpty() const { return raw_.empty(); }

  int component_count() const;
  // Component `n` (1-based); empty when beyond the last one sent.
  Component GetComponent(int n) const;
  // First component's first subcomponent, decoded.
  std::string Text() const { return GetComponent(1).Text(); }

 private:
  std::string raw_;
  Encoding encoding_;
  bool literal_;
};

class Field {
 public:
  Field(std::string raw, const Encoding& encoding, bool literal = false);

  const std::string& raw() const { return raw_; }
  Presence presence() const { return PresenceOf(raw_); }
  bool IsNull() const { return presence() == Presence::kNull; }
  bool IsEmpty() const { return raw_.empty(); }

  int repetition_count() const;
  // Repetition `n` (1-based); empty when beyond the last one sent.
  Repetition GetRepetition(int n) const;
  std::vector<Repetition> repetitions() const;
  // First repetition, first component, first subcomponent, decoded.
  std::string Text() const { return GetRepetition(1).Text(); }

 private:
  std::string raw_;
  Encoding encoding_;
  bool literal_;
};

// One segment: a three-character id and its fields, kept encoded. For MSH,
// field 1 is the field separator and field 2 the encoding characters, as
// HL7 counts them; both are read-only and always match the message's
// encoding.
class Segment {
 public:
  // `id` is not checked here; Message::AddSegment and the parser check it.
  Segment(std::string id, const Encoding& encoding);

  const std::string& id() const { return id_; }
  const Encoding& encoding() const { return encoding_; }
  bool is_header() const { return id_ == "MSH"; }

  // Number of fields present, counting trailing empty ones that were sent.
  int field_count() const { return static_cast<int>(fields_.size()); }
  // Raw text of field `n` (1-based); "" when beyond the last field.
  absl::string_view RawField(int n) const;
  Field GetField(int n) const;

  // Replaces field `n` with already-encoded text, padding with empty fields
  // as needed. InvalidArgument if `raw` holds a field separator or segment
  // terminator, or `n` is MSH-1/MSH-2 or outside 1..kMaxFieldIndex.
  absl::Status SetRawField(int n, absl::string_view raw);

  // Sets one element to plain `text`, escaping it, padding with empty
  // elements as needed. Indices are 1-based; `repetition` 0 means 1;
  // `component` 0 replaces the whole repetition and `subcomponent` 0 the
  // whole component.
  absl::Status SetValue(int field, int repetition, int component,
                        int subcomponent, absl::string_view text);
  // As SetValue but writes the HL7 null `""` without escaping.
  absl::Status SetNull(int field, int repetition, int component,
                       int subcomponent);

  // Used by the parser, which has already split and checked the text.
  void AppendRawFieldUnchecked(std::string raw) {
    fields_.push_back(std::move(raw));
  }

  static constexpr int kMaxFieldIndex = 9999;

 private:
  absl::Status SetElementRaw(int field, int repetition, int component,
                             int subcomponent, absl::string_view raw);

  std::string id_;
  Encoding encoding_;
  std::vector<std::string> fields_;  // fields_[0] is field 1
};

// A whole message: MSH first, then any segments in the order received.
// Copyable value; thread-compatible.
class Message {
 public:
  // A message holding only an MSH segment with MSH-1/MSH-2 from `encoding`
  // (which must be valid; see Encoding::Validate).
  explicit Message(const Encoding& encoding = Encoding());

  const Encoding& encoding() const { return encoding_; }
  const std::vector<Segment>& segments() const { return segments_; }
  int segment_count() const { return static_cast<int>(segments_.size()); }
  const Segment& header() const { return segments_.front(); }

  // The `occurrence`-th (1-based) segment with `id`, or nullptr.
  const Segment* FindSegment(absl::string_view id, int occurrence = 1) const;
  Segment* FindMutableSegment(absl::string_view id, int occurrence = 1);
  std::vector<const Segment*> FindSegments(absl::string_view id) const;

  // Appends a segment (ids are three upper-case letters or digits starting
  // with a letter; a second MSH is refused). The pointer stays valid until
  // the next AddSegment.
  absl::StatusOr<Segment*> AddSegment(absl::string_view id);

  // Decoded text at `path`; unspecified repetition/component/subcomponent
  // default to the first. "" for absent or null elements. NotFound when the
  // segment occurrence does not exist, InvalidArgument for a bad path.
  absl::StatusOr<std::string> Get(absl::string_view path) const;
  // Encoded text at exactly the level named by `path` (e.g. "PID-3" is the
  // whole field with all repetitions).
  absl::StatusOr<std::string> GetRaw(absl::string_view path) const;
  absl::StatusOr<Presence> GetPresence(absl::string_view path) const;

  // Writes plain `text` (escaped) or an HL7 null at `path`. NotFound when
  // the segment does not exist.
  absl::Status Set(absl::string_view path, absl::string_view text);
  absl::Status SetNull(absl::string_view path);

  // Parser use only: takes an already checked segment.
  void AppendSegmentUnchecked(Segment segment) {
    segments_.push_back(std::move(segment));
  }
  // Parser use only: a message with no segments yet.
  static Message EmptyForParser(const Encoding& encoding);

 private:
  struct NoHeader {};
  Message(const Encoding& encoding, NoHeader);

  absl::StatusOr<const Segment*> Locate(const Path& path) const;

  Encoding encoding_;
  std::vector<Segment> segments_;
};

// True when `id` is usable as a segment id: three characters, upper-case
// letters or digits, the first a letter.
bool IsValidSegmentId(absl::string_view id);

}  // namespace nhs::tobacco::hl7v2

#endif  // ADAPTERS_HL7V2_MESSAGE_H_
