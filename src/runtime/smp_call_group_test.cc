// smp_call_group: reusable cross-shard calls, sent together and awaited
// together, once per reactor backend, with more shards than cores.
#include "runtime/smp_call_group.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "runtime/test_support.h"

namespace shoal {
namespace {

using testing::available_backends;
using testing::backend_name;
using testing::run_on_shards;

// Appends the shard it ran on to its own log, so the test can see where and
// how often it ran.
struct record_shard final : smp_call {
  std::vector<unsigned> ran_on;
  bool fail = false;
  void run() override {
    ran_on.push_back(this_shard_id());
    if (fail) throw std::runtime_error("failed on the target");
  }
};

class SmpCallGroupTest : public ::testing::TestWithParam<reactor_backend_kind> {};

TEST_P(SmpCallGroupTest, EveryCallRunsOnItsShardAndTheWaitSeesAllOfThem) {
  std::vector<std::vector<unsigned>> seen;
  run_on_shards(7, GetParam(), [&]() -> task<void> {
    std::vector<record_shard> calls(shard_count());
    smp_call_group group;
    for (int round = 0; round < 50; ++round) {  // the same call objects, reused
      for (unsigned s = 1; s < shard_count(); ++s) group.add(calls[s], s);
      EXPECT_TRUE(group.pending());
      co_await group.wait();
      EXPECT_FALSE(group.pending());
    }
    for (auto& c : calls) seen.push_back(c.ran_on);
  });
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_TRUE(seen[0].empty());
  for (unsigned s = 1; s < 7; ++s) EXPECT_EQ(seen[s], std::vector<unsigned>(50, s)) << s;
}

TEST_P(SmpCallGroupTest, WaitWithNothingAddedCompletesAtOnce) {
  bool done = false;
  run_on_shards(2, GetParam(), [&]() -> task<void> {
    smp_call_group group;
    co_await group.wait();
    done = true;
  });
  EXPECT_TRUE(done);
}

TEST_P(SmpCallGroupTest, AnExceptionOnATargetReachesTheWaiterAfterEveryReply) {
  std::vector<size_t> runs;
  bool caught = false;
  run_on_shards(4, GetParam(), [&]() -> task<void> {
    std::vector<record_shard> calls(4);
    calls[2].fail = true;
    smp_call_group group;
    for (unsigned s = 1; s < 4; ++s) group.add(calls[s], s);
    try {
      co_await group.wait();
    } catch (const std::runtime_error&) {
      caught = true;
    }
    EXPECT_FALSE(group.pending());
    // The group is usable again, and the error does not stick.
    calls[2].fail = false;
    group.add(calls[2], 2);
    co_await group.wait();
    for (auto& c : calls) runs.push_back(c.ran_on.size());
  });
  EXPECT_TRUE(caught);
  EXPECT_EQ(runs, (std::vector<size_t>{0, 1, 2, 1}));
}

INSTANTIATE_TEST_SUITE_P(Backends, SmpCallGroupTest, ::testing::ValuesIn(available_backends()),
                         backend_name);

}  // namespace
}  // namespace shoal
