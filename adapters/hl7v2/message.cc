#include "adapters/hl7v2/message.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "adapters/hl7v2/encoding.h"
#include "adapters/hl7v2/escape.h"

namespace nhs::tobacco::hl7v2 {
namespace {

// Bounds padding when setting by index, so a hostile or mistaken index
// cannot make us allocate without limit.
constexpr int kMaxIndex = 9999;
constexpr int kMaxPathIndex = 99999;

// Splits on `sep`; an empty string has no parts (nothing was sent).
std::vector<absl::string_view> Parts(absl::string_view raw, char sep) {
  if (raw.empty()) return {};
  return absl::StrSplit(raw, sep);
}

// Part `n` (1-based) of `raw`, or "" beyond the end.
absl::string_view PartAt(absl::string_view raw, char sep, int n) {
  if (n < 1) return {};
  int index = 1;
  size_t start = 0;
  while (true) {
    const size_t end = raw.find(sep, start);
    if (index == n) {
      return raw.substr(start, end == absl::string_view::npos
                                   ? absl::string_view::npos
                                   : end - start);
    }
    if (end == absl::string_view::npos) return {};
    start = end + 1;
    ++index;
  }
}

int CountParts(absl::string_view raw, char sep) {
  if (raw.empty()) return 0;
  return static_cast<int>(std::count(raw.begin(), raw.end(), sep)) + 1;
}

// Replaces part `n` (1-based) of `whole`, adding empty parts as needed.
std::string ReplacePart(absl::string_view whole, char sep, int n,
                        absl::string_view value) {
  std::vector<std::string> parts;
  if (!whole.empty()) parts = absl::StrSplit(whole, sep);
  if (static_cast<int>(parts.size()) < n) parts.resize(n);
  parts[n - 1] = std::string(value);
  return absl::StrJoin(parts, std::string(1, sep));
}

absl::Status CheckIndex(absl::string_view what, int value, int min) {
  if (value < min || value > kMaxIndex) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " index ", value, " is outside ", min, "..", kMaxIndex));
  }
  return absl::OkStatus();
}

// Reads a decimal index 1..kMaxPathIndex at `pos`, advancing it.
bool ReadIndex(absl::string_view s, size_t& pos, int& out) {
  const size_t start = pos;
  long value = 0;
  while (pos < s.size() && absl::ascii_isdigit(s[pos]) && pos - start < 6) {
    value = value * 10 + (s[pos] - '0');
    ++pos;
  }
  if (pos == start || value < 1 || value > kMaxPathIndex) return false;
  if (pos < s.size() && absl::ascii_isdigit(s[pos])) return false;
  out = static_cast<int>(value);
  return true;
}

}  // namespace

Presence PresenceOf(absl::string_view raw) {
  if (raw.empty()) return Presence::kAbsent;
  if (raw == kHl7Null) return Presence::kNull;
  return Presence::kValued;
}

bool IsValidSegmentId(absl::string_view id) {
  return id.size() == 3 && absl::ascii_isupper(id[0]) &&
         (absl::ascii_isupper(id[1]) || absl::ascii_isdigit(id[1])) &&
         (absl::ascii_isupper(id[2]) || absl::ascii_isdigit(id[2]));
}

std::string Path::ToString() const {
  std::string out = segment_id;
  if (segment_occurrence != 1)
    absl::StrAppend(&out, "(", segment_occurrence, ")");
  absl::StrAppend(&out, "-", field);
  if (repetition != 0) absl::StrAppend(&out, "(", repetition, ")");
  if (component != 0) absl::StrAppend(&out, ".", component);
  if (subcomponent != 0) absl::StrAppend(&out, ".", subcomponent);
  return out;
}

