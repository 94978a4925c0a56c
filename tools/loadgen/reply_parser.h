// reply_parser is the client side of memcached's text protocol: it reads the
// reply to one outstanding request at a time, incrementally, from whatever
// bytes have arrived, wherever the stream was split.
//
//   get  -> (VALUE <key> <flags> <bytes>[ <cas>]\r\n<data>\r\n)* END\r\n
//   set  -> STORED\r\n
// Any of ERROR, CLIENT_ERROR ..., SERVER_ERROR ... ends a reply as an error,
// as do NOT_STORED / EXISTS / NOT_FOUND for a set (the load generator never
// expects them). Anything else is a bad_reply: the stream cannot be trusted
// past it, and the caller closes the connection.
//
// Contract of parse(in, kind, &consumed, &out): reads from the start of `in`,
// which begins where the previous call's `consumed` ended. Returns
//   complete  - *out holds the reply; the parser is ready for the next one;
//   need_more - `in` ends inside the reply; keep in[consumed..] and call again
//               with more bytes appended (value data is consumed as it comes,
//               so only a partial line is ever kept: at most k_max_line bytes);
//   bad_reply - not a reply to a `kind` request (or a line over k_max_line).
// No allocation, no I/O.
// Threading: one parser per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "loadgen/request_encoder.h"

namespace shoal::loadgen {

enum class parse_status : uint8_t { complete, need_more, bad_reply };

struct reply {
  uint32_t hits = 0;   // VALUE blocks in a get reply
  bool error = false;  // an error line or an unexpected store outcome
};

class reply_parser {
 public:
  // A VALUE line is at most ~300 bytes (250-byte key, 3 numbers); an error
  // line is short. A longer line is not a reply.
  static constexpr size_t k_max_line = 2048;

  parse_status parse(std::string_view in, request_kind kind, size_t* consumed, reply* out) noexcept;

  // Forgets a partially parsed reply.
  void reset() noexcept {
    state_ = state::line;
    data_left_ = 0;
    hits_ = 0;
  }

 private:
  enum class state : uint8_t { line, data, data_end };

  state state_ = state::line;
  uint64_t data_left_ = 0;  // value bytes still to skip
  uint32_t hits_ = 0;       // VALUE blocks seen in the current get reply
};

}  // namespace shoal::loadgen
