// The -Y file of memcached's ASCII authentication: one "user:password" per
// line. Loaded and validated once, at start-up, into the config; the request
// handler checks credentials against the loaded entries.
//
// Format (memcached 1.6.18's, minus its accidents; docs/protocol.md#command-line):
//   - lines end in "\n"; the last line may lack it; a "\r" before the "\n" is
//     dropped (memcached 1.6.18 refuses CRLF files by accident);
//   - every line holds a ':'; the user is what precedes the first ':', the
//     password all that follows (it may hold ':'); either may be empty;
//   - a line without ':' (a blank line or a comment, too) makes the whole file
//     malformed, as in memcached;
//   - every entry counts (memcached silently keeps only the first 8).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/startup_error.h"

namespace shoal::server {

struct auth_entry {
  std::string user;
  std::string password;

  friend bool operator==(const auth_entry&, const auth_entry&) = default;
};

// Largest -Y file accepted: it is a list of a few accounts, not a database.
inline constexpr size_t max_auth_file_bytes = 1024 * 1024;

// Parses the text of a -Y file. `path` only names the file in the message.
std::optional<startup_error> parse_auth_file(std::string_view path, std::string_view content,
                                             std::vector<auth_entry>* out);

// Reads and parses the file at `path` (a regular file of at most
// max_auth_file_bytes). Fails with memcached's messages and status 1.
std::optional<startup_error> load_auth_file(const std::string& path, std::vector<auth_entry>* out);

// True when (user, password) matches an entry. The comparison of same-length
// strings does not stop at the first differing byte.
bool credentials_match(const std::vector<auth_entry>& entries, std::string_view user,
                       std::string_view password);

}  // namespace shoal::server
