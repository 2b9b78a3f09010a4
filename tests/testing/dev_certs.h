#ifndef TESTS_TESTING_DEV_CERTS_H_
#define TESTS_TESTING_DEV_CERTS_H_

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::testing {

// The development PKI of certs/make_dev_certs.sh, one per test process in a
// temporary folder (keys are never committed). Under ctest it is a copy of the
// PKI the fixture test dev_certs_template made once for the whole run
// (TOBACCO_DEV_CERTS_TEMPLATE, see tests/CMakeLists.txt): its RSA keys take
// about 5 CPU seconds, which every test process used to spend again. A copy,
// not the template itself, because tests sign more certificates with the CA
// (MakeExtraDevCert), which writes the CA's database. Run on its own, a test
// makes its PKI with the script as before.
inline const std::filesystem::path& DevCerts() {
  static const std::filesystem::path* dir = [] {
    auto* path =
        new std::filesystem::path(std::filesystem::temp_directory_path() /
                                  absl::StrCat("tobacco_certs_", ::getpid()));
    const char* from = std::getenv("TOBACCO_DEV_CERTS_TEMPLATE");
    std::error_code copied;
    if (from != nullptr && *from != '\0' &&
        std::filesystem::exists(std::filesystem::path(from) / "ca.pem")) {
      std::filesystem::remove_all(*path, copied);
      std::filesystem::copy(from, *path,
                            std::filesystem::copy_options::recursive |
                                std::filesystem::copy_options::copy_symlinks,
                            copied);
      EXPECT_FALSE(copied) << "copying " << from << ": " << copied.message();
    } else {
      const std::string command =
          absl::StrCat("bash ", TOBACCO_SOURCE_DIR, "/certs/make_dev_certs.sh ",
                       path->string(), " >/dev/null");
      EXPECT_EQ(std::system(command.c_str()), 0) << command;
    }
    // Keys must not pile up in /tmp, one folder per test process.
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(DevCerts(), ignored);
    });
    return path;
  }();
  return *dir;
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// PEM of one development certificate or key, e.g. DevPem("gp-y90001.pem").
inline std::string DevPem(const std::string& name) {
  return ReadFile(DevCerts() / name);
}

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_DEV_CERTS_H_
