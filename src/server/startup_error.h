// startup_error is what every start-up step (command-line parsing, the process
// setup helpers) returns when the server must not start: the text to print on
// stderr and the exit status, chosen to match memcached 1.6.18's so that init
// scripts and harnesses see the same verdict (docs/protocol.md#command-line).
#pragma once

#include <string>

namespace shoal::server {

// Exit statuses memcached uses (sysexits.h values, spelled out so callers need
// not include it).
inline constexpr int exit_failure = 1;    // a flag's value is refused while parsing
inline constexpr int exit_usage = 64;     // EX_USAGE: a combination of flags is refused
inline constexpr int exit_no_user = 67;   // EX_NOUSER: -u names no such user
inline constexpr int exit_os_error = 71;  // EX_OSERR: a system call failed

struct startup_error {
  int exit_code = exit_failure;
  std::string message;  // one or more lines, without the final newline
};

}  // namespace shoal::server
