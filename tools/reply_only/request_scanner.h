// request_scanner is the whole "protocol" of shoal-reply-only: it finds where
// each memcached text request ends (including a storage command's data block)
// and appends a canned reply, so that the server measures the network stack
// and nothing else.
//   get/gets/gat/gats/bget ...  -> END            (every key misses), or, in
//       hit mode, one VALUE per key with a fixed value of the chosen size
//       (as if every key were present) and END
//   set/add/replace/append/prepend/cas  -> STORED (data block skipped)
//   version -> VERSION ...; quit -> close; anything else -> ERROR
// `noreply` on a storage command suppresses its reply, as in memcached.
//
// Contract of scan(in, &out): consumes complete requests from the start of
// `in` (and as much of a data block as has arrived), appends their replies to
// `out`, and returns how many bytes it consumed; the caller keeps the rest
// and calls again with more bytes appended. A line longer than k_max_line or
// `quit` sets close.
// Threading: one scanner per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::reply_only {

struct scan_result {
  size_t consumed = 0;
  size_t requests = 0;  // complete requests answered by this call
  bool close = false;   // quit, or a line too long to be a request
};

class request_scanner {
 public:
  static constexpr size_t k_max_line = 64 * 1024;

  request_scanner() = default;
  // Hit mode: every key of a retrieval is answered with this value (flags 0,
  // CAS 1 for gets/gats). The scanner keeps a view: `value` must outlive it.
  explicit request_scanner(std::string_view hit_value) : hit_value_(hit_value), hits_(true) {}

  scan_result scan(std::string_view in, std::string& out);

 private:
  void answer_retrieval(std::string_view command, std::string_view keys, std::string& out) const;

  uint64_t data_left_ = 0;  // bytes of a data block (with its "\r\n") still to skip
  std::string_view hit_value_;
  bool hits_ = false;
};

}  // namespace shoal::reply_only
