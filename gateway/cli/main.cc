// tobaccoctl: the command-line client of the tobacco dependency gateway.
// Everything but argv and the real streams lives in tobaccoctl_lib.

#include <iostream>
#include <string>
#include <vector>

#include "gateway/cli/channel.h"
#include "gateway/cli/commands.h"
#include "gateway/common/build_info.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // Answered before parsing: it needs no target or certificates, and an
  // operator asks it of a half-configured host.
  if (args.size() == 1 && args[0] == "--version") {
    std::cout << nhs::tobacco::VersionLine("tobaccoctl") << "\n";
    return 0;
  }
  nhs::tobacco::cli::Environment env;
  return nhs::tobacco::cli::RunTobaccoctl(
      args, std::cout, std::cerr,
      [&env](const nhs::tobacco::cli::ConnectionOptions& options) {
        return nhs::tobacco::cli::MakeChannel(options, env.read_file);
      },
      env);
}
