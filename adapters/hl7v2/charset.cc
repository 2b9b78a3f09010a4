#include "adapters/hl7v2/charset.h"

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace nhs::tobacco::hl7v2 {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

void AppendCodePoint(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The eight places where ISO 8859-15 differs from ISO 8859-1.
uint32_t Latin9CodePoint(unsigned char b) {
  switch (b) {
    case 0xA4:
      return 0x20AC;  // euro sign
    case 0xA6:
      return 0x0160;  // S caron
    case 0xA8:
      return 0x0161;  // s caron
    case 0xB4:
      return 0x017D;  // Z caron
    case 0xB8:
      return 0x017E;  // z caron
    case 0xBC:
      return 0x0152;  // OE
    case 0xBD:
      return 0x0153;  // oe
    case 0xBE:
      return 0x0178;  // Y diaeresis
    default:
      return b;
  }
}

}  // namespace

absl::string_view CharsetName(Charset charset) {
  switch (charset) {
    case Charset::kAscii:
      return "ASCII";
    case Charset::kLatin1:
      return "8859/1";
    case Charset::kLatin9:
      return "8859/15";
    case Charset::kUtf8:
      return "UNICODE UTF-8";
  }
  return "UNICODE UTF-8";
}

absl::StatusOr<Charset> ParseCharset(absl::string_view name) {
  name = absl::StripAsciiWhitespace(name);
  for (Charset c :
       {Charset::kAscii, Charset::kLatin1, Charset::kLatin9, Charset::kUtf8}) {
    if (absl::EqualsIgnoreCase(name, CharsetName(c))) return c;
  }
  return absl::InvalidArgumentError(
      "is not a supported character set (HL7 table 0211: ASCII, 8859/1, "
      "8859/15, UNICODE UTF-8)");
}

std::string SingleByteToUtf8(absl::string_view bytes, Charset charset,
                             int& undecodable) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 4);
  for (char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x80) {
      out.push_back(ch);
    } else if (charset == Charset::kAscii || charset == Charset::kUtf8 ||
               b < 0xA0) {
      out += kReplacement;
      ++undecodable;
    } else {
      AppendCodePoint(charset == Charset::kLatin9 ? Latin9CodePoint(b) : b,
                      out);
    }
  }
  return out;
}

}  // namespace nhs::tobacco::hl7v2
