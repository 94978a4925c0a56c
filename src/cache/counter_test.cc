// The incr/decr number reader and writer.
#include "cache/counter.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace shoal::cache_detail {
namespace {

std::optional<uint64_t> parse(std::string_view s) {
  uint64_t v = 0;
  if (!parse_counter(s, &v)) return std::nullopt;
  return v;
}

TEST(CounterTest, ReadsPlainAndPaddedNumbers) {
  EXPECT_EQ(parse("0"), 0u);
  EXPECT_EQ(parse("42"), 42u);
  EXPECT_EQ(parse("  42"), 42u);
  EXPECT_EQ(parse("42   "), 42u);
  EXPECT_EQ(parse("\r\n\t\v\f 7"), 7u);
  EXPECT_EQ(parse("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(parse(std::string_view("9\0zz", 4)), 9u);
}

TEST(CounterTest, RefusesWhatStrtoullWouldNotAcceptWhole) {
  for (std::string_view bad : {"", " ", "+", "-", "x1", "1x", "0x10", "1.5", "18446744073709551616",
                               "99999999999999999999999", "-1", "-9223372036854775808"}) {
    EXPECT_FALSE(parse(bad)) << bad;
  }
}

TEST(CounterTest, MinusSignNegatesModuloTwoToTheSixtyFour) {
  EXPECT_EQ(parse("-0"), 0u);
  EXPECT_EQ(parse("-18446744073709551615"), 1u);
  EXPECT_EQ(parse("-9223372036854775809"), 9223372036854775807u);
}

TEST(CounterTest, FormatsEveryMagnitude) {
  char buf[k_max_counter_digits];
  for (uint64_t v : {uint64_t{0}, uint64_t{9}, uint64_t{10}, uint64_t{123456789}, UINT64_MAX}) {
    const size_t n = format_counter(v, buf);
    EXPECT_EQ(std::string(buf, n), std::to_string(v));
  }
}

}  // namespace
}  // namespace shoal::cache_detail
