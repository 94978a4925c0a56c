// ready_queue holds the coroutines a shard will resume on this loop turn: a
// growable power-of-two ring of handles. It only grows, so once a shard has
// seen its peak load, scheduling allocates nothing.
// Threading: one shard only.
#pragma once

#include <coroutine>
#include <cstddef>
#include <memory>

#include "base/assert.h"

namespace shoal::detail {

class ready_queue {
 public:
  ready_queue()
      : slots_(std::make_unique<std::coroutine_handle<>[]>(k_initial)), mask_(k_initial - 1) {}

  bool empty() const noexcept { return size_ == 0; }
  size_t size() const noexcept { return size_; }

  void push(std::coroutine_handle<> frame) {
    if (size_ == mask_ + 1) grow();
    slots_[(head_ + size_) & mask_] = frame;
    ++size_;
  }

  std::coroutine_handle<> pop() noexcept {
    SHOAL_DEBUG_ASSERT(size_ > 0);
    std::coroutine_handle<> frame = slots_[head_];
    head_ = (head_ + 1) & mask_;
    --size_;
    return frame;
  }

  void clear() noexcept {
    head_ = 0;
    size_ = 0;
  }

 private:
  static constexpr size_t k_initial = 256;

  void grow() {
    const size_t capacity = mask_ + 1;
    auto bigger = std::make_unique<std::coroutine_handle<>[]>(capacity * 2);
    for (size_t i = 0; i < size_; ++i) bigger[i] = slots_[(head_ + i) & mask_];
    slots_ = std::move(bigger);
    mask_ = capacity * 2 - 1;
    head_ = 0;
  }

  std::unique_ptr<std::coroutine_handle<>[]> slots_;
  size_t mask_;
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace shoal::detail
