// Property tests: random messages with random delimiters survive
// build -> write -> parse with every value intact, and any CR-terminated ER7
// text the parser accepts is written back unchanged. Fixed seeds and bounded
// iterations keep failures reproducible.

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "adapters/hl7v2/encoding.h"
#include "adapters/hl7v2/escape.h"
#include "adapters/hl7v2/message.h"
#include "adapters/hl7v2/parser.h"
#include "adapters/hl7v2/writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::hl7v2 {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::IsOkAndHolds;

constexpr int kIterations = 400;

// Expected content of one field: null, or repetitions of components of
// subcomponents of plain text.
struct FieldModel {
  bool null = false;
  std::vector<std::vector<std::vector<std::string>>> reps;
};
struct SegmentModel {
  std::string id;
  std::vector<FieldModel> fields;  // fields[0] is field 1 (3 for MSH)
};

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  int Uniform(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }
  bool OneIn(int n) { return Uniform(1, n) == 1; }

  Encoding RandomEncoding() {
    std::string pool;
    for (char c = 0x21; c < 0x7F; ++c) {
      const bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
                         (c >= 'a' && c <= 'z');
      if (!alnum && c != '"') pool.push_back(c);
    }
    std::shuffle(pool.begin(), pool.end(), rng_);
    Encoding enc{.field = pool[0],
                 .component = pool[1],
                 .repetition = pool[2],
                 .escape = pool[3],
                 .subcomponent = pool[4]};
    if (OneIn(8)) enc.truncation = pool[5];
    return enc;
  }

  // Text biased towards the characters that need escaping.
  std::string RandomText(const Encoding& enc) {
    switch (Uniform(0, 9)) {
      case 0:
        return "";
      case 1:
        return "\"\"";
      case 2:
        return std::string(1, enc.escape) + "H" + std::string(1, enc.escape);
      default:
        break;
    }
    const std::string specials = {enc.field,
                                  enc.component,
                                  enc.repetition,
                                  enc.escape,
                                  enc.subcomponent,
                                  '\n',
                                  '"',
                                  '.',
                                  'X'};
    std::string text;
    const int length = Uniform(1, 12);
    for (int i = 0; i < length; ++i) {
      if (OneIn(3)) {
        text.push_back(specials[Uniform(0, specials.size() - 1)]);
      } else {
        char c = static_cast<char>(Uniform(0, 255));
        // A lone CR is sent as a line break and read back as "\n".
        if (c == '\r') c = '\n';
        text.push_back(c);
      }
    }
    return text;
  }

  std::string RandomSegmentId() {
    static const char* kIds[] = {"PID", "PV1", "OBX", "NTE", "ZPI",
                                 "ZZ9", "RF1", "PRD", "IN1", "ERR"};
    if (OneIn(4)) {
      std::string id = "Z";
      id.push_back(static_cast<char>('A' + Uniform(0, 25)));
      id.push_back(static_cast<char>('0' + Uniform(0, 9)));
      return id;
    }
    return kIds[Uniform(0, 9)];
  }

  FieldModel RandomField(const Encoding& enc) {
    FieldModel f;
    if (OneIn(6)) {
      f.null = true;
      return f;
    }
    if (OneIn(5)) return f;  // empty
    f.reps.resize(Uniform(1, 3));
    for (auto& rep : f.reps) {
      rep.resize(Uniform(1, 4));
      for (auto& comp : rep) {
        comp.resize(Uniform(1, 3));
        for (auto& sub : comp) sub = RandomText(enc);
      }
    }
    return f;
  }

 private:
  std::mt19937 rng_;
};

void SetField(Segment& segment, int n, const FieldModel& f) {
  if (f.null) {
    ASSERT_THAT(segment.SetNull(n, 1, 0, 0), IsOk());
    return;
  }
  for (size_t r = 0; r < f.reps.size(); ++r) {
    for (size_t c = 0; c < f.reps[r].size(); ++c) {
      for (size_t s = 0; s < f.reps[r][c].size(); ++s) {
        ASSERT_THAT(segment.SetValue(n, r + 1, c + 1, s + 1, f.reps[r][c][s]),
                    IsOk());
      }
    }
  }
}

