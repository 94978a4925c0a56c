// -l syntax (memcached's rules) and resolution.
#include "server/listen_address.h"

#include <gtest/gtest.h>
#include <netinet/in.h>

namespace shoal::server {
namespace {

std::vector<listen_spec> parse_ok(std::string_view argument) {
  std::vector<listen_spec> specs;
  auto error = parse_listen_argument(argument, &specs);
  EXPECT_FALSE(error) << argument << ": " << (error ? error->message : "");
  return specs;
}

startup_error parse_error(std::string_view argument) {
  std::vector<listen_spec> specs;
  auto error = parse_listen_argument(argument, &specs);
  EXPECT_TRUE(error) << argument;
  return error.value_or(startup_error{});
}

TEST(ListenAddressTest, HostAlone) {
  auto specs = parse_ok("127.0.0.1");
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_EQ(specs[0].host, "127.0.0.1");
  EXPECT_EQ(specs[0].text, "127.0.0.1");
  EXPECT_FALSE(specs[0].port);
}

TEST(ListenAddressTest, HostAndPort) {
  auto specs = parse_ok("localhost:11311");
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_EQ(specs[0].host, "localhost");
  EXPECT_EQ(specs[0].port, 11311);
}

TEST(ListenAddressTest, BracketedIpv6WithAndWithoutPort) {
  auto specs = parse_ok("[::1]:11311,[fe80::1]");
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].host, "::1");
  EXPECT_EQ(specs[0].port, 11311);
  EXPECT_EQ(specs[0].text, "[::1]:11311");
  EXPECT_EQ(specs[1].host, "fe80::1");
  EXPECT_FALSE(specs[1].port);
}

TEST(ListenAddressTest, BareIpv6IsAHostWithoutPort) {
  // More than one ':' and no brackets: the whole entry is the host, as in memcached.
  auto specs = parse_ok("::1");
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_EQ(specs[0].host, "::1");
  EXPECT_FALSE(specs[0].port);
  specs = parse_ok("::1:11311");
  EXPECT_EQ(specs[0].host, "::1:11311");  // not an address: resolution will refuse it
}

TEST(ListenAddressTest, EmptyEntriesAreSkippedAndDuplicatesDropped) {
  auto specs = parse_ok(",127.0.0.1,,127.0.0.2,127.0.0.1,");
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[1].host, "127.0.0.2");
  EXPECT_TRUE(parse_ok("").empty());
}

TEST(ListenAddressTest, PortZeroMeansEphemeralAsInMemcached) {
  auto specs = parse_ok("127.0.0.1:0");
  EXPECT_EQ(specs[0].port, 0);
}

TEST(ListenAddressTest, MalformedEntriesAreRefusedWithStatus71) {
  struct bad {
    const char* entry;
    const char* first_line;
  };
  const bad cases[] = {
      {"127.0.0.1:abc", "Invalid port number: \"abc\""},
      {"127.0.0.1:", "Invalid port number: \"\""},
      {"127.0.0.1:99999", "Invalid port number: \"99999\""},
      {"127.0.0.1:+11211", "Invalid port number: \"+11211\""},
      {"[::1", "Invalid IPV6 address: \"[::1\""},
      {"[::1]x", "Invalid IPV6 address: \"[::1]x\""},
      {"[]", "Invalid IPV6 address: \"[]\""},
      {"[::1]:x", "Invalid port number: \"x\""},
      {":11211", "getaddrinfo(): Name or service not known"},
      {"notls:127.0.0.1", "'notls' option is valid only when SSL is enabled"},
  };
  for (const bad& c : cases) {
    startup_error error = parse_error(c.entry);
    EXPECT_EQ(error.exit_code, 71) << c.entry;
    EXPECT_EQ(error.message,
              std::string(c.first_line) + "\nfailed to listen on one of interface(s) " + c.entry)
        << c.entry;
  }
}

TEST(ListenAddressTest, ResolvesEntryPortOrDefault) {
  auto specs = parse_ok("127.0.0.1:2000,127.0.0.2,[::1]");
  std::vector<socket_endpoint> endpoints;
  ASSERT_FALSE(resolve_listen_endpoints(specs, 3000, transport::tcp, &endpoints));
  ASSERT_EQ(endpoints.size(), 3u);
  EXPECT_EQ(endpoints[0].to_string(), "127.0.0.1:2000");
  EXPECT_EQ(endpoints[0].family(), AF_INET);
  EXPECT_EQ(endpoints[1].to_string(), "127.0.0.2:3000");
  EXPECT_EQ(endpoints[2].to_string(), "[::1]:3000");
  EXPECT_EQ(endpoints[2].family(), AF_INET6);
  EXPECT_EQ(endpoints[2].port(), 3000);
}

TEST(ListenAddressTest, NoEntriesMeansEveryInterface) {
  std::vector<socket_endpoint> endpoints;
  ASSERT_FALSE(resolve_listen_endpoints({}, 11211, transport::udp, &endpoints));
  ASSERT_FALSE(endpoints.empty());
  bool any_v4 = false;
  for (const socket_endpoint& endpoint : endpoints) {
    EXPECT_EQ(endpoint.port(), 11211);
    if (endpoint.to_string() == "0.0.0.0:11211") any_v4 = true;
  }
  EXPECT_TRUE(any_v4);
}

TEST(ListenAddressTest, SameAddressTwiceIsBoundOnce) {
  std::vector<listen_spec> specs = parse_ok("127.0.0.1:3000,127.0.0.1");
  std::vector<socket_endpoint> endpoints;
  ASSERT_FALSE(resolve_listen_endpoints(specs, 3000, transport::tcp, &endpoints));
  EXPECT_EQ(endpoints.size(), 1u);
}

TEST(ListenAddressTest, UnknownHostFailsWithMemcachedsMessage) {
  auto specs = parse_ok("::1:11311");
  std::vector<socket_endpoint> endpoints;
  auto error = resolve_listen_endpoints(specs, 11211, transport::tcp, &endpoints);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->exit_code, 71);
  EXPECT_TRUE(error->message.starts_with("getaddrinfo(): ")) << error->message;
  EXPECT_TRUE(error->message.ends_with("failed to listen on one of interface(s) ::1:11311"));
}

}  // namespace
}  // namespace shoal::server
