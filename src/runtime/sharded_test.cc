// sharded<Service>: construction on every shard, stop and destruction
// order, invoke_on / invoke_on_all / map_reduce, failed start.
#include "runtime/sharded.h"

#include <gtest/gtest.h>

#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/test_support.h"

namespace shoal {
namespace {

using testing::available_backends;
using testing::backend_name;
using testing::run_on_shards;

// Events from all shards, in the order they happened.
struct journal {
  void add(std::string event) {
    std::lock_guard lock(mutex);
    events.push_back(std::move(event));
  }
  std::mutex mutex;
  std::vector<std::string> events;
};

class counter {
 public:
  counter(journal* log, int start, int fail_on_shard)
      : log_(log), value_(start), shard_(this_shard_id()) {
    if (static_cast<int>(shard_) == fail_on_shard) throw std::runtime_error("no start here");
    log_->add("construct " + std::to_string(shard_));
  }
  ~counter() { log_->add("destroy " + std::to_string(shard_)); }
  void stop() { log_->add("stop " + std::to_string(shard_)); }

  unsigned shard() const { return shard_; }
  int value() const { return value_; }
  void add(int n) { value_ += n; }

 private:
  journal* log_;
  int value_;
  unsigned shard_;
};

class async_service {
 public:
  explicit async_service(journal* log) : log_(log) {}
  task<void> stop() {
    co_await sleep_for(std::chrono::microseconds(100));
    log_->add("async stop " + std::to_string(this_shard_id()));
  }

 private:
  journal* log_;
};

class ShardedTest : public ::testing::TestWithParam<reactor_backend_kind> {};

TEST_P(ShardedTest, StartConstructsOneInstancePerShardOnThatShard) {
  journal log;
  std::vector<unsigned> owners;
  run_on_shards(5, GetParam(), [&]() -> task<void> {
    sharded<counter> counters;
    co_await counters.start(&log, 10, -1);
    for (unsigned s = 0; s < 5; ++s) {
      owners.push_back(co_await counters.invoke_on(s, [](counter& c) { return c.shard(); }));
    }
    EXPECT_EQ(counters.local().shard(), 0u);
    co_await counters.stop();
  });
  EXPECT_EQ(owners, (std::vector<unsigned>{0, 1, 2, 3, 4}));
}

TEST_P(ShardedTest, StopCallsStopOnEveryShardThenDestroysInReverseOrder) {
  journal log;
  run_on_shards(4, GetParam(), [&]() -> task<void> {
    sharded<counter> counters;
    co_await counters.start(&log, 0, -1);
    log.events.clear();
    co_await counters.stop();
  });
  ASSERT_EQ(log.events.size(), 8u);
  std::vector<std::string> stops(log.events.begin(), log.events.begin() + 4);
  std::sort(stops.begin(), stops.end());
  EXPECT_EQ(stops, (std::vector<std::string>{"stop 0", "stop 1", "stop 2", "stop 3"}));
  EXPECT_EQ(std::vector<std::string>(log.events.begin() + 4, log.events.end()),
            (std::vector<std::string>{"destroy 3", "destroy 2", "destroy 1", "destroy 0"}));
}

TEST_P(ShardedTest, StopAwaitsAServiceStopThatIsACoroutine) {
  journal log;
  run_on_shards(3, GetParam(), [&]() -> task<void> {
    sharded<async_service> services;
    co_await services.start(&log);
    co_await services.stop();
  });
  EXPECT_EQ(log.events.size(), 3u);
}

TEST_P(ShardedTest, FailedStartStopsTheStartedInstancesAndRethrows) {
  journal log;
  std::string caught;
  run_on_shards(5, GetParam(), [&]() -> task<void> {
    sharded<counter> counters;
    try {
      co_await counters.start(&log, 0, 2);
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
    EXPECT_FALSE(counters.started());
  });
  EXPECT_EQ(caught, "no start here");
  int constructed = 0;
  int destroyed = 0;
  for (const std::string& e : log.events) {
    constructed += e.rfind("construct", 0) == 0;
    destroyed += e.rfind("destroy", 0) == 0;
  }
  EXPECT_EQ(constructed, 4);
  EXPECT_EQ(destroyed, 4);
}

TEST_P(ShardedTest, InvokeOnAllAndMapReduceSeeEveryShard) {
  journal log;
  int total = 0;
  run_on_shards(7, GetParam(), [&]() -> task<void> {
    sharded<counter> counters;
    co_await counters.start(&log, 1, -1);
    co_await counters.invoke_on_all([](counter& c) { c.add(static_cast<int>(c.shard())); });
    co_await counters.invoke_on_all([](counter& c) -> task<void> {
      co_await yield();
      c.add(100);
    });
    total = co_await counters.map_reduce([](counter& c) { return c.value(); }, 0, std::plus<>());
    co_await counters.stop();
  });
  EXPECT_EQ(total, 7 * 1 + (0 + 1 + 2 + 3 + 4 + 5 + 6) + 7 * 100);
}

TEST_P(ShardedTest, InvokeOnPropagatesExceptionsAndTaskResults) {
  journal log;
  std::string caught;
  int async_value = 0;
  run_on_shards(3, GetParam(), [&]() -> task<void> {
    sharded<counter> counters;
    co_await counters.start(&log, 5, -1);
    try {
      co_await counters.invoke_on(1, [](counter&) -> int { throw std::invalid_argument("bad"); });
    } catch (const std::invalid_argument& e) {
      caught = e.what();
    }
    async_value = co_await counters.invoke_on(2, [](counter& c) -> task<int> {
      co_await yield();
      co_return c.value() * 2;
    });
    co_await counters.stop();
  });
  EXPECT_EQ(caught, "bad");
  EXPECT_EQ(async_value, 10);
}

INSTANTIATE_TEST_SUITE_P(Backends, ShardedTest, ::testing::ValuesIn(available_backends()),
                         backend_name);

}  // namespace
}  // namespace shoal
