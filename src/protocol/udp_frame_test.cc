// udp_frame.h: memcached's 8-byte header, request checks as 1.6.18 makes them
// (probed with tests/testing/mc_probe.py --udp), and reply splitting.
#include "protocol/udp_frame.h"

#include <gtest/gtest.h>

#include <string>

namespace shoal::protocol {
namespace {

std::string datagram(uint16_t id, uint16_t seq, uint16_t total, uint16_t reserved,
                     std::string_view payload) {
  const udp_header_bytes h = encode_udp_header({id, seq, total, reserved});
  return std::string(h.data(), h.size()) + std::string(payload);
}

TEST(UdpFrameTest, HeaderIsBigEndian) {
  const udp_header_bytes h = encode_udp_header({0x0102, 0x0304, 0x0506, 0x0708});
  EXPECT_EQ(std::string(h.data(), h.size()), "\x01\x02\x03\x04\x05\x06\x07\x08");
  const udp_header d = decode_udp_header(std::string_view(h.data(), h.size()));
  EXPECT_EQ(d.request_id, 0x0102);
  EXPECT_EQ(d.sequence, 0x0304);
  EXPECT_EQ(d.total, 0x0506);
  EXPECT_EQ(d.reserved, 0x0708);
  const udp_header_bytes high = encode_udp_header({0xfffe, 0x8000, 0xffff, 0});
  EXPECT_EQ(decode_udp_header(std::string_view(high.data(), 8)).request_id, 0xfffe);
  EXPECT_EQ(decode_udp_header(std::string_view(high.data(), 8)).sequence, 0x8000);
}

TEST(UdpFrameTest, SingleDatagramRequest) {
  const std::string d = datagram(7, 0, 1, 0, "get a\r\n");
  const udp_request r = parse_udp_request(d);
  EXPECT_EQ(r.status, udp_request_status::ok);
  EXPECT_EQ(r.request_id, 7);
  EXPECT_EQ(r.payload, "get a\r\n");
  EXPECT_EQ(r.payload.data(), d.data() + 8);
}

TEST(UdpFrameTest, SequenceAndReservedAreIgnored) {
  const udp_request r = parse_udp_request(datagram(9, 5, 1, 7, "get a\r\n"));
  EXPECT_EQ(r.status, udp_request_status::ok);
  EXPECT_EQ(r.request_id, 9);
}

TEST(UdpFrameTest, MultiDatagramRequestsAreDropped) {
  EXPECT_EQ(parse_udp_request(datagram(1, 0, 2, 0, "get a\r\n")).status,
            udp_request_status::multi_datagram);
  EXPECT_EQ(parse_udp_request(datagram(1, 0, 0, 0, "get a\r\n")).status,
            udp_request_status::multi_datagram);
  EXPECT_EQ(parse_udp_request(datagram(1, 0, 0x0101, 0, "get a\r\n")).status,
            udp_request_status::multi_datagram);
}

TEST(UdpFrameTest, HeaderOnlyDatagramIsIgnored) {
  EXPECT_EQ(parse_udp_request(datagram(1, 0, 1, 0, "")).status, udp_request_status::too_short);
  EXPECT_EQ(parse_udp_request("abc").status, udp_request_status::too_short);
  // One payload byte is enough: memcached answers "\n" with ERROR.
  EXPECT_EQ(parse_udp_request(datagram(1, 0, 1, 0, "\n")).status, udp_request_status::ok);
}

TEST(UdpFrameTest, EmptyReplyHasNoDatagrams) {
  udp_reply_frames frames(3, "");
  EXPECT_EQ(frames.count(), 0u);
  EXPECT_TRUE(frames.fits());
}

TEST(UdpFrameTest, SmallReplyIsOneDatagram) {
  udp_reply_frames frames(0x1234, "STORED\r\n");
  ASSERT_EQ(frames.count(), 1u);
  const udp_header_bytes h = frames.header(0);
  EXPECT_EQ(std::string(h.data(), 8), std::string("\x12\x34\x00\x00\x00\x01\x00\x00", 8));
  EXPECT_EQ(frames.payload(0), "STORED\r\n");
}

TEST(UdpFrameTest, ReplyIsSplitInto1400ByteDatagrams) {
  // Exactly one full datagram, then one byte more.
  EXPECT_EQ(udp_reply_frames(1, std::string(1392, 'x')).count(), 1u);
  EXPECT_EQ(udp_reply_frames(1, std::string(1393, 'x')).count(), 2u);

  std::string reply;
  for (int i = 0; i < 3000; ++i) reply += static_cast<char>('a' + i % 26);
  udp_reply_frames frames(42, reply);
  ASSERT_EQ(frames.count(), 3u);
  std::string joined;
  for (size_t i = 0; i < frames.count(); ++i) {
    const udp_header_bytes h = frames.header(i);
    const udp_header d = decode_udp_header(std::string_view(h.data(), 8));
    EXPECT_EQ(d.request_id, 42);
    EXPECT_EQ(d.sequence, i);
    EXPECT_EQ(d.total, 3);
    EXPECT_EQ(d.reserved, 0);
    EXPECT_LE(frames.payload(i).size() + udp_header_size, udp_max_datagram);
    joined += frames.payload(i);
  }
  EXPECT_EQ(frames.payload(0).size(), 1392u);
  EXPECT_EQ(frames.payload(2).size(), 3000u - 2 * 1392);
  EXPECT_EQ(joined, reply);
}

TEST(UdpFrameTest, MultiGetReplyIsOneMessage) {
  // Deviation from 1.6.18 (one message per VALUE): every datagram of the reply
  // carries the same total, so a client reassembling by total gets all keys.
  const std::string reply = "VALUE u1 0 3\r\nabc\r\nVALUE u2 0 3\r\ndef\r\nEND\r\n";
  udp_reply_frames frames(8, reply);
  ASSERT_EQ(frames.count(), 1u);
  EXPECT_EQ(frames.payload(0), reply);
}

TEST(UdpFrameTest, ReplyTooBigForTheTotalFieldDoesNotFit) {
  const std::string huge(udp_max_payload * udp_max_datagrams + 1, 'x');
  EXPECT_FALSE(udp_reply_frames(1, huge).fits());
  EXPECT_TRUE(udp_reply_frames(1, std::string_view(huge).substr(0, huge.size() - 1)).fits());
}

}  // namespace
}  // namespace shoal::protocol