absl::StatusOr<Path> ParsePath(absl::string_view text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("path '", absl::CEscape(text), "': ", why));
  };
  Path path;
  if (text.size() < 3 || !IsValidSegmentId(text.substr(0, 3))) {
    return bad("must start with a segment id such as PID");
  }
  path.segment_id = std::string(text.substr(0, 3));
  size_t pos = 3;
  if (pos < text.size() && text[pos] == '(') {
    ++pos;
    if (!ReadIndex(text, pos, path.segment_occurrence) || pos >= text.size() ||
        text[pos] != ')') {
      return bad("segment occurrence must be (1..99999)");
    }
    ++pos;
  }
  if (pos >= text.size() || text[pos] != '-') {
    return bad("expected '-' and a field number after the segment id");
  }
  ++pos;
  if (!ReadIndex(text, pos, path.field)) {
    return bad("field number must be 1..99999");
  }
  if (pos < text.size() && text[pos] == '(') {
    ++pos;
    if (!ReadIndex(text, pos, path.repetition) || pos >= text.size() ||
        text[pos] != ')') {
      return bad("repetition must be (1..99999)");
    }
    ++pos;
  }
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    if (!ReadIndex(text, pos, path.component)) {
      return bad("component must be 1..99999");
    }
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      if (!ReadIndex(text, pos, path.subcomponent)) {
        return bad("subcomponent must be 1..99999");
      }
    }
  }
  if (pos != text.size()) return bad("unexpected characters at the end");
  return path;
}

// --- Component / Repetition / Field ---------------------------------------

Component::Component(std::string raw, const Encoding& encoding, bool literal)
    : raw_(std::move(raw)), encoding_(encoding), literal_(literal) {}

int Component::subcomponent_count() const {
  if (literal_) return raw_.empty() ? 0 : 1;
  return CountParts(raw_, encoding_.subcomponent);
}

Presence Component::SubcomponentPresence(int n) const {
  if (literal_) return n == 1 ? PresenceOf(raw_) : Presence::kAbsent;
  return PresenceOf(PartAt(raw_, encoding_.subcomponent, n));
}

std::string Component::Subcomponent(int n) const {
  if (literal_) return n == 1 ? raw_ : std::string();
  const absl::string_view part = PartAt(raw_, encoding_.subcomponent, n);
  if (PresenceOf(part) != Presence::kValued) return "";
  return Unescape(part, encoding_);
}

Repetition::Repetition(std::string raw, const Encoding& encoding, bool literal)
    : raw_(std::move(raw)), encoding_(encoding), literal_(literal) {}

int Repetition::component_count() const {
  if (literal_) return raw_.empty() ? 0 : 1;
  return CountParts(raw_, encoding_.component);
}

Component Repetition::GetComponent(int n) const {
  if (literal_) {
    return Component(n == 1 ? raw_ : std::string(), encoding_, true);
  }
  return Component(std::string(PartAt(raw_, encoding_.component, n)),
                   encoding_);
}

Field::Field(std::string raw, const Encoding& encoding, bool literal)
    : raw_(std::move(raw)), encoding_(encoding), literal_(literal) {}

int Field::repetition_count() const {
  if (literal_) return raw_.empty() ? 0 : 1;
  return CountParts(raw_, encoding_.repetition);
}

Repetition Field::GetRepetition(int n) const {
  if (literal_) {
    return Repetition(n == 1 ? raw_ : std::string(), encoding_, true);
  }
  return Repetition(std::string(PartAt(raw_, encoding_.repetition, n)),
                    encoding_);
}

std::vector<Repetition> Field::repetitions() const {
  std::vector<Repetition> out;
  if (literal_) {
    if (!raw_.empty()) out.emplace_back(raw_, encoding_, true);
    return out;
  }
  for (absl::string_view part : Parts(raw_, encoding_.repetition)) {
    out.emplace_back(std::string(part), encoding_);
  }
  return out;
}

// --- Segment ---------------------------------------------------------------

Segment::Segment(std::string id, const Encoding& encoding)
    : id_(std::move(id)), encoding_(encoding) {}

absl::string_view Segment::RawField(int n) const {
  if (n < 1 || n > field_count()) return {};
  return fields_[n - 1];
}

