// numbers.h against the strtol/strtoull rules memcached 1.6.18 applies, and
// the range checks Shoal adds.
#include "protocol/numbers.h"

#include <gtest/gtest.h>

#include <string>

namespace shoal::protocol {
namespace {

TEST(NumbersTest, PlainDigits) {
  uint64_t u = 7;
  EXPECT_TRUE(parse_u64("0", &u));
  EXPECT_EQ(u, 0u);
  EXPECT_TRUE(parse_u64("18446744073709551615", &u));
  EXPECT_EQ(u, UINT64_MAX);
  EXPECT_FALSE(parse_u64("18446744073709551616", &u));
  EXPECT_FALSE(parse_u64("99999999999999999999", &u));
  EXPECT_TRUE(parse_u64("000000000000000000000000000042", &u));
  EXPECT_EQ(u, 42u);
}

TEST(NumbersTest, EmptyAndJunkAreRefused) {
  uint64_t u = 0;
  int32_t i = 0;
  for (const char* bad : {"", "+", "-", "x", "1x", "0x1", " ", "\t", "1.5", "--1", "+-1"}) {
    EXPECT_FALSE(parse_u64(bad, &u)) << bad;
    EXPECT_FALSE(parse_i32(bad, &i)) << bad;
  }
}

TEST(NumbersTest, WhitespaceBeforeAndAfterLikeStrtol) {
  uint64_t u = 0;
  EXPECT_TRUE(parse_u64("\t\v\f\r5", &u));
  EXPECT_EQ(u, 5u);
  EXPECT_TRUE(parse_u64("5\r", &u));
  EXPECT_EQ(u, 5u);
  // Anything after a whitespace byte is ignored.
  EXPECT_TRUE(parse_u64("5\tjunk", &u));
  EXPECT_EQ(u, 5u);
  EXPECT_FALSE(parse_u64("\t5x", &u));
  EXPECT_FALSE(parse_u64(std::string("5\0", 2), &u));
}

TEST(NumbersTest, SignsForUnsigned) {
  uint64_t u = 0;
  EXPECT_TRUE(parse_u64("+5", &u));
  EXPECT_EQ(u, 5u);
  EXPECT_TRUE(parse_u64("-0", &u));
  EXPECT_EQ(u, 0u);
  EXPECT_FALSE(parse_u64("-1", &u));
  // 1.6.18 would read this as 2^63 - 1; Shoal refuses every negative number.
  EXPECT_FALSE(parse_u64("-9223372036854775809", &u));
}

TEST(NumbersTest, U32Range) {
  uint32_t v = 0;
  EXPECT_TRUE(parse_u32("4294967295", &v));
  EXPECT_EQ(v, 4294967295u);
  EXPECT_FALSE(parse_u32("4294967296", &v));
  EXPECT_FALSE(parse_u32("-1", &v));
}

TEST(NumbersTest, I32Range) {
  int32_t v = 0;
  EXPECT_TRUE(parse_i32("2147483647", &v));
  EXPECT_EQ(v, 2147483647);
  EXPECT_TRUE(parse_i32("-2147483648", &v));
  EXPECT_EQ(v, INT32_MIN);
  EXPECT_TRUE(parse_i32("-0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(parse_i32("+7", &v));
  EXPECT_EQ(v, 7);
  EXPECT_TRUE(parse_i32("999999999", &v));
  EXPECT_FALSE(parse_i32("2147483648", &v));
  EXPECT_FALSE(parse_i32("-2147483649", &v));
  EXPECT_FALSE(parse_i32("4294967297", &v));
  EXPECT_FALSE(parse_i32("-9223372036854775809", &v));
  EXPECT_FALSE(parse_i32("9223372036854775808", &v));
}

}  // namespace
}  // namespace shoal::protocol
