// timer_set with injected time: ordering, cancellation, lazy rearming, and a
// randomized comparison against a simple model.
#include "runtime/timer_set.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

namespace shoal::detail {
namespace {

using time_point = timer_set::time_point;
using std::chrono::nanoseconds;

time_point at(long ns) { return time_point(nanoseconds(ns)); }

struct recording_entry : timer_entry {
  explicit recording_entry(int i, std::vector<int>* log) : id(i), fired(log) {
    fire = [](timer_entry& e) noexcept {
      auto& self = static_cast<recording_entry&>(e);
      self.fired->push_back(self.id);
    };
  }
  int id;
  std::vector<int>* fired;
};

TEST(TimerSetTest, FiresDueEntriesInDeadlineOrderOnly) {
  std::vector<int> fired;
  timer_set set;
  recording_entry a(1, &fired), b(2, &fired), c(3, &fired);
  set.arm(a, at(30));
  set.arm(b, at(10));
  set.arm(c, at(20));
  EXPECT_EQ(set.next_deadline(), at(10));
  EXPECT_EQ(set.expire(at(25)), 2u);
  EXPECT_EQ(fired, (std::vector<int>{2, 3}));
  EXPECT_TRUE(a.armed());
  EXPECT_FALSE(b.armed());
  EXPECT_EQ(set.expire(at(30)), 1u);
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.next_deadline(), time_point::max());
}

TEST(TimerSetTest, CancelledEntryNeverFires) {
  std::vector<int> fired;
  timer_set set;
  recording_entry a(1, &fired), b(2, &fired);
  set.arm(a, at(10));
  set.arm(b, at(20));
  EXPECT_TRUE(set.cancel(a));
  EXPECT_FALSE(set.cancel(a));
  set.expire(at(100));
  EXPECT_EQ(fired, (std::vector<int>{2}));
}

TEST(TimerSetTest, PushingADeadlineLaterFiresAtTheNewDeadline) {
  std::vector<int> fired;
  timer_set set;
  recording_entry a(1, &fired);
  set.arm(a, at(10));
  set.arm(a, at(50));  // later: keeps its place, fires at 50
  EXPECT_EQ(set.expire(at(20)), 0u);
  EXPECT_TRUE(a.armed());
  EXPECT_EQ(set.next_deadline(), at(50));
  EXPECT_EQ(set.expire(at(50)), 1u);
  EXPECT_EQ(fired, (std::vector<int>{1}));
}

TEST(TimerSetTest, PullingADeadlineEarlierReordersTheHeap) {
  std::vector<int> fired;
  timer_set set;
  recording_entry a(1, &fired), b(2, &fired);
  set.arm(a, at(50));
  set.arm(b, at(40));
  set.arm(a, at(5));
  EXPECT_EQ(set.next_deadline(), at(5));
  set.expire(at(45));
  EXPECT_EQ(fired, (std::vector<int>{1, 2}));
}

TEST(TimerSetTest, EntryArmedForNowByACallbackFiresOnTheNextExpire) {
  timer_set set;
  int runs = 0;
  struct self_rearming : timer_entry {
    timer_set* set;
    int* runs;
  } e;
  e.set = &set;
  e.runs = &runs;
  e.fire = [](timer_entry& base) noexcept {
    auto& self = static_cast<self_rearming&>(base);
    ++*self.runs;
    self.set->arm(self, at(0));  // "again, immediately"
  };
  set.arm(e, at(10));
  EXPECT_EQ(set.expire(at(10)), 1u);  // does not loop forever
  EXPECT_EQ(set.expire(at(11)), 1u);
  EXPECT_EQ(runs, 2);
  set.cancel(e);
}

TEST(TimerSetTest, CallbackMayCancelAnotherDueEntry) {
  timer_set set;
  std::vector<int> fired;
  recording_entry victim(2, &fired);
  struct canceller : timer_entry {
    timer_set* set;
    timer_entry* victim;
  } c;
  c.set = &set;
  c.victim = &victim;
  c.fire = [](timer_entry& base) noexcept {
    auto& self = static_cast<canceller&>(base);
    self.set->cancel(*self.victim);
  };
  set.arm(c, at(10));
  set.arm(victim, at(20));
  set.expire(at(30));
  EXPECT_TRUE(fired.empty());
}

TEST(TimerSetTest, MatchesAModelUnderRandomOperations) {
  std::mt19937 rng(12345);
  timer_set set;
  std::vector<int> fired;
  std::vector<std::unique_ptr<recording_entry>> entries;
  for (int i = 0; i < 200; ++i) entries.push_back(std::make_unique<recording_entry>(i, &fired));
  std::map<int, long> model;  // id -> deadline
  long now = 0;
  for (int step = 0; step < 20000; ++step) {
    const int id = static_cast<int>(rng() % entries.size());
    switch (rng() % 4) {
      case 0:
      case 1: {
        const long deadline = now + static_cast<long>(rng() % 1000);
        set.arm(*entries[id], at(deadline));
        model[id] = deadline;
        break;
      }
      case 2:
        EXPECT_EQ(set.cancel(*entries[id]), model.erase(id) == 1);
        break;
      case 3: {
        now += static_cast<long>(rng() % 100);
        fired.clear();
        set.expire(at(now));
        std::vector<int> expected;
        for (auto it = model.begin(); it != model.end();) {
          if (it->second <= now) {
            expected.push_back(it->first);
            it = model.erase(it);
          } else {
            ++it;
          }
        }
        std::sort(fired.begin(), fired.end());
        ASSERT_EQ(fired, expected) << "step " << step;
        break;
      }
    }
    ASSERT_EQ(set.size(), model.size());
  }
}

}  // namespace
}  // namespace shoal::detail
