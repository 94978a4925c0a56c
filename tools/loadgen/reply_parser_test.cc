#include "loadgen/reply_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace shoal::loadgen {
namespace {

struct parsed {
  std::vector<reply> replies;
  bool bad = false;
};

// Feeds `chunks` one after the other, as a connection would: unconsumed bytes
// stay at the front of the buffer and new bytes are appended. `kinds` is the
// request each successive reply answers.
parsed feed(const std::vector<std::string>& chunks, const std::vector<request_kind>& kinds) {
  parsed result;
  reply_parser parser;
  std::string buffer;
  size_t next = 0;
  for (const std::string& chunk : chunks) {
    buffer += chunk;
    while (next < kinds.size()) {
      size_t consumed = 0;
      reply r;
      const parse_status status = parser.parse(buffer, kinds[next], &consumed, &r);
      if (status == parse_status::bad_reply) {
        result.bad = true;
        return result;
      }
      buffer.erase(0, consumed);
      if (status == parse_status::need_more) break;
      result.replies.push_back(r);
      ++next;
    }
  }
  return result;
}

bool same(const std::vector<reply>& a, const std::vector<reply>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].hits != b[i].hits || a[i].error != b[i].error) return false;
  }
  return true;
}

// A stream mixing every reply shape the load generator meets.
const std::string k_stream =
    "END\r\n"                                                // get miss
    "VALUE k1 0 5\r\nhello\r\nEND\r\n"                       // get hit
    "STORED\r\n"                                             // set
    "VALUE k1 0 3 77\r\nabc\r\nVALUE k2 9 0\r\n\r\nEND\r\n"  // gets-style, 2 hits, empty value
    "VALUE k3 0 5\r\nEND\r\n\r\nEND\r\n"                     // value bytes that look like END
    "SERVER_ERROR out of memory storing object\r\n"          // set failure
    "CLIENT_ERROR bad command line format\r\n"               // get failure
    "NOT_STORED\r\n";                                        // set outcome we never expect
const std::vector<request_kind> k_kinds = {request_kind::get, request_kind::get, request_kind::set,
                                           request_kind::get, request_kind::get, request_kind::set,
                                           request_kind::get, request_kind::set};
const std::vector<reply> k_expected = {{0, false}, {1, false}, {0, false}, {2, false},
                                       {1, false}, {0, true},  {0, true},  {0, true}};

TEST(ReplyParserTest, ParsesEveryReplyShapeInOneBuffer) {
  const parsed p = feed({k_stream}, k_kinds);
  EXPECT_FALSE(p.bad);
  EXPECT_TRUE(same(p.replies, k_expected));
}

TEST(ReplyParserTest, SplitAtEveryByteGivesTheSameReplies) {
  for (size_t cut = 0; cut <= k_stream.size(); ++cut) {
    const parsed p = feed({k_stream.substr(0, cut), k_stream.substr(cut)}, k_kinds);
    ASSERT_FALSE(p.bad) << "cut at " << cut;
    ASSERT_TRUE(same(p.replies, k_expected)) << "cut at " << cut;
  }
}

TEST(ReplyParserTest, SplitAtEveryPairOfBytesGivesTheSameReplies) {
  for (size_t a = 0; a <= k_stream.size(); ++a) {
    for (size_t b = a; b <= k_stream.size(); ++b) {
      const parsed p =
          feed({k_stream.substr(0, a), k_stream.substr(a, b - a), k_stream.substr(b)}, k_kinds);
      ASSERT_TRUE(!p.bad && same(p.replies, k_expected)) << "cuts at " << a << ", " << b;
    }
  }
}

TEST(ReplyParserTest, OneByteAtATimeGivesTheSameReplies) {
  std::vector<std::string> bytes;
  for (char c : k_stream) bytes.emplace_back(1, c);
  const parsed p = feed(bytes, k_kinds);
  EXPECT_FALSE(p.bad);
  EXPECT_TRUE(same(p.replies, k_expected));
}

TEST(ReplyParserTest, LargeValuesAreSkippedWithoutBeingBuffered) {
  const std::string value(1 << 20, 'x');
  reply_parser parser;
  size_t consumed = 0;
  reply r;
  const std::string header = "VALUE k 0 " + std::to_string(value.size()) + "\r\n";
  ASSERT_EQ(parser.parse(header + value.substr(0, 1000), request_kind::get, &consumed, &r),
            parse_status::need_more);
  EXPECT_EQ(consumed, header.size() + 1000);  // the data is consumed as it comes
  ASSERT_EQ(parser.parse(value.substr(1000), request_kind::get, &consumed, &r),
            parse_status::need_more);
  ASSERT_EQ(parser.parse("\r\nEND\r\n", request_kind::get, &consumed, &r), parse_status::complete);
  EXPECT_EQ(r.hits, 1u);
  EXPECT_FALSE(r.error);
}

TEST(ReplyParserTest, APartialLineIsNotConsumed) {
  reply_parser parser;
  size_t consumed = 99;
  reply r;
  EXPECT_EQ(parser.parse("EN", request_kind::get, &consumed, &r), parse_status::need_more);
  EXPECT_EQ(consumed, 0u);
  EXPECT_EQ(parser.parse("STORED\r", request_kind::set, &consumed, &r), parse_status::need_more);
  EXPECT_EQ(consumed, 0u);
}

TEST(ReplyParserTest, RepliesOfTheWrongKindAreBad) {
  EXPECT_TRUE(feed({"STORED\r\n"}, {request_kind::get}).bad);
  EXPECT_TRUE(feed({"END\r\n"}, {request_kind::set}).bad);
  EXPECT_TRUE(feed({"VALUE k 0 1\r\nx\r\n"}, {request_kind::set}).bad);
}

TEST(ReplyParserTest, MalformedRepliesAreBad) {
  EXPECT_TRUE(feed({"END\n"}, {request_kind::get}).bad);                      // bare LF
  EXPECT_TRUE(feed({"HELLO\r\n"}, {request_kind::get}).bad);                  // unknown line
  EXPECT_TRUE(feed({"VALUE k 0\r\n"}, {request_kind::get}).bad);              // no length
  EXPECT_TRUE(feed({"VALUE k 0 -1\r\n"}, {request_kind::get}).bad);           // bad length
  EXPECT_TRUE(feed({"VALUE k 0 2\r\nabcEND\r\n"}, {request_kind::get}).bad);  // no data CRLF
  EXPECT_TRUE(feed({std::string(reply_parser::k_max_line, 'E')}, {request_kind::get}).bad);
}

TEST(ReplyParserTest, ErrorLinesEndAnyReply) {
  for (const char* line : {"ERROR\r\n", "ERROR Too many open connections\r\n",
                           "CLIENT_ERROR line too long\r\n", "SERVER_ERROR busy\r\n"}) {
    for (request_kind kind : {request_kind::get, request_kind::set}) {
      const parsed p = feed({line}, {kind});
      ASSERT_FALSE(p.bad) << line;
      ASSERT_EQ(p.replies.size(), 1u) << line;
      EXPECT_TRUE(p.replies[0].error) << line;
    }
  }
}

TEST(ReplyParserTest, ResetDropsAPartialReply) {
  reply_parser parser;
  size_t consumed = 0;
  reply r;
  ASSERT_EQ(parser.parse("VALUE k 0 10\r\nabc", request_kind::get, &consumed, &r),
            parse_status::need_more);
  parser.reset();
  EXPECT_EQ(parser.parse("END\r\n", request_kind::get, &consumed, &r), parse_status::complete);
  EXPECT_EQ(r.hits, 0u);
}

}  // namespace
}  // namespace shoal::loadgen
