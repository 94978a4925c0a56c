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

TEST(PendingQueueTest, NewestIndexesBackFromTheLastPush) {
  pending_queue q(4);
  q.push({1, 1, request_kind::get});
  q.pop();
  q.push({2, 1, request_kind::get});
  q.push({3, 1, request_kind::set});
  q.push({4, 1, request_kind::get});
  q.push({5, 1, request_kind::get});  // wraps
  EXPECT_EQ(q.newest(0).start_ns, 5u);
  EXPECT_EQ(q.newest(3).start_ns, 2u);
  q.newest(1).start_ns = 40;
  q.pop();
  q.pop();
  EXPECT_EQ(q.front().start_ns, 40u);
}

}  // namespace
}  // namespace shoal::loadgen
