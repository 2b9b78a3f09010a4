// identity (issue 13): tobaccoctl audit list shows the practitioner a
// console session named.
#include <string>

#include "gateway/cli/render.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::cli {
namespace {

using ::testing::HasSubstr;

TEST(RenderAuditRecordsTest, ShowsThePractitionerColumn) {
  v1::ListAuditRecordsResponse r;
  v1::AuditRecord* console = r.add_records();
  console->set_sequence(7);
  console->set_ods_code("Y90001");
  console->set_role("gp");
  console->set_operation("Prescribe");
  console->set_record_id("rx-1");
  console->set_result("OK");
  console->set_practitioner("GMC 7654321");
  v1::AuditRecord* program = r.add_records();
  *program = *console;
  program->set_sequence(8);
  program->clear_practitioner();
  const std::string out = RenderAuditRecords(r);
  EXPECT_THAT(out, HasSubstr("PRACTITIONER"));
  EXPECT_THAT(out, HasSubstr("GMC 7654321"));
}

}  // namespace
}  // namespace nhs::tobacco::cli
