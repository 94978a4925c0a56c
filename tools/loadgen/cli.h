// The shoal-bench command line, parsed with CLI11 into a validated
// workload_config. Kept apart from main() so that tests can parse argument
// lists without running anything. See docs/loadgen.md for every flag.
#pragma once

#include <string>

#include "loadgen/workload.h"

namespace shoal::loadgen {

struct cli_result {
  workload_config config;
  // When set, print `message` (to stdout if exit_code == 0, else stderr) and
  // exit with exit_code: --help, or a usage error.
  bool exit_now = false;
  int exit_code = 0;
  std::string message;
};

cli_result parse_command_line(int argc, const char* const* argv);

}  // namespace shoal::loadgen
