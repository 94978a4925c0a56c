#include "reply_only/request_scanner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace shoal::reply_only {
namespace {

struct outcome {
  std::string replies;
  size_t requests = 0;
  bool closed = false;
};

// Feeds the chunks as a connection would (unconsumed bytes kept in front).
outcome feed_to(request_scanner& scanner, const std::vector<std::string>& chunks) {
  outcome o;
  std::string buffer;
  for (const std::string& chunk : chunks) {
    buffer += chunk;
    const scan_result r = scanner.scan(buffer, o.replies);
    buffer.erase(0, r.consumed);
    o.requests += r.requests;
    if (r.close) {
      o.closed = true;
      break;
    }
  }
  return o;
}

outcome feed(const std::vector<std::string>& chunks) {
  request_scanner scanner;
  return feed_to(scanner, chunks);
}

const std::string k_stream =
    "get k1\r\n"
    "set k2 0 0 5\r\nhello\r\n"
    "get a b c\r\n"
    "set k3 0 0 12\r\nget k4\r\nxxxx\r\n"  // data that looks like a request
    "gets k5\r\n"
    "add k6 1 2 0 noreply\r\n\r\n"
    "cas k7 0 0 1 99\r\nz\r\n"
    "version\r\n"
    "bogus\r\n"
    "get lf\n";
const std::string k_replies =
    "END\r\nSTORED\r\nEND\r\nSTORED\r\nEND\r\nSTORED\r\nVERSION "
    "shoal-reply-only\r\nERROR\r\nEND\r\n";

TEST(RequestScannerTest, AnswersEveryRequestInOneBuffer) {
  const outcome o = feed({k_stream});
  EXPECT_EQ(o.replies, k_replies);
  EXPECT_EQ(o.requests, 10u);
  EXPECT_FALSE(o.closed);
}

TEST(RequestScannerTest, SplitAtEveryByteGivesTheSameReplies) {
  for (size_t cut = 0; cut <= k_stream.size(); ++cut) {
    const outcome o = feed({k_stream.substr(0, cut), k_stream.substr(cut)});
    ASSERT_EQ(o.replies, k_replies) << "cut at " << cut;
  }
}

TEST(RequestScannerTest, OneByteAtATimeGivesTheSameReplies) {
  std::vector<std::string> bytes;
  for (char c : k_stream) bytes.emplace_back(1, c);
  EXPECT_EQ(feed(bytes).replies, k_replies);
}

TEST(RequestScannerTest, LargeDataBlocksAreSkippedAsTheyArrive) {
  request_scanner scanner;
  std::string out;
  const scan_result first = scanner.scan("set big 0 0 100000\r\n" + std::string(5000, 'x'), out);
  EXPECT_EQ(first.consumed, 20u + 5000);
  EXPECT_EQ(out, "STORED\r\n");
  const scan_result second = scanner.scan(std::string(95000, 'x') + "\r\nget k\r\n", out);
  EXPECT_EQ(second.consumed, 95000u + 2 + 7);
  EXPECT_EQ(out, "STORED\r\nEND\r\n");
}

TEST(RequestScannerTest, QuitAndOverlongLinesClose) {
  EXPECT_TRUE(feed({"get a\r\nquit\r\nget b\r\n"}).closed);
  EXPECT_EQ(feed({"get a\r\nquit\r\nget b\r\n"}).replies, "END\r\n");
  EXPECT_TRUE(feed({std::string(request_scanner::k_max_line + 1, 'g')}).closed);
}

TEST(RequestScannerTest, AStorageCommandWithoutALengthIsAClientError) {
  EXPECT_EQ(feed({"set k 0 0\r\nget k\r\n"}).replies,
            "CLIENT_ERROR bad command line format\r\nEND\r\n");
}

TEST(RequestScannerTest, HitModeAnswersEveryKeyWithTheFixedValue) {
  request_scanner scanner("abc");
  const outcome o = feed_to(scanner, {"get k1 k2\r\ngets k3\r\ngat 10 k4\r\nget\r\nset k 0 0 1\r\n", "z\r\n"});
  EXPECT_EQ(o.replies,
            "VALUE k1 0 3\r\nabc\r\nVALUE k2 0 3\r\nabc\r\nEND\r\n"
            "VALUE k3 0 3 1\r\nabc\r\nEND\r\n"
            "VALUE k4 0 3\r\nabc\r\nEND\r\n"
            "END\r\n"
            "STORED\r\n");
  EXPECT_EQ(o.requests, 5u);
}

}  // namespace
}  // namespace shoal::reply_only