Field Segment::GetField(int n) const {
  const bool literal = is_header() && (n == 1 || n == 2);
  return Field(std::string(RawField(n)), encoding_, literal);
}

absl::Status Segment::SetRawField(int n, absl::string_view raw) {
  if (absl::Status s = CheckIndex(absl::StrCat(id_, " field"), n, 1); !s.ok()) {
    return s;
  }
  if (is_header() && n <= 2) {
    return absl::InvalidArgumentError(
        "MSH-1 and MSH-2 come from the message encoding and cannot be set");
  }
  for (char c : raw) {
    if (c == encoding_.field || c == '\r' || c == '\n') {
      return absl::InvalidArgumentError(absl::StrCat(
          id_, "-", n,
          ": raw text holds a field separator or segment terminator"));
    }
  }
  if (field_count() < n) fields_.resize(n);
  fields_[n - 1] = std::string(raw);
  return absl::OkStatus();
}

absl::Status Segment::SetElementRaw(int field, int repetition, int component,
                                    int subcomponent, absl::string_view raw) {
  if (repetition == 0) repetition = 1;
  for (const auto& [what, value, min] :
       {std::tuple<const char*, int, int>{"field", field, 1},
        {"repetition", repetition, 1},
        {"component", component, 0},
        {"subcomponent", subcomponent, 0}}) {
    if (absl::Status s = CheckIndex(absl::StrCat(id_, " ", what), value, min);
        !s.ok()) {
      return s;
    }
  }
  if (is_header() && field <= 2) {
    return absl::InvalidArgumentError(
        "MSH-1 and MSH-2 come from the message encoding and cannot be set");
  }
  if (subcomponent > 0 && component == 0) component = 1;
  const std::string whole(RawField(field));
  const std::string rep(PartAt(whole, encoding_.repetition, repetition));
  std::string new_rep;
  if (component == 0) {
    new_rep = std::string(raw);
  } else {
    std::string new_comp;
    if (subcomponent == 0) {
      new_comp = std::string(raw);
    } else {
      const std::string comp(PartAt(rep, encoding_.component, component));
      new_comp = ReplacePart(comp, encoding_.subcomponent, subcomponent, raw);
    }
    new_rep = ReplacePart(rep, encoding_.component, component, new_comp);
  }
  if (field_count() < field) fields_.resize(field);
  fields_[field - 1] =
      ReplacePart(whole, encoding_.repetition, repetition, new_rep);
  return absl::OkStatus();
}

absl::Status Segment::SetValue(int field, int repetition, int component,
                               int subcomponent, absl::string_view text) {
  return SetElementRaw(field, repetition, component, subcomponent,
                       Escape(text, encoding_));
}

absl::Status Segment::SetNull(int field, int repetition, int component,
                              int subcomponent) {
  return SetElementRaw(field, repetition, component, subcomponent, kHl7Null);
}

// --- Message ---------------------------------------------------------------

Message::Message(const Encoding& encoding) : encoding_(encoding) {
  Segment msh("MSH", encoding_);
  msh.AppendRawFieldUnchecked(std::string(1, encoding_.field));
  msh.AppendRawFieldUnchecked(encoding_.EncodingCharacters());
  segments_.push_back(std::move(msh));
}

Message::Message(const Encoding& encoding, NoHeader) : encoding_(encoding) {}

Message Message::EmptyForParser(const Encoding& encoding) {
  return Message(encoding, NoHeader{});
}

const Segment* Message::FindSegment(absl::string_view id,
                                    int occurrence) const {
  int seen = 0;
  for (const Segment& s : segments_) {
    if (s.id() == id && ++seen == occurrence) return &s;
  }
  return nullptr;
}

Segment* Message::FindMutableSegment(absl::string_view id, int occurrence) {
  return const_cast<Segment*>(
      static_cast<const Message*>(this)->FindSegment(id, occurrence));
}

std::vector<const Segment*> Message::FindSegments(absl::string_view id) const {
  std::vector<const Segment*> out;
  for (const Segment& s : segments_) {
    if (s.id() == id) out.push_back(&s);
  }
  return out;
}

