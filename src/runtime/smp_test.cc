// smp::run, submit_to and stopping, once per reactor backend, with shard
// counts above the core count (shards then share CPUs round-robin).
#include "runtime/smp.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/reactor.h"
#include "runtime/test_support.h"
#include "runtime/when_all.h"

namespace shoal {
namespace {

using namespace std::chrono_literals;
using testing::available_backends;
using testing::backend_name;
using testing::run_on_shards;

class SmpTest : public ::testing::TestWithParam<reactor_backend_kind> {
 protected:
  reactor_backend_kind backend() const { return GetParam(); }
};

TEST_P(SmpTest, RunReturnsTheMainTaskValueOnTheChosenBackend) {
  smp_config config;
  config.shards = 2;
  config.backend = backend();
  reactor_backend_kind seen = reactor_backend_kind::automatic;
  const int rc = smp::run(config, [&]() -> task<int> {
    seen = reactor::local().backend_kind();
    co_return 7;
  });
  EXPECT_EQ(rc, 7);
  EXPECT_EQ(seen, backend());
}

TEST_P(SmpTest, RunRethrowsTheMainTaskException) {
  smp_config config;
  config.shards = 3;
  config.backend = backend();
  EXPECT_THROW(smp::run(config,
                        []() -> task<int> {
                          throw std::logic_error("main failed");
                          co_return 0;
                        }),
               std::logic_error);
}

TEST_P(SmpTest, EveryShardKnowsItsIdAndTheCount) {
  for (unsigned n : {4u, 7u}) {
    std::vector<unsigned> ids;
    std::vector<unsigned> counts;
    run_on_shards(n, backend(), [&]() -> task<void> {
      EXPECT_EQ(this_shard_id(), 0u);
      for (unsigned s = 0; s < shard_count(); ++s) {
        ids.push_back(co_await submit_to(s, [] { return this_shard_id(); }));
        counts.push_back(co_await submit_to(s, [] { return shard_count(); }));
      }
    });
    ASSERT_EQ(ids.size(), n);
    for (unsigned s = 0; s < n; ++s) {
      EXPECT_EQ(ids[s], s);
      EXPECT_EQ(counts[s], n);
    }
  }
}

TEST_P(SmpTest, MessagesFlowBetweenEveryOrderedPairOfShards) {
  constexpr unsigned n = 7;
  std::set<std::pair<unsigned, unsigned>> seen;
  run_on_shards(n, backend(), [&]() -> task<void> {
    std::vector<task<std::vector<std::pair<unsigned, unsigned>>>> all;
    for (unsigned from = 0; from < n; ++from) {
      all.push_back(submit_to(from, []() -> task<std::vector<std::pair<unsigned, unsigned>>> {
        std::vector<task<std::pair<unsigned, unsigned>>> hops;
        const unsigned me = this_shard_id();
        for (unsigned to = 0; to < shard_count(); ++to) {
          hops.push_back(submit_to(to, [me] { return std::pair(me, this_shard_id()); }));
        }
        co_return co_await when_all(std::move(hops));
      }));
    }
    for (auto& pairs : co_await when_all(std::move(all))) {
      for (auto& p : pairs) seen.insert(p);
    }
  });
  EXPECT_EQ(seen.size(), size_t{n} * n);
  for (unsigned a = 0; a < n; ++a) {
    for (unsigned b = 0; b < n; ++b) EXPECT_TRUE(seen.count({a, b})) << a << "->" << b;
  }
}

TEST_P(SmpTest, MessagesFromOneShardToAnotherRunInTheOrderSent) {
  // 5 senders each start 3000 calls to shard 3 at once (more than a ring
  // holds, so the overflow path is exercised too).
  constexpr unsigned n = 5;
  constexpr int per_sender = 3000;
  std::vector<std::vector<int>> received(n);  // touched only on shard 3
  run_on_shards(n, backend(), [&]() -> task<void> {
    std::vector<task<void>> senders;
    for (unsigned from = 0; from < n; ++from) {
      senders.push_back(submit_to(from, [&]() -> task<void> {
        const unsigned me = this_shard_id();
        std::vector<task<void>> calls;
        for (int i = 0; i < per_sender; ++i) {
          calls.push_back(submit_to(3, [&received, me, i] { received[me].push_back(i); }));
        }
        co_await when_all(std::move(calls));
      }));
    }
    co_await when_all(std::move(senders));
  });
  for (unsigned from = 0; from < n; ++from) {
    ASSERT_EQ(received[from].size(), size_t{per_sender}) << "from " << from;
    for (int i = 0; i < per_sender; ++i) ASSERT_EQ(received[from][i], i) << "from " << from;
  }
}

TEST_P(SmpTest, ExceptionThrownOnAnotherShardReachesTheCaller) {
  std::string caught;
  run_on_shards(4, backend(), [&]() -> task<void> {
    try {
      co_await submit_to(2, []() -> int { throw std::runtime_error("on shard 2"); });
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
    try {
      co_await submit_to(3, []() -> task<void> {
        co_await sleep_for(1ms);
        throw std::out_of_range("async on shard 3");
      });
    } catch (const std::out_of_range& e) {
      caught += std::string(" / ") + e.what();
    }
  });
  EXPECT_EQ(caught, "on shard 2 / async on shard 3");
}

TEST_P(SmpTest, FunctionReturningATaskRunsOnTheTargetShard) {
  std::vector<unsigned> where;
  run_on_shards(3, backend(), [&]() -> task<void> {
    const int v = co_await submit_to(2, [&]() -> task<int> {
      where.push_back(this_shard_id());
      co_await yield();
      co_await sleep_for(100us);
      where.push_back(this_shard_id());
      co_return 5;
    });
    EXPECT_EQ(v, 5);
  });
  EXPECT_EQ(where, (std::vector<unsigned>{2, 2}));
}

TEST_P(SmpTest, SubmittingToTheCurrentShardRunsWithoutAMessage) {
  uint64_t messages = 99;
  run_on_shards(2, backend(), [&]() -> task<void> {
    const uint64_t before = reactor::local().counters().messages_in;
    const int v = co_await submit_to(0, [] { return 3; });
    EXPECT_EQ(v, 3);
    messages = reactor::local().counters().messages_in - before;
  });
  EXPECT_EQ(messages, 0u);
}

TEST_P(SmpTest, SequentialRunsEachGetFreshShards) {
  for (int round = 0; round < 20; ++round) {
    int sum = 0;
    run_on_shards(3, backend(), [&]() -> task<void> {
      for (unsigned s = 0; s < 3; ++s) sum += co_await submit_to(s, [] { return 1; });
    });
    ASSERT_EQ(sum, 3) << "round " << round;
  }
}

TEST_P(SmpTest, RequestStopFromAnotherShardCompletesWaitForStop) {
  bool stopped = false;
  run_on_shards(3, backend(), [&]() -> task<void> {
    co_await submit_to(2, [] { smp::request_stop(); });
    co_await smp::wait_for_stop();
    stopped = true;
  });
  EXPECT_TRUE(stopped);
}

TEST_P(SmpTest, SigtermCompletesWaitForStop) {
  bool stopped = false;
  run_on_shards(2, backend(), [&]() -> task<void> {
    co_await submit_to(1, [] { ::kill(::getpid(), SIGTERM); });
    co_await smp::wait_for_stop();
    stopped = true;
  });
  EXPECT_TRUE(stopped);
  // The process survives and signals are back to normal afterwards.
  sigset_t mask;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  EXPECT_FALSE(sigismember(&mask, SIGTERM));
}

double process_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

TEST_P(SmpTest, AnIdleProcessUsesAlmostNoCpu) {
  double used = 0;
  run_on_shards(4, backend(), [&]() -> task<void> {
    // Get every shard through a message (they spin briefly after one), then
    // sample the process's CPU time over a second of idleness.
    for (unsigned s = 0; s < shard_count(); ++s) co_await submit_to(s, [] {});
    co_await sleep_for(50ms);
    const double before = process_cpu_seconds();
    co_await sleep_for(1s);
    used = process_cpu_seconds() - before;
  });
  EXPECT_LT(used, 0.05) << "4 idle shards used " << used << " s of CPU in 1 s";
}

// Without spinning every message finds its receiver asleep, so each one
// needs a wake-up: eventfd on epoll, and both wake-up kinds on io_uring.
TEST(SmpWakeupTest, SleepingShardsAreWokenByEveryWakeupKind) {
  struct variant {
    reactor_backend_kind kind;
    bool msg_ring;
  };
  std::vector<variant> variants{{reactor_backend_kind::epoll, false}};
  if (smp::backend_available(reactor_backend_kind::io_uring)) {
    variants.push_back({reactor_backend_kind::io_uring, false});
    variants.push_back({reactor_backend_kind::io_uring, true});
  }
  for (const variant& v : variants) {
    smp_config config;
    config.shards = 4;
    config.backend = v.kind;
    config.reactor.spin_before_sleep = std::chrono::nanoseconds(0);
    config.reactor.uring_msg_ring_wakeup = v.msg_ring;
    int sum = 0;
    uint64_t sleeps = 0;
    smp::run(config, [&]() -> task<int> {
      for (int i = 0; i < 300; ++i) {
        const unsigned to = 1 + static_cast<unsigned>(i) % 3;
        sum += co_await submit_to(to, [] { return 1; });
      }
      sleeps = co_await submit_to(2, [] { return reactor::local().counters().sleeps; });
      co_return 0;
    });
    EXPECT_EQ(sum, 300) << to_string(v.kind) << " msg_ring=" << v.msg_ring;
    EXPECT_GT(sleeps, 50u) << "shard 2 should have slept between its messages";
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, SmpTest, ::testing::ValuesIn(available_backends()),
                         backend_name);

}  // namespace
}  // namespace shoal
