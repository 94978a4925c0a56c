// text_parser turns the bytes a client sent into memcached text-protocol
// commands, one at a time, exactly as memcached 1.6.18 reads them (see
// docs/protocol.md for every rule and each deliberate difference).
//
// It is incremental and pure: no I/O, no allocation in the steady state, no
// copy of the input. The connection owns one parser and calls parse() on its
// unread input until it returns need_more:
//
//   size_t used;
//   while (parser.parse(buffer, &used, &cmd) == parse_status::complete) {
//     execute(cmd);            // cmd's views point into `buffer`
//     buffer.remove_prefix(used);
//   }
//
// Input may hold many pipelined requests or a request split at any byte; a
// partial request yields need_more and consumes nothing.
//
// Contract between calls: after need_more, the next call must be given the
// same bytes again (moved in memory is fine), followed by any new ones. The
// parser remembers how far it has already searched for a newline, so a long
// multi-get line arriving in many reads is scanned once, not once per read.
// Call reset() before giving it unrelated input.
//
// Threading: a parser belongs to one connection on one shard.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/item_limits.h"
#include "protocol/command.h"

namespace shoal::protocol {

enum class parse_status : uint8_t {
  // A command is in *out; drop *consumed bytes of input once it has run.
  complete,
  // No complete command yet; nothing consumed. needed() may say how much.
  need_more,
  // Close the connection without a reply, as memcached does (a line over the
  // length limit, or an HTTP request line). *consumed is 0.
  close,
};

// memcached closes a connection that sends more than this many bytes without
// a newline, unless the line is a get/gets (see exempt_from_line_limit()).
inline constexpr size_t max_line_length = 2048;

// Shoal's bound for a get/gets line, which memcached leaves unbounded: past
// it the connection is closed (docs/protocol.md#line-length).
inline constexpr size_t default_max_get_line = size_t{64} << 20;

class text_parser {
 public:
  // `max_item_size` is -I: a storage command whose value would not fit (see
  // item_size_ok()) completes as soon as its line has arrived, with
  // command::too_large set, instead of waiting for the value.
  explicit text_parser(size_t max_item_size = default_max_item_size,
                       size_t max_get_line = default_max_get_line) noexcept
      : max_item_size_(max_item_size), max_get_line_(max_get_line) {}

  // Parses the first command of `in`. On complete, *out holds it and
  // *consumed (> 0, <= in.size()) is its length: the line, and the value with
  // its "\r\n" for a storage command (only the line when too_large). On
  // need_more and close, *consumed is 0 and *out is unspecified.
  parse_status parse(std::string_view in, size_t* consumed, command* out);

  // The same, for a connection that has not yet passed -Y authentication:
  // memcached then accepts only "set <any> <any> <any> <n>\r\n<user> <pass>\r\n"
  // (a complete command of kind auth) and answers anything else with
  // client_error unauthenticated / bad_auth_token_format /
  // bad_command_termination. noreply is ignored there, as in memcached.
  parse_status parse_unauthenticated(std::string_view in, size_t* consumed, command* out);

  // After need_more: the input size the pending command needs in total (the
  // line plus the value and its "\r\n"), or 0 when not yet known (no
  // complete line). Lets the connection grow its buffer once for a big value.
  size_t needed() const noexcept { return needed_; }

  // Forgets the newline-search progress kept between need_more calls.
  void reset() noexcept {
    scanned_ = 0;
    needed_ = 0;
  }

  size_t max_item_size() const noexcept { return max_item_size_; }

  // For tests and the fuzzer: with false, parse() skips its fast paths for
  // plain `get <key>` and `set` lines and takes the general route for every
  // line, which must give identical results.
  void set_fast_paths(bool enabled) noexcept { fast_paths_ = enabled; }

 private:
  // Finds the end of the first line; returns need_more/close or complete with
  // *newline set to the index of its '\n'.
  parse_status find_line(std::string_view in, bool get_exempt, size_t* newline);
  parse_status parse_general(std::string_view in, size_t* consumed, command* out);
  parse_status parse_set(std::string_view in, size_t* consumed, command* out);
  parse_status parse_multi_get(std::string_view in, size_t* consumed, command* out);

  size_t max_item_size_;
  size_t max_get_line_;
  size_t scanned_ = 0;  // in[0, scanned_) is known to hold no '\n'
  size_t needed_ = 0;
  bool fast_paths_ = true;
};

// memcached's exemption from the 2,048-byte line limit: at most 100 leading
// spaces, then "get " or "gets ". `in` is the start of the line.
bool exempt_from_line_limit(std::string_view in) noexcept;

}  // namespace shoal::protocol
