#include "loadgen/request_mix.h"

#include <gtest/gtest.h>

#include <string>

namespace shoal::loadgen {
namespace {

TEST(RequestMixTest, GetSetShareFollowsTheWeights) {
  workload_config c;
  c.get_weight = 9;
  c.set_weight = 1;
  const request_encoder enc(c.key_size, c.value_max);
  request_mix mix(c, 0, 1, 0);
  output_buffer out;
  int gets = 0;
  const int n = 100'000;
  for (int i = 0; i < n; ++i) {
    out.clear();
    gets += mix.append_next(enc, out).kind == request_kind::get;
  }
  EXPECT_NEAR(gets / double(n), 0.9, 0.005);
}

TEST(RequestMixTest, OnlyGetsOrOnlySets) {
  workload_config c;
  const request_encoder enc(c.key_size, c.value_max);
  output_buffer out;
  c.set_weight = 0;
  request_mix gets(c, 0, 1, 0);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(gets.append_next(enc, out).kind, request_kind::get);
  c.set_weight = 1;
  c.get_weight = 0;
  request_mix sets(c, 0, 1, 0);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(sets.append_next(enc, out).kind, request_kind::set);
}

TEST(RequestMixTest, MultiGetAsksForEveryKey) {
  workload_config c;
  c.set_weight = 0;
  c.multiget = 10;
  c.key_size = 8;
  const request_encoder enc(c.key_size, c.value_max);
  request_mix mix(c, 0, 1, 0);
  output_buffer out;
  const pending_request p = mix.append_next(enc, out);
  EXPECT_EQ(p.keys, 10u);
  EXPECT_EQ(out.size(), 3 + 10 * 9 + 2u);
}

TEST(RequestMixTest, ValueSizesStayInTheRange) {
  workload_config c;
  c.get_weight = 0;
  c.value_min = 10;
  c.value_max = 20;
  const request_encoder enc(c.key_size, c.value_max);
  request_mix mix(c, 0, 1, 0);
  output_buffer out;
  bool saw_min = false, saw_max = false;
  for (int i = 0; i < 2000; ++i) {
    out.clear();
    mix.append_next(enc, out);
    const std::string_view text = out.view();
    const size_t line = text.find("\r\n");
    const unsigned size = static_cast<unsigned>(
        std::stoul(std::string(text.substr(text.rfind(' ', line) + 1, line))));
    ASSERT_GE(size, 10u);
    ASSERT_LE(size, 20u);
    saw_min |= size == 10;
    saw_max |= size == 20;
    ASSERT_EQ(text.size(), line + 2 + size + 2);
  }
  EXPECT_TRUE(saw_min && saw_max);
}

TEST(RequestMixTest, WithSeveralServersAConnectionAsksOnlyForItsServersKeys) {
  workload_config c;
  c.servers = {"a:1", "b:2", "c:3"};
  c.key_space = 1000;
  c.multiget = 4;
  const request_encoder enc(c.key_size, c.value_max);
  request_mix mix(c, 2, 7, 0);
  output_buffer out;
  for (int i = 0; i < 200; ++i) mix.append_next(enc, out);
  // Every key in the batch must belong to server 2.
  const std::string_view text = out.view();
  size_t keys = 0;
  for (size_t at = text.find(" k"); at != std::string_view::npos; at = text.find(" k", at + 1)) {
    const uint64_t index = std::stoull(std::string(text.substr(at + 2, c.key_size - 1)));
    ASSERT_EQ(server_of_key(index, c.key_size, 3), 2u) << index;
    ++keys;
  }
  EXPECT_GT(keys, 200u);
}

TEST(RequestMixTest, KeysSpreadOverServersRoughlyEvenly) {
  int count[3] = {0, 0, 0};
  for (uint64_t k = 0; k < 30'000; ++k) ++count[server_of_key(k, 16, 3)];
  for (int c : count) EXPECT_NEAR(c, 10'000, 500);
}

}  // namespace
}  // namespace shoal::loadgen