absl::StatusOr<Segment*> Message::AddSegment(absl::string_view id) {
  if (!IsValidSegmentId(id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("segment id '", absl::CEscape(id),
                     "' is not three upper-case letters or digits"));
  }
  if (id == "MSH") {
    return absl::InvalidArgumentError("a message has exactly one MSH");
  }
  segments_.emplace_back(std::string(id), encoding_);
  return &segments_.back();
}

absl::StatusOr<const Segment*> Message::Locate(const Path& path) const {
  const Segment* segment =
      FindSegment(path.segment_id, path.segment_occurrence);
  if (segment == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        path.ToString(), ": message has no ",
        path.segment_occurrence == 1
            ? ""
            : absl::StrCat("occurrence ", path.segment_occurrence, " of "),
        path.segment_id, " segment"));
  }
  return segment;
}

absl::StatusOr<std::string> Message::Get(absl::string_view path_text) const {
  absl::StatusOr<Path> path = ParsePath(path_text);
  if (!path.ok()) return path.status();
  absl::StatusOr<const Segment*> segment = Locate(*path);
  if (!segment.ok()) return segment.status();
  return (*segment)
      ->GetField(path->field)
      .GetRepetition(std::max(1, path->repetition))
      .GetComponent(std::max(1, path->component))
      .Subcomponent(std::max(1, path->subcomponent));
}

absl::StatusOr<std::string> Message::GetRaw(absl::string_view path_text) const {
  absl::StatusOr<Path> path = ParsePath(path_text);
  if (!path.ok()) return path.status();
  absl::StatusOr<const Segment*> segment = Locate(*path);
  if (!segment.ok()) return segment.status();
  const Field field = (*segment)->GetField(path->field);
  if (path->repetition == 0 && path->component == 0) return field.raw();
  const Repetition rep = field.GetRepetition(std::max(1, path->repetition));
  if (path->component == 0) return rep.raw();
  const Component comp = rep.GetComponent(path->component);
  if (path->subcomponent == 0) return comp.raw();
  if (comp.subcomponent_count() < path->subcomponent) return std::string();
  return std::string(
      PartAt(comp.raw(), encoding_.subcomponent, path->subcomponent));
}

absl::StatusOr<Presence> Message::GetPresence(
    absl::string_view path_text) const {
  absl::StatusOr<Path> path = ParsePath(path_text);
  if (!path.ok()) return path.status();
  absl::StatusOr<const Segment*> segment = Locate(*path);
  if (!segment.ok()) return segment.status();
  const Field field = (*segment)->GetField(path->field);
  if (path->repetition == 0 && path->component == 0) return field.presence();
  const Repetition rep = field.GetRepetition(std::max(1, path->repetition));
  if (path->component == 0) return rep.presence();
  const Component comp = rep.GetComponent(path->component);
  if (path->subcomponent == 0) return comp.presence();
  return comp.SubcomponentPresence(path->subcomponent);
}

absl::Status Message::Set(absl::string_view path_text, absl::string_view text) {
  absl::StatusOr<Path> path = ParsePath(path_text);
  if (!path.ok()) return path.status();
  if (absl::StatusOr<const Segment*> found = Locate(*path); !found.ok()) {
    return found.status();
  }
  return FindMutableSegment(path->segment_id, path->segment_occurrence)
      ->SetValue(path->field, path->repetition, path->component,
                 path->subcomponent, text);
}

absl::Status Message::SetNull(absl::string_view path_text) {
  absl::StatusOr<Path> path = ParsePath(path_text);
  if (!path.ok()) return path.status();
  if (absl::StatusOr<const Segment*> found = Locate(*path); !found.ok()) {
    return found.status();
  }
  return FindMutableSegment(path->segment_id, path->segment_occurrence)
      ->SetNull(path->field, path->repetition, path->component,
                path->subcomponent);
}

}  // namespace nhs::tobacco::hl7v2
