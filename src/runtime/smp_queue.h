// Cross-shard messaging: one single-producer/single-consumer ring per ordered
// pair of shards, carrying pointers to smp_message. The ring from A to B
// carries both the work A asks of B and the replies to work B asked of A, so
// per-pair order is the order of sending. See docs/runtime.md#cross-shard-queues.
//
// Batching: push() writes into the ring's slots but does not publish; the
// producer shard calls flush() once per loop turn, which publishes every ring
// it wrote (one store each) and wakes the destination only if it is asleep.
// A burst of messages therefore costs one wake-up, not one per message.
//
// Threading: smp_queue::push/publish only on the producer shard, consume only
// on the consumer shard. smp_queues methods say which shard may call them.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace shoal {
class reactor;
}

namespace shoal::detail {

// A message that crosses shards. It lives wherever its sender put it
// (usually the frame of the task awaiting the reply); the rings carry only
// the pointer. Fire-and-forget messages delete themselves in run_on_target().
class smp_message {
 public:
  enum class phase : uint8_t { request, reply };

  // On the target shard. Unless fire-and-forget, ends (now or later) with
  // smp_queues::reply(this).
  virtual void run_on_target() noexcept = 0;
  // On the source shard, when the reply arrives.
  virtual void complete_on_source() noexcept = 0;

  unsigned source = 0;
  unsigned target = 0;
  phase state = phase::request;
  smp_message* next_overflow = nullptr;  // link while the ring is full

 protected:
  smp_message() = default;
  ~smp_message() = default;
};

class smp_queue {
 public:
  static constexpr uint32_t k_capacity = 256;  // power of two

  // Producer: queues `message`; visible to the consumer after publish(). When
  // the ring is full the message waits in an overflow list (order is kept).
  void push(smp_message* message) noexcept;
  // Producer: makes pushed messages visible. Returns true if any were new.
  bool publish() noexcept;
  // Producer: true if push() was called since the last publish(), or the
  // overflow list is not empty.
  bool has_unpublished() const noexcept { return write_ != published_ || overflow_head_; }

  // Consumer: true if published messages wait (a sequentially consistent
  // load: part of the sleep protocol, see smp_queues::try_sleep).
  bool has_published() const noexcept { return tail_.load(std::memory_order_seq_cst) != read_; }
  // Consumer: calls fn(message) for each published message, in order.
  template <typename Fn>
  size_t consume(Fn&& fn) {
    const uint32_t tail = tail_.load(std::memory_order_acquire);
    if (tail == read_) return 0;
    const uint32_t count = tail - read_;
    while (read_ != tail) {
      smp_message* message = slots_[read_ & (k_capacity - 1)];
      ++read_;
      fn(message);
    }
    head_.store(read_, std::memory_order_release);
    return count;
  }

 private:
  bool ring_has_room() noexcept;

  // Written by the producer (publish), read by the consumer.
  alignas(64) std::atomic<uint32_t> tail_{0};
  // Written by the consumer, read by the producer when it runs out of room.
  alignas(64) std::atomic<uint32_t> head_{0};
  // Producer-private.
  alignas(64) uint32_t write_ = 0;
  uint32_t published_ = 0;
  uint32_t head_cache_ = 0;
  smp_message* overflow_head_ = nullptr;
  smp_message* overflow_tail_ = nullptr;
  // Consumer-private.
  alignas(64) uint32_t read_ = 0;
  alignas(64) smp_message* slots_[k_capacity];
};

// The N x N matrix of rings, the per-shard sleep flags, and the wake-up
// protocol. Created by smp::run before the shards start.
class smp_queues {
 public:
  explicit smp_queues(unsigned shard_count);
  smp_queues(const smp_queues&) = delete;
  smp_queues& operator=(const smp_queues&) = delete;

  unsigned shard_count() const noexcept { return shards_; }
  // Before the shards run: where shard `shard`'s reactor lives.
  void attach(unsigned shard, reactor* r) noexcept { reactors_[shard] = r; }

  // On shard `message->source` (request) or `message->target` (reply):
  // queues the message for the other side.
  void send_request(smp_message* message) noexcept;
  void send_reply(smp_message* message) noexcept;

  // On shard `shard`: runs every message published to it. Returns the count.
  size_t poll(unsigned shard);
  // On shard `shard`: publishes what it queued and wakes sleeping receivers.
  void flush(unsigned shard) noexcept;
  // On shard `shard`: true if a message has been published to it.
  bool has_incoming(unsigned shard) const noexcept;
  // On shard `shard`: true if, after flush(), messages still wait for room in
  // a full ring. The shard must then not sleep without a timeout.
  bool has_unflushed(unsigned shard) const noexcept { return !dirty_[shard].list.empty(); }

  // On shard `shard`, before blocking in the kernel: announces the sleep,
  // then checks the rings again. Returns false (and withdraws) if a message
  // arrived meanwhile. A sender publishes, then reads the flag; both sides use
  // sequentially consistent operations, so at least one sees the other.
  bool try_sleep(unsigned shard) noexcept;
  void end_sleep(unsigned shard) noexcept;

 private:
  smp_queue& ring(unsigned from, unsigned to) noexcept { return rings_[from * shards_ + to]; }
  const smp_queue& ring(unsigned from, unsigned to) const noexcept {
    return rings_[from * shards_ + to];
  }
  void push(unsigned from, unsigned to, smp_message* message) noexcept;

  // Read by every sender at flush: alone on its cache line.
  struct alignas(64) sleep_flag {
    std::atomic<bool> sleeping{false};
  };
  // Shard-private: the destinations written since the last flush.
  struct alignas(64) dirty_set {
    std::vector<unsigned> list;
    std::vector<uint8_t> marked;
  };

  unsigned shards_;
  std::unique_ptr<smp_queue[]> rings_;
  std::unique_ptr<sleep_flag[]> sleep_;
  std::unique_ptr<dirty_set[]> dirty_;
  std::vector<reactor*> reactors_;
};

}  // namespace shoal::detail
