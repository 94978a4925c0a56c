// Helpers for the config tests: run the parser on a list of flags.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "server/config.h"

namespace shoal::server::testing {

// Parses "shoal <flags...>".
inline parse_result parse(std::vector<std::string> flags) {
  std::vector<const char*> args{"shoal"};
  for (const std::string& flag : flags) args.push_back(flag.c_str());
  return parse_command_line(std::span<const char* const>(args));
}

// Parses and returns the config; the caller asserts it is there.
inline config parse_ok(std::vector<std::string> flags) {
  parse_result result = parse(std::move(flags));
  return result.cfg.value_or(config{});
}

}  // namespace shoal::server::testing
