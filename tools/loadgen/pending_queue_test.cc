#include "loadgen/pending_queue.h"

#include <gtest/gtest.h>

namespace shoal::loadgen {
namespace {

TEST(PendingQueueTest, KeepsRequestsInSendOrderAcrossWrapAround) {
  pending_queue q(3);
  uint64_t next_in = 0, next_out = 0;
  for (int round = 0; round < 10; ++round) {
    while (!q.full()) q.push({next_in++, 1, request_kind::get});
    q.pop();
    ++next_out;
    EXPECT_EQ(q.front().start_ns, next_out);
  }
  EXPECT_EQ(q.size(), 2u);
}

TEST(PendingQueueTest, ClearEmptiesTheQueue) {
  pending_queue q(2);
  q.push({1, 1, request_kind::get});
  q.push({2, 1, request_kind::get});
  EXPECT_TRUE(q.full());
  q.clear();
  EXPECT_TRUE(q.empty());
  q.push({3, 1, request_kind::set});
  EXPECT_EQ(q.front().start_ns, 3u);
  EXPECT_EQ(q.front().kind, request_kind::set);
}

}  // namespace
}  // namespace shoal::loadgen
