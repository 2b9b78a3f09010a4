#ifndef TESTS_UNIT_ADAPTERS_HL7V2_TESTDATA_H_
#define TESTS_UNIT_ADAPTERS_HL7V2_TESTDATA_H_

#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace nhs::tobacco::hl7v2 {

// Bytes of tests/testdata/hl7v2/<name>; fails the test if it is missing, so
// a broken path cannot pass as an empty message.
inline std::string ReadTestdata(const std::string& name) {
  const std::string path = std::string(TOBACCO_HL7V2_TESTDATA_DIR) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace nhs::tobacco::hl7v2

#endif  // TESTS_UNIT_ADAPTERS_HL7V2_TESTDATA_H_
