// command is what the text parser hands the connection: one memcached request,
// already split into typed fields, or the exact error line memcached would
// answer a malformed one with. It owns nothing but the `keys` vector's storage:
// every string_view points into the input buffer the parser was given, so the
// connection must keep those bytes alive until it has executed the command.
//
// Reuse one command object (or one per slot of a batch) across parse() calls:
// parse() clears it, and `keys` keeps its capacity, so the steady state does
// not allocate. Fields that do not apply to `kind` are zero or empty.
//
// See docs/protocol.md for what each command accepts and how it differs from
// memcached 1.6.18.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::protocol {

enum class command_kind : uint8_t {
  // Reply `error` (unless `noreply`) and do nothing else. `failed` says which
  // command the line named, for the checks memcached makes before the parse
  // error: see command::failed. (First, so that a zeroed command is one.)
  client_error,
  // Retrieval: `keys` holds one or more keys (gat/gats: zero or more), in the
  // order given, repeats included. gat/gats also carry `exptime`.
  get,
  gets,
  gat,
  gats,
  // Storage: `key`, `flags`, `exptime`, `value` (cas also `cas_unique`). When
  // `too_large` is set the value was not read: see command::too_large.
  set,
  add,
  replace,
  append,
  prepend,
  cas,
  // `key` (delete accepts memcached's legacy "0" hold time, which is dropped).
  delete_,
  // `key`, `delta`.
  incr,
  decr,
  // `key`, `exptime`.
  touch,
  // `exptime` is the delay as given (0 when absent; <= 0 means now).
  flush_all,
  version,
  // `number` is the level as given (memcached clamps it to its maximum).
  verbosity,
  // Close the connection once earlier replies are written.
  quit,
  // `args[0..arg_count)`: the sub-command and its arguments ("settings",
  // "cachedump 1 10", ...); arg_count == 0 for plain `stats`. Extra tokens
  // beyond args.size() are dropped (memcached ignores them too).
  stats,
  // `graceful` distinguishes "shutdown graceful" from "shutdown".
  shutdown,
  // `number` is the new limit in megabytes as given; the range checks
  // (MEMLIMIT_TOO_SMALL ...) are the server's.
  cache_memlimit,
  // -Y authentication (text_parser::parse_unauthenticated only):
  // args[0] = user, args[1] = password.
  auth,
};

// The error lines the parser can produce; error_text() gives each one's exact
// bytes (without "\r\n").
enum class client_error : uint8_t {
  none,
  error,                    // "ERROR": unknown command, wrong token count, blank line
  bad_command_line_format,  // "CLIENT_ERROR bad command line format"
  bad_data_chunk,           // "CLIENT_ERROR bad data chunk"
  delete_usage,           // "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]"
  invalid_delta,          // "CLIENT_ERROR invalid numeric delta argument"
  invalid_exptime,        // "CLIENT_ERROR invalid exptime argument"
  invalid_shutdown_mode,  // "CLIENT_ERROR invalid shutdown mode"
  unauthenticated,        // "CLIENT_ERROR unauthenticated"
  bad_auth_token_format,  // "CLIENT_ERROR bad authentication token format"
  bad_command_termination,  // "CLIENT_ERROR bad command line termination"
};

// The exact memcached 1.6.18 text of an error line, without "\r\n".
// error_text(client_error::none) is empty.
std::string_view error_text(client_error e) noexcept;

// A short lower-case name for logs and test output ("get", "delete", ...).
std::string_view kind_name(command_kind k) noexcept;

struct command {
  command_kind kind = command_kind::client_error;
  // Send no reply for this command, errors included (memcached's `noreply`
  // as the last token; for a malformed line it still suppresses the error).
  bool noreply = false;
  // Storage command whose value exceeds the -I item size: the value has NOT
  // been consumed. The server replies "SERVER_ERROR object too large for
  // cache" (unless noreply), removes the key's old value for `set` only (as
  // memcached 1.6.18), and discards the next `swallow` input bytes as they
  // arrive; some of them may already be in the buffer after `consumed`.
  bool too_large = false;
  // shutdown: "shutdown graceful".
  bool graceful = false;
  // kind == client_error: which line to reply. For a get/gets/gat/gats with
  // a key over 250 bytes, `keys` holds the keys before it (and `exptime` the
  // gat time): memcached looks those up, and touches them for gat, before
  // it meets the bad key, then discards their replies.
  client_error error = client_error::none;
  // kind == client_error: the command the line named (client_error when it
  // named none). memcached checks some settings before parsing arguments, so
  // the server answers these first:
  //   flush_all with -F:  "CLIENT_ERROR flush_all not allowed" (and counts
  //                       cmd_flush, as memcached counts every flush_all line)
  //   shutdown without -A: "ERROR: shutdown not enabled"
  command_kind failed = command_kind::client_error;
  uint8_t arg_count = 0;
  uint32_t flags = 0;
  int64_t exptime = 0;
  uint64_t cas_unique = 0;
  uint64_t delta = 0;
  uint64_t number = 0;
  uint64_t swallow = 0;
  std::string_view key;
  std::string_view value;
  std::array<std::string_view, 3> args{};
  // Last, so that reset() clears the fields above in a few wide stores.
  std::vector<std::string_view> keys;

  // Clears every field; `keys` keeps its capacity.
  void reset() noexcept {
    reset_fields();
    keys.clear();
  }

  // Clears every field but `keys`.
  void reset_fields() noexcept {
    kind = command_kind::client_error;
    noreply = false;
    too_large = false;
    graceful = false;
    error = client_error::none;
    failed = command_kind::client_error;
    arg_count = 0;
    flags = 0;
    exptime = 0;
    cas_unique = 0;
    delta = 0;
    number = 0;
    swallow = 0;
    key = {};
    value = {};
    args = {};
  }
};

// True for set/add/replace/append/prepend/cas.
constexpr bool is_storage(command_kind k) noexcept {
  return k >= command_kind::set && k <= command_kind::cas;
}

// True for get/gets/gat/gats.
constexpr bool is_retrieval(command_kind k) noexcept {
  return k >= command_kind::get && k <= command_kind::gats;
}

// A one-line rendering of every meaningful field, for tests, the fuzzer and
// logs ("set key=k flags=1 value=3:abc"), showing at most `max_value_bytes`
// of the value. Allocates; not for the hot path.
std::string describe(const command& c, size_t max_value_bytes = 64);

}  // namespace shoal::protocol
