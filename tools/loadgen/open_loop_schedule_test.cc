#include "loadgen/open_loop_schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace shoal::loadgen {
namespace {

TEST(OpenLoopScheduleTest, OneConnectionSendsEveryOneOverRate) {
  open_loop_schedule s(1000.0, 1, 0);  // 1000 req/s -> every 1 ms
  EXPECT_EQ(s.intended(0), 0u);
  EXPECT_EQ(s.intended(1), 1'000'000u);
  EXPECT_EQ(s.intended(1000), 1'000'000'000u);
}

TEST(OpenLoopScheduleTest, ConnectionsInterleaveEvenlyAtTheTotalRate) {
  const double rate = 100'000;  // 10 us apart overall
  const unsigned connections = 7;
  std::vector<uint64_t> all;
  for (unsigned c = 0; c < connections; ++c) {
    open_loop_schedule s(rate, connections, c);
    for (int n = 0; n < 1000; ++n) all.push_back(s.take());
  }
  std::sort(all.begin(), all.end());
  for (size_t i = 0; i < all.size(); ++i) {
    ASSERT_NEAR(static_cast<double>(all[i]), i * 10'000.0, 1.0) << "request " << i;
  }
}

TEST(OpenLoopScheduleTest, IntendedTimesDoNotDependOnWhenRequestsAreTaken) {
  // A late sender takes several requests at once; their intended times are
  // still one interval apart, so each is charged its own delay.
  open_loop_schedule s(2000.0, 4, 1);  // per connection: every 2 ms, phase 0.5 ms
  EXPECT_EQ(s.next(), 500'000u);
  EXPECT_EQ(s.take(), 500'000u);
  EXPECT_EQ(s.take(), 2'500'000u);
  EXPECT_EQ(s.take(), 4'500'000u);
  EXPECT_EQ(s.taken(), 3u);
  EXPECT_DOUBLE_EQ(s.interval_ns(), 2'000'000.0);
}

TEST(OpenLoopScheduleTest, CountBeforeCountsTheRequestsDueEarlier) {
  open_loop_schedule s(2000.0, 4, 1);  // due at 0.5, 2.5, 4.5 ... ms
  EXPECT_EQ(s.count_before(0), 0u);
  EXPECT_EQ(s.count_before(500'000), 0u);  // due exactly then: not before
  EXPECT_EQ(s.count_before(500'001), 1u);
  EXPECT_EQ(s.count_before(4'500'000), 2u);
  EXPECT_EQ(s.count_before(1'000'000'000), 500u);  // 1 s at 500/s per connection
}

TEST(OpenLoopScheduleTest, LongRunsDoNotDrift) {
  open_loop_schedule s(3.0, 1, 0);  // an interval that is not a whole number of ns
  EXPECT_EQ(s.intended(3'000'000), 1'000'000'000'000'000ULL);  // 1e6 s later, exact
}

}  // namespace
}  // namespace shoal::loadgen
