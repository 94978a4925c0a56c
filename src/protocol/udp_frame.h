// memcached's UDP framing. Every datagram starts with an 8-byte header of four
// big-endian 16-bit fields: request id, sequence number, total datagrams in
// this message, reserved (0). A request must fit in one datagram; a reply is
// split into datagrams of at most 1,400 bytes, header included.
//
// memcached 1.6.18 drops a request whose header announces more than one
// datagram (or none) without a reply, and ignores its sequence number and
// reserved field; parse_udp_request() does the same.
//
// Replies: 1.6.18 frames each response object separately (each VALUE of a
// multi-get is its own message with sequence 0 and its own total), so a client
// that reassembles by `total` sees only the first key. udp_reply_frames frames
// the whole reply to one request datagram as one message: sequence 0..n-1, all
// with total n, as memcached before 1.6 did and as clients expect
// (docs/decisions/0302-udp-one-message-per-request.md).
//
// Pure functions and a view type: the caller owns every buffer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace shoal::protocol {

inline constexpr size_t udp_header_size = 8;
// memcached's UDP_MAX_PAYLOAD_SIZE (the datagram) and UDP_DATA_SIZE.
inline constexpr size_t udp_max_datagram = 1400;
inline constexpr size_t udp_max_payload = udp_max_datagram - udp_header_size;
// The `total` field is 16 bits wide.
inline constexpr size_t udp_max_datagrams = 65535;

struct udp_header {
  uint16_t request_id = 0;
  uint16_t sequence = 0;
  uint16_t total = 0;
  uint16_t reserved = 0;
};

using udp_header_bytes = std::array<char, udp_header_size>;

udp_header_bytes encode_udp_header(const udp_header& h) noexcept;

// Decodes the first 8 bytes of `datagram`; requires datagram.size() >= 8.
udp_header decode_udp_header(std::string_view datagram) noexcept;

enum class udp_request_status : uint8_t {
  ok,              // `payload` holds the request's text-protocol bytes
  too_short,       // 8 bytes or fewer: memcached ignores it
  multi_datagram,  // total != 1: memcached drops it without a reply
};

struct udp_request {
  udp_request_status status = udp_request_status::too_short;
  uint16_t request_id = 0;   // echo it in every reply datagram
  std::string_view payload;  // points into the datagram
};

// Checks a received datagram the way memcached 1.6.18 does. The payload is to
// be parsed on its own: a command left incomplete at its end is dropped (no
// state carries over to the next datagram).
udp_request parse_udp_request(std::string_view datagram) noexcept;

// Splits the complete reply to one request into datagrams. A view: `reply`
// must outlive it. Send, for i in [0, count()), header(i) followed by
// payload(i) (e.g. one sendmsg with two iovecs).
class udp_reply_frames {
 public:
  udp_reply_frames(uint16_t request_id, std::string_view reply) noexcept
      : request_id_(request_id), reply_(reply) {}

  // Datagrams needed: 0 for an empty reply (a noreply command sends none).
  size_t count() const noexcept { return (reply_.size() + udp_max_payload - 1) / udp_max_payload; }

  // False when the reply needs more than 65,535 datagrams (over ~91 MB),
  // which the 16-bit total cannot express; the server must then send
  // something smaller instead (e.g. "SERVER_ERROR out of memory writing get
  // response").
  bool fits() const noexcept { return count() <= udp_max_datagrams; }

  // Requires i < count() and fits().
  udp_header_bytes header(size_t i) const noexcept;
  std::string_view payload(size_t i) const noexcept {
    return reply_.substr(i * udp_max_payload, udp_max_payload);
  }

 private:
  uint16_t request_id_;
  std::string_view reply_;
};

}  // namespace shoal::protocol
