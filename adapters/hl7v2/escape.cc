#include "adapters/hl7v2/escape.h"

#include <string>

#include "absl/strings/string_view.h"
#include "adapters/hl7v2/encoding.h"

namespace nhs::tobacco::hl7v2 {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Decodes the body of \X..\ into `out`; false (and `out` untouched) when it
// is not a non-empty, even-length run of hex digits.
bool DecodeHex(absl::string_view hex, std::string& out) {
  if (hex.empty() || hex.size() % 2 != 0) return false;
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexValue(hex[i]);
    const int lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes.push_back(static_cast<char>(hi * 16 + lo));
  }
  out += bytes;
  return true;
}

// C0 controls other than TAB, and DEL. They are never text: 0x0B and 0x1C
// are MLLP's frame bytes (a raw one can end or restart the receiver's
// frame), NUL ends C strings in many engines, and the rest have no meaning
// in a field. TAB is ordinary white space and safe, so it stays. CR and LF
// are line breaks, handled before this is asked.
bool IsUnsafeControl(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7F;
}

// Appends \Xhh\ (HL7 2.10.5) for one byte.
void AppendHexEscape(char c, char escape, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const unsigned char u = static_cast<unsigned char>(c);
  out += std::string{escape, 'X', kHex[u >> 4], kHex[u & 0xF], escape};
}

}  // namespace

std::string Escape(absl::string_view text, const Encoding& enc) {
  const char e = enc.escape;
  if (text == "\"\"") {
    // On the wire `""` alone is the HL7 null; text that happens to be two
    // quotes must not turn into one.
    return std::string{e, 'X', '2', '2', e, '"'};
  }
  const bool dot_is_delimiter = enc.IsDelimiter('.');
  std::string out;
  out.reserve(text.size());
  auto put = [&](absl::string_view code) {
    out.push_back(e);
    out.append(code.data(), code.size());
    out.push_back(e);
  };
  auto put_hex = [&](char c) { AppendHexEscape(c, e, out); };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      put(dot_is_delimiter ? "X0A" : ".br");
    } else if (c == enc.field) {
      put("F");
    } else if (c == enc.component) {
      put("S");
    } else if (c == enc.subcomponent) {
      put("T");
    } else if (c == enc.repetition) {
      put("R");
    } else if (c == e) {
      put("E");
    } else if (enc.truncation != '\0' && c == enc.truncation) {
      // 2.5.1 has no named escape for the v2.7 truncation character.
      put_hex(c);
    } else if (IsUnsafeControl(c)) {
      // Hex rather than dropped: the text reads back exactly (HL7 2.10.5;
      // python3-hl7 and HAPI decode it) and no control byte is on the wire.
      put_hex(c);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string EscapeControls(absl::string_view raw, const Encoding& enc) {
  std::string out;
  out.reserve(raw.size());
  for (const char c : raw) {
    if (IsUnsafeControl(c) || c == '\r' || c == '\n') {
      AppendHexEscape(c, enc.escape, out);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Unescape(absl::string_view raw, const Encoding& enc) {
  const char e = enc.escape;
  std::string out;
  out.reserve(raw.size());
  size_t i = 0;
  while (i < raw.size()) {
    const char c = raw[i];
    if (c != e) {
      out.push_back(c);
      ++i;
      continue;
    }
    const size_t close = raw.find(e, i + 1);
    if (close == absl::string_view::npos) {
      // Unterminated: keep the rest as sent.
      out.append(raw.data() + i, raw.size() - i);
      break;
    }
    const absl::string_view code = raw.substr(i + 1, close - i - 1);
    bool known = true;
    if (code == "F") {
      out.push_back(enc.field);
    } else if (code == "S") {
      out.push_back(enc.component);
    } else if (code == "T") {
      out.push_back(enc.subcomponent);
    } else if (code == "R") {
      out.push_back(enc.repetition);
    } else if (code == "E") {
      out.push_back(e);
    } else if (code == ".br") {
      out.push_back('\n');
    } else if (!code.empty() && code[0] == 'X') {
      known = DecodeHex(code.substr(1), out);
    } else {
      known = false;
    }
    if (!known) out.append(raw.data() + i, close - i + 1);
    i = close + 1;
  }
  return out;
}

}  // namespace nhs::tobacco::hl7v2
