// Parsing and printing socket addresses.
#include "net/socket_address.h"

#include <gtest/gtest.h>
#include <netinet/in.h>

#include <stdexcept>
#include <string>

namespace shoal {
namespace {

TEST(SocketAddressTest, ParsesIpv4HostAndPort) {
  auto a = socket_address::parse("10.1.2.3:11211");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->family(), AF_INET);
  EXPECT_EQ(a->port(), 11211);
  EXPECT_EQ(a->to_string(), "10.1.2.3:11211");
  EXPECT_EQ(a->length(), sizeof(sockaddr_in));
}

TEST(SocketAddressTest, ParsesBracketedIpv6) {
  auto a = socket_address::parse("[::1]:80");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->family(), AF_INET6);
  EXPECT_EQ(a->port(), 80);
  EXPECT_EQ(a->to_string(), "[::1]:80");
}

TEST(SocketAddressTest, LocalhostAndStarAreTheOnlyNames) {
  EXPECT_EQ(socket_address::parse("localhost:5")->to_string(), "127.0.0.1:5");
  EXPECT_EQ(socket_address::parse("*:5")->to_string(), "0.0.0.0:5");
  EXPECT_FALSE(socket_address::parse("example.com:80").has_value());
}

TEST(SocketAddressTest, ParsesUnixPaths) {
  auto a = socket_address::parse("/tmp/shoal.sock");
  ASSERT_TRUE(a.has_value());
  EXPECT_TRUE(a->is_unix());
  EXPECT_EQ(a->path(), "/tmp/shoal.sock");
  EXPECT_EQ(a->to_string(), "unix:/tmp/shoal.sock");
  EXPECT_EQ(socket_address::parse("unix:rel.sock")->path(), "rel.sock");
  EXPECT_EQ(a->port(), 0);
}

TEST(SocketAddressTest, RejectsMalformedInput) {
  for (const char* bad : {"", "1.2.3.4", "1.2.3.4:", "1.2.3.4:65536", "1.2.3.4:-1", "1.2.3.4:8x",
                          "::1:80", "[::1]80", "[::1", "300.1.1.1:80", "unix:"}) {
    EXPECT_FALSE(socket_address::parse(bad).has_value()) << bad;
  }
  EXPECT_THROW(socket_address::unix_path(std::string(200, 'x')), std::invalid_argument);
}

TEST(SocketAddressTest, ParseHostTakesThePortSeparately) {
  EXPECT_EQ(socket_address::parse_host("0.0.0.0", 11211)->to_string(), "0.0.0.0:11211");
  EXPECT_EQ(socket_address::parse_host("::1", 7)->to_string(), "[::1]:7");
  EXPECT_EQ(socket_address::parse_host("[::1]", 7)->to_string(), "[::1]:7");
  EXPECT_FALSE(socket_address::parse_host("nope", 1).has_value());
}

TEST(SocketAddressTest, EqualityComparesFamilyAddressAndPort) {
  EXPECT_EQ(*socket_address::parse("127.0.0.1:1"), socket_address::loopback(1));
  EXPECT_NE(*socket_address::parse("127.0.0.1:1"), socket_address::loopback(2));
  EXPECT_NE(*socket_address::parse("[::1]:1"), socket_address::loopback(1));
  EXPECT_EQ(socket_address(), socket_address());
  EXPECT_EQ(socket_address().to_string(), "unspecified");
}

}  // namespace
}  // namespace shoal
