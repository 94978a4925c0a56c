// The cross-shard rings and the sleep/wake protocol (see smp_queue.h and
// docs/runtime.md#wake-ups).
//
// Why a ring per ordered pair rather than one queue per receiver: with one
// producer and one consumer each ring needs no compare-and-swap, only a
// release store of the tail by the producer and of the head by the consumer,
// and each index sits on its own cache line. The price is that a receiver
// polls N-1 rings; reading an unchanged tail hits its own cache, so an idle
// ring costs a load.
#include "runtime/smp_queue.h"

#include "base/assert.h"
#include "runtime/reactor.h"

namespace shoal::detail {

bool smp_queue::ring_has_room() noexcept {
  if (write_ - head_cache_ < k_capacity) return true;
  head_cache_ = head_.load(std::memory_order_acquire);
  return write_ - head_cache_ < k_capacity;
}

void smp_queue::push(smp_message* message) noexcept {
  if (overflow_head_ == nullptr && ring_has_room()) {
    slots_[write_ & (k_capacity - 1)] = message;
    ++write_;
    return;
  }
  message->next_overflow = nullptr;
  if (overflow_tail_) {
    overflow_tail_->next_overflow = message;
  } else {
    overflow_head_ = message;
  }
  overflow_tail_ = message;
}

bool smp_queue::publish() noexcept {
  while (overflow_head_ && ring_has_room()) {
    smp_message* message = overflow_head_;
    overflow_head_ = message->next_overflow;
    if (!overflow_head_) overflow_tail_ = nullptr;
    slots_[write_ & (k_capacity - 1)] = message;
    ++write_;
  }
  if (write_ == published_) return false;
  published_ = write_;
  tail_.store(write_, std::memory_order_seq_cst);
  return true;
}

smp_queues::smp_queues(unsigned shard_count)
    : shards_(shard_count),
      rings_(std::make_unique<smp_queue[]>(static_cast<size_t>(shard_count) * shard_count)),
      sleep_(std::make_unique<sleep_flag[]>(shard_count)),
      dirty_(std::make_unique<dirty_set[]>(shard_count)),
      reactors_(shard_count, nullptr) {
  for (unsigned s = 0; s < shard_count; ++s) {
    dirty_[s].list.reserve(shard_count);
    dirty_[s].marked.assign(shard_count, 0);
  }
}

void smp_queues::push(unsigned from, unsigned to, smp_message* message) noexcept {
  SHOAL_DEBUG_ASSERT(from != to && from < shards_ && to < shards_);
  ring(from, to).push(message);
  dirty_set& dirty = dirty_[from];
  if (!dirty.marked[to]) {
    dirty.marked[to] = 1;
    dirty.list.push_back(to);  // capacity reserved: never allocates
  }
}

void smp_queues::send_request(smp_message* message) noexcept {
  message->state = smp_message::phase::request;
  push(message->source, message->target, message);
}

void smp_queues::send_reply(smp_message* message) noexcept {
  message->state = smp_message::phase::reply;
  push(message->target, message->source, message);
}

size_t smp_queues::poll(unsigned shard) {
  size_t total = 0;
  for (unsigned from = 0; from < shards_; ++from) {
    if (from == shard) continue;
    total += ring(from, shard).consume([](smp_message* message) {
      if (message->state == smp_message::phase::request) {
        message->run_on_target();
      } else {
        message->complete_on_source();
      }
    });
  }
  return total;
}

void smp_queues::flush(unsigned shard) noexcept {
  dirty_set& dirty = dirty_[shard];
  if (dirty.list.empty()) return;
  size_t kept = 0;
  for (unsigned to : dirty.list) {
    smp_queue& q = ring(shard, to);
    if (q.publish() && sleep_[to].sleeping.load(std::memory_order_seq_cst) &&
        sleep_[to].sleeping.exchange(false, std::memory_order_seq_cst)) {
      reactors_[shard]->backend().wake_peer(reactors_[to]->backend());
    }
    if (q.has_unpublished()) {
      dirty.list[kept++] = to;  // overflow left: try again next turn
    } else {
      dirty.marked[to] = 0;
    }
  }
  dirty.list.resize(kept);
}

bool smp_queues::has_incoming(unsigned shard) const noexcept {
  for (unsigned from = 0; from < shards_; ++from) {
    if (from != shard && ring(from, shard).has_published()) return true;
  }
  return false;
}

bool smp_queues::try_sleep(unsigned shard) noexcept {
  sleep_[shard].sleeping.store(true, std::memory_order_seq_cst);
  if (has_incoming(shard)) {
    sleep_[shard].sleeping.store(false, std::memory_order_relaxed);
    return false;
  }
  return true;
}

void smp_queues::end_sleep(unsigned shard) noexcept {
  sleep_[shard].sleeping.store(false, std::memory_order_relaxed);
}

}  // namespace shoal::detail
