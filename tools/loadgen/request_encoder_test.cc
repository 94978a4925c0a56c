#include "loadgen/request_encoder.h"

#include <gtest/gtest.h>

#include <vector>

namespace shoal::loadgen {
namespace {

TEST(RequestEncoderTest, GetOfOneKey) {
  request_encoder enc(6, 100);
  output_buffer out;
  const uint64_t keys[] = {42};
  enc.append_get(out, keys);
  EXPECT_EQ(out.view(), "get k00042\r\n");
}

TEST(RequestEncoderTest, MultiGetListsEveryKey) {
  request_encoder enc(4, 100);
  output_buffer out;
  const uint64_t keys[] = {1, 20, 300};
  enc.append_get(out, keys);
  EXPECT_EQ(out.view(), "get k001 k020 k300\r\n");
}

TEST(RequestEncoderTest, SetCarriesTheValueAndItsLength) {
  request_encoder enc(4, 30);
  output_buffer out;
  enc.append_set(out, 7, 5);
  const std::string_view text = out.view();
  ASSERT_EQ(text.substr(0, 16), "set k007 0 0 5\r\n");
  EXPECT_EQ(text.size(), 16u + 5 + 2);
  EXPECT_EQ(text.substr(21), "\r\n");
}

TEST(RequestEncoderTest, EmptyAndLargestValues) {
  request_encoder enc(3, 1000);
  output_buffer out(16);  // forces growth
  enc.append_set(out, 1, 0);
  EXPECT_EQ(out.view(), "set k01 0 0 0\r\n\r\n");
  out.clear();
  enc.append_set(out, 1, 1000);
  EXPECT_EQ(out.size(), std::string_view("set k01 0 0 1000\r\n").size() + 1000 + 2);
  EXPECT_EQ(out.view().find('\r', 18), 18u + 1000);
}

TEST(RequestEncoderTest, RequestsAppendBackToBackInOneBatch) {
  request_encoder enc(2, 10);
  output_buffer out(8);
  const uint64_t k[] = {3};
  enc.append_get(out, k);
  enc.append_set(out, 4, 2);
  enc.append_get(out, k);
  const std::string_view text = out.view();
  EXPECT_EQ(text.substr(0, 8), "get k3\r\n");
  EXPECT_EQ(text.substr(8, 14), "set k4 0 0 2\r\n");
  EXPECT_EQ(text.substr(26), "get k3\r\n");
}

}  // namespace
}  // namespace shoal::loadgen
