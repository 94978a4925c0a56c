// parser_harness drives a text_parser the way a connection does, for the unit
// tests, the split-point tests and the fuzzer (not linked into the server):
// bytes arrive in reads, complete commands are recorded and dropped, the
// value of a too-large store is swallowed as it arrives, a close stops
// everything. Each outcome is recorded as one string (describe() of the
// command, or "close"), so two runs over the same bytes split differently can
// be compared with ==.
//
// It also checks the parser's contract on every call and aborts on a breach:
// consumed is 0 unless complete, complete consumes 1..size bytes.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/command.h"
#include "protocol/text_parser.h"

namespace shoal::protocol {

class parser_harness {
 public:
  // With `authenticated` false, the harness starts in -Y mode
  // (parse_unauthenticated) and switches to normal parsing after the first
  // auth command, as a server would after a successful check.
  // `fast_paths` false makes the parser take its general route for every
  // line (text_parser::set_fast_paths), to check that both agree.
  explicit parser_harness(size_t max_item_size = default_max_item_size, bool authenticated = true,
                          bool fast_paths = true)
      : parser_(max_item_size), authenticated_(authenticated) {
    parser_.set_fast_paths(fast_paths);
  }

  // One read's worth of bytes; parses every command they complete.
  void feed(std::string_view bytes) {
    if (closed_) return;
    buffer_.append(bytes.data(), bytes.size());
    drain_swallow();
    while (!closed_ && swallow_ == 0) {
      size_t used = 12345;
      const parse_status status = authenticated_
                                      ? parser_.parse(buffer_, &used, &cmd_)
                                      : parser_.parse_unauthenticated(buffer_, &used, &cmd_);
      if (status == parse_status::need_more) {
        check(used == 0, "need_more consumed bytes");
        check(parser_.needed() == 0 || parser_.needed() > buffer_.size(),
              "needed() not beyond the input");
        return;
      }
      if (status == parse_status::close) {
        check(used == 0, "close consumed bytes");
        events_.push_back("close");
        closed_ = true;
        return;
      }
      check(used > 0 && used <= buffer_.size(), "complete consumed 0 or too much");
      events_.push_back(describe(cmd_, SIZE_MAX));
      if (cmd_.kind == command_kind::auth) authenticated_ = true;
      if (cmd_.too_large) swallow_ = cmd_.swallow;
      buffer_.erase(0, used);
      drain_swallow();
    }
  }

  const std::vector<std::string>& events() const { return events_; }
  bool closed() const { return closed_; }
  // Bytes received but not yet part of a complete command.
  const std::string& pending() const { return buffer_; }
  uint64_t swallow_left() const { return swallow_; }

 private:
  static void check(bool ok, const char* what) {
    if (!ok) {
      std::fprintf(stderr, "parser contract broken: %s\n", what);
      std::abort();
    }
  }

  void drain_swallow() {
    const size_t n = swallow_ < buffer_.size() ? static_cast<size_t>(swallow_) : buffer_.size();
    buffer_.erase(0, n);
    swallow_ -= n;
  }

  text_parser parser_;
  command cmd_;
  std::string buffer_;
  std::vector<std::string> events_;
  uint64_t swallow_ = 0;
  bool authenticated_;
  bool closed_ = false;
};

// The outcomes of parsing `input` delivered in one read. Aborts if the
// parser's fast paths and its general route disagree on them.
inline std::vector<std::string> parse_all(std::string_view input,
                                          size_t max_item_size = default_max_item_size) {
  parser_harness fast(max_item_size, true, true);
  parser_harness general(max_item_size, true, false);
  fast.feed(input);
  general.feed(input);
  if (fast.events() != general.events()) {
    std::fprintf(stderr, "fast and general parse paths disagree\n");
    std::abort();
  }
  return fast.events();
}

}  // namespace shoal::protocol
