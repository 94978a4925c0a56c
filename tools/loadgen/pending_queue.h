// pending_queue remembers, in order, the requests a connection has sent and
// not yet seen answered: what kind each was (to parse its reply), how many
// keys it asked for, and the time its latency counts from. A fixed ring of
// the connection's window (its pipeline depth), so no allocation after
// construction.
// Threading: one connection.
#pragma once

#include <cstdint>
#include <memory>

#include "base/assert.h"
#include "loadgen/request_encoder.h"

namespace shoal::loadgen {

struct pending_request {
  uint64_t start_ns;  // intended (open loop) or actual (closed loop) send time
  uint32_t keys;      // keys of a get; 1 for a set
  request_kind kind;
};

class pending_queue {
 public:
  explicit pending_queue(unsigned capacity)
      : capacity_(capacity), slots_(std::make_unique<pending_request[]>(capacity)) {}

  unsigned size() const noexcept { return size_; }
  unsigned capacity() const noexcept { return capacity_; }
  bool empty() const noexcept { return size_ == 0; }
  bool full() const noexcept { return size_ == capacity_; }

  // Requires !full().
  void push(const pending_request& request) noexcept {
    SHOAL_DEBUG_ASSERT(!full());
    unsigned at = head_ + size_;
    if (at >= capacity_) at -= capacity_;
    slots_[at] = request;
    ++size_;
  }
  const pending_request& front() const noexcept {
    SHOAL_DEBUG_ASSERT(!empty());
    return slots_[head_];
  }
  void pop() noexcept {
    SHOAL_DEBUG_ASSERT(!empty());
    if (++head_ == capacity_) head_ = 0;
    --size_;
  }
  void clear() noexcept {
    head_ = 0;
    size_ = 0;
  }

 private:
  unsigned capacity_;
  std::unique_ptr<pending_request[]> slots_;
  unsigned head_ = 0;
  unsigned size_ = 0;
};

}  // namespace shoal::loadgen
