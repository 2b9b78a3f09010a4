// The letter PDF read back by poppler's pdftotext/pdfinfo: what a GP sees
// (product, dose, the safety box), page breaks, and metadata free of
// patient data.
#include "adapters/gp_connect/letter_pdf.h"

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "adapters/gp_connect/gp_letters.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/adapters/fhir/fhir_testdata.h"

namespace nhs::tobacco::gp_connect {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::SampleReferral;
using ::nhs::tobacco::testing::SampleRequest;
using ::testing::HasSubstr;
using ::testing::Not;

std::string WritePdf(const std::string& pdf, const std::string& name) {
  const std::string path = ::testing::TempDir() + "/" + name + ".pdf";
  std::ofstream(path, std::ios::binary) << pdf;
  return path;
}

std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

// pdftotext's words with single spaces: wrapping moves line breaks.
std::string TextOf(const std::string& path) {
  const std::string raw = RunCommand(absl::StrCat("pdftotext '", path, "' -"));
  return absl::StrJoin(
      absl::StrSplit(raw, absl::ByAnyChar(" \n\f\r"), absl::SkipEmpty()), " ");
}

int PagesOf(const std::string& path) {
  for (absl::string_view line :
       absl::StrSplit(RunCommand(absl::StrCat("pdfinfo '", path, "'")), '\n')) {
    if (absl::ConsumePrefix(&line, "Pages:")) {
      return std::stoi(std::string(absl::StripAsciiWhitespace(line)));
    }
  }
  return -1;
}

std::string Render(const Letter& letter) {
  absl::StatusOr<std::string> pdf = RenderLetterPdf(letter);
  EXPECT_THAT(pdf, IsOk());
  return pdf.ok() ? *pdf : "";
}

TEST(LetterPdfTest, RecommendationShowsProductDoseAndTheSafetyNote) {
  v1::PrescriptionRequest request = SampleRequest();
  request.set_cyp1a2_safety_alert(true);
  const std::string path = WritePdf(
      Render(RecommendationLetter(request, SampleReferral(), false)), "alert");
  const std::string text = TextOf(path);
  EXPECT_THAT(text, HasSubstr("Stop smoking medicine recommendation"));
  EXPECT_THAT(text, HasSubstr("Nicotine 21mg/24hours transdermal patches"));
  EXPECT_THAT(text, HasSubstr("Apply ONE patch each morning"));
  EXPECT_THAT(text, HasSubstr("Quantity: 28 patch"));
  EXPECT_THAT(text,
              HasSubstr("Safety: the patient takes Clozapine 300mg daily"));
  EXPECT_THAT(text, HasSubstr("induces CYP1A2"));
  EXPECT_THAT(text, HasSubstr("999 000 0018"));  // in the letter, not metadata
  EXPECT_EQ(PagesOf(path), 1);
}

TEST(LetterPdfTest, NoSafetyNoteWithoutTheAlert) {
  v1::PrescriptionRequest request = SampleRequest();
  request.set_cyp1a2_safety_alert(false);
  const std::string text = TextOf(WritePdf(
      Render(RecommendationLetter(request, SampleReferral(), false)), "plain"));
  EXPECT_THAT(text, HasSubstr("Apply ONE patch each morning"));
  EXPECT_THAT(text, Not(HasSubstr("CYP1A2")));
}

TEST(LetterPdfTest, ReminderSaysSo) {
  const std::string text = TextOf(WritePdf(
      Render(RecommendationLetter(SampleRequest(), SampleReferral(), true)),
      "reminder"));
  EXPECT_THAT(text,
              HasSubstr("Reminder: stop smoking medicine recommendation"));
  EXPECT_THAT(text, HasSubstr("This is not a new request"));
}

TEST(LetterPdfTest, LongLetterBreaksOntoMorePagesKeepingEveryParagraph) {
  Letter letter =
      RecommendationLetter(SampleRequest(), SampleReferral(), false);
  LetterSection notes{"Notes", {}};
  for (int i = 0; i < 60; ++i) {
    notes.paragraphs.push_back(absl::StrCat(
        "Paragraph ", i,
        " of a long letter, long enough to wrap over more "
        "than one line of an A4 page so the layout has to wrap it."));
  }
  letter.sections.push_back(notes);
  const std::string path = WritePdf(Render(letter), "long");
  EXPECT_GE(PagesOf(path), 2);
  const std::string text = TextOf(path);
  EXPECT_THAT(text, HasSubstr("Paragraph 0 of a long letter"));
  EXPECT_THAT(text, HasSubstr("Paragraph 59 of a long letter"));
  EXPECT_THAT(text, HasSubstr("Page 2"));
}

TEST(LetterPdfTest, MetadataHoldsNoPatientData) {
  v1::PrescriptionRequest request = SampleRequest();
  request.set_cyp1a2_safety_alert(true);
  const std::string info = RunCommand(absl::StrCat(
      "pdfinfo '",
      WritePdf(Render(RecommendationLetter(request, SampleReferral(), false)),
               "metadata"),
      "'"));
  EXPECT_THAT(info, HasSubstr(kPdfMetadataTitle));
  for (const char* personal :
       {"9990000018", "999 000 0018", "Jordan", "TESTPATIENT", "1984-05-12"}) {
    EXPECT_THAT(info, Not(HasSubstr(personal))) << personal;
  }
}

TEST(LetterPdfTest, SameLetterGivesSameBytes) {
  const Letter letter =
      RecommendationLetter(SampleRequest(), SampleReferral(), false);
  EXPECT_EQ(Render(letter), Render(letter));
}

TEST(LetterPdfTest, MarkupInValuesIsDrawnAsText) {
  Letter letter;
  letter.title = "Title";
  letter.sections.push_back({"", {"Dose: <b>one</b> & two"}});
  const std::string text = TextOf(WritePdf(Render(letter), "markup"));
  EXPECT_THAT(text, HasSubstr("Dose: <b>one</b> & two"));
}

TEST(LetterPdfTest, OutcomeAndCancellationLettersRender) {
  v1::Outcome outcome;
  outcome.set_outcome_id("out-1");
  outcome.set_follow_up(v1::FOLLOW_UP_POINT_WEEK_4);
  outcome.set_status(v1::OUTCOME_STATUS_QUIT_CO_VERIFIED);
  outcome.set_co_reading_ppm(4);
  const std::string outcome_text = TextOf(
      WritePdf(Render(OutcomeLetter(outcome, SampleReferral())), "outcome"));
  EXPECT_THAT(outcome_text, HasSubstr("At 4 weeks"));
  EXPECT_THAT(outcome_text, HasSubstr("CO reading: 4 ppm"));
  EXPECT_THAT(outcome_text, HasSubstr("rise when smoking stops"));

  v1::PrescriptionRequest request = SampleRequest();
  request.set_status_reason_display("Patient chose to use a vape instead");
  const std::string cancel_text = TextOf(WritePdf(
      Render(CancellationLetter(request, SampleReferral())), "cancel"));
  EXPECT_THAT(cancel_text, HasSubstr("Please do not prescribe it"));
  EXPECT_THAT(cancel_text, HasSubstr("Patient chose to use a vape instead"));
}

}  // namespace
}  // namespace nhs::tobacco::gp_connect