void ExpectMatches(const Message& msg, const std::vector<SegmentModel>& model) {
  ASSERT_EQ(msg.segment_count(), static_cast<int>(model.size()));
  for (size_t i = 0; i < model.size(); ++i) {
    const Segment& segment = msg.segments()[i];
    ASSERT_EQ(segment.id(), model[i].id);
    const int first = segment.is_header() ? 3 : 1;
    for (size_t k = 0; k < model[i].fields.size(); ++k) {
      const FieldModel& f = model[i].fields[k];
      const Field field = segment.GetField(first + k);
      SCOPED_TRACE(
          absl::StrCat(segment.id(), "-", first + k, " raw ", field.raw()));
      if (f.null) {
        EXPECT_TRUE(field.IsNull());
        continue;
      }
      for (size_t r = 0; r < f.reps.size(); ++r) {
        for (size_t c = 0; c < f.reps[r].size(); ++c) {
          for (size_t s = 0; s < f.reps[r][c].size(); ++s) {
            const Component comp =
                field.GetRepetition(r + 1).GetComponent(c + 1);
            EXPECT_EQ(comp.Subcomponent(s + 1), f.reps[r][c][s]);
            EXPECT_NE(comp.SubcomponentPresence(s + 1), Presence::kNull);
          }
        }
      }
    }
  }
}

TEST(RoundTripTest, RandomMessagesKeepEveryValue) {
  Generator gen(20261128);
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    SCOPED_TRACE(absl::StrCat("iteration ", iteration));
    const Encoding enc = gen.RandomEncoding();
    Message msg(enc);
    std::vector<SegmentModel> model;
    model.push_back({"MSH", {}});
    const int segments = gen.Uniform(0, 8);
    for (int s = 0; s <= segments; ++s) {
      Segment* segment = nullptr;
      if (s == 0) {
        segment = msg.FindMutableSegment("MSH");
      } else {
        model.push_back({gen.RandomSegmentId(), {}});
        absl::StatusOr<Segment*> added = msg.AddSegment(model.back().id);
        ASSERT_THAT(added, IsOk());
        segment = *added;
      }
      const int first = s == 0 ? 3 : 1;
      const int fields = gen.Uniform(0, 10);
      for (int k = 0; k < fields; ++k) {
        model.back().fields.push_back(gen.RandomField(enc));
        SetField(*segment, first + k, model.back().fields.back());
      }
    }
    ExpectMatches(msg, model);

    const std::string bytes = WriteEr7(msg);
    absl::StatusOr<Message> parsed = ParseEr7(bytes);
    ASSERT_THAT(parsed, IsOk()) << absl::CEscape(bytes);
    EXPECT_EQ(parsed->encoding(), enc);
    ExpectMatches(*parsed, model);
    EXPECT_EQ(WriteEr7(*parsed), bytes);
    if (HasFailure()) return;  // one reproducible failure is enough
  }
}

// Random ER7 text built from delimiters, escape-like runs and any bytes but
// CR/LF: whatever the parser makes of it must write back unchanged.
TEST(RoundTripTest, AcceptedRawTextIsWrittenBackUnchanged) {
  Generator gen(7);
  int accepted = 0;
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    const Encoding enc = gen.RandomEncoding();
    std::string bytes = absl::StrCat("MSH", std::string(1, enc.field),
                                     enc.EncodingCharacters());
    const int segments = gen.Uniform(0, 6);
    for (int s = 0; s <= segments; ++s) {
      if (s > 0) bytes += gen.RandomSegmentId();
      const int length = gen.Uniform(0, 40);
      // Field text starts after a separator.
      if (length > 0) bytes.push_back(enc.field);
      for (int i = 0; i < length; ++i) {
        if (gen.OneIn(3)) {
          const std::string delims = enc.EncodingCharacters() + enc.field;
          bytes.push_back(delims[gen.Uniform(0, delims.size() - 1)]);
        } else {
          char c = static_cast<char>(gen.Uniform(0, 255));
          if (c == '\r' || c == '\n') c = ' ';
          bytes.push_back(c);
        }
      }
      bytes.push_back('\r');
    }
    absl::StatusOr<Message> parsed = ParseEr7(bytes);
    ASSERT_THAT(parsed, IsOk()) << absl::CEscape(bytes);
    ++accepted;
    ASSERT_EQ(WriteEr7(*parsed), bytes) << absl::CEscape(bytes);
  }
  EXPECT_EQ(accepted, kIterations);
}

TEST(RoundTripTest, EscapeRoundTripsUnderRandomEncodings) {
  Generator gen(99);
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    const Encoding enc = gen.RandomEncoding();
    const std::string text = gen.RandomText(enc);
    const std::string escaped = Escape(text, enc);
    for (char c : escaped) {
      ASSERT_FALSE(c != enc.escape && enc.IsDelimiter(c))
          << absl::CEscape(text) << " -> " << absl::CEscape(escaped);
      ASSERT_NE(c, '\r');
      ASSERT_NE(c, '\n');
    }
    ASSERT_EQ(Unescape(escaped, enc), text) << absl::CEscape(escaped);
    ASSERT_NE(PresenceOf(escaped), Presence::kNull);
  }
}

}  // namespace
}  // namespace nhs::tobacco::hl7v2
