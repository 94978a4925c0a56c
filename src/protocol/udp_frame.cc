// memcached's UDP frame header, encoded by hand in network byte order (no
// htons, so the code reads the same on any host). Why one message per request
// rather than memcached 1.6.18's one per response object: see udp_frame.h and
// docs/decisions/0302-udp-one-message-per-request.md.
#include "protocol/udp_frame.h"

#include "base/assert.h"

namespace shoal::protocol {

namespace {

void put16(char* p, uint16_t v) noexcept {
  p[0] = static_cast<char>(v >> 8);
  p[1] = static_cast<char>(v & 0xff);
}

uint16_t get16(const char* p) noexcept {
  return static_cast<uint16_t>((static_cast<unsigned char>(p[0]) << 8) |
                               static_cast<unsigned char>(p[1]));
}

}  // namespace

udp_header_bytes encode_udp_header(const udp_header& h) noexcept {
  udp_header_bytes out;
  put16(&out[0], h.request_id);
  put16(&out[2], h.sequence);
  put16(&out[4], h.total);
  put16(&out[6], h.reserved);
  return out;
}

udp_header decode_udp_header(std::string_view datagram) noexcept {
  SHOAL_DEBUG_ASSERT(datagram.size() >= udp_header_size);
  const char* p = datagram.data();
  return {get16(p), get16(p + 2), get16(p + 4), get16(p + 6)};
}

udp_request parse_udp_request(std::string_view datagram) noexcept {
  udp_request r;
  // memcached acts only on datagrams longer than the header.
  if (datagram.size() <= udp_header_size) return r;
  const udp_header h = decode_udp_header(datagram);
  r.request_id = h.request_id;
  if (h.total != 1) {
    r.status = udp_request_status::multi_datagram;
    return r;
  }
  r.status = udp_request_status::ok;
  r.payload = datagram.substr(udp_header_size);
  return r;
}

udp_header_bytes udp_reply_frames::header(size_t i) const noexcept {
  SHOAL_DEBUG_ASSERT(i < count() && fits());
  return encode_udp_header(
      {request_id_, static_cast<uint16_t>(i), static_cast<uint16_t>(count()), 0});
}

}  // namespace shoal::protocol
