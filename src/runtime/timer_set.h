// timer_set is one shard's collection of armed timers: a binary min-heap of
// intrusive entries, each knowing its heap index, so arming, cancelling and
// firing are O(log n) and never allocate once the heap has grown.
//
// Pushing a deadline later (the idle-timeout pattern: every request pushes
// the connection's deadline forward) is O(1): the entry keeps its place in
// the heap under its old, earlier key, and is moved down only if it reaches
// the top before its real deadline.
//
// Time is passed in by the caller (the reactor passes its cached clock), so
// the set is deterministic and testable without sleeping.
// Threading: one shard only.
#pragma once

#include <chrono>
#include <cstddef>
#include <limits>
#include <vector>

namespace shoal::detail {

struct timer_entry {
  using time_point = std::chrono::steady_clock::time_point;
  static constexpr size_t k_not_armed = std::numeric_limits<size_t>::max();

  bool armed() const noexcept { return index != k_not_armed; }

  time_point deadline{};  // when it fires
  time_point key{};       // its heap order; <= deadline, except while expiring (see arm)
  size_t index = k_not_armed;
  void (*fire)(timer_entry&) noexcept = nullptr;
};

class timer_set {
 public:
  using time_point = timer_entry::time_point;

  // Arms `entry` (armed or not) to fire at `deadline`.
  void arm(timer_entry& entry, time_point deadline);
  // Disarms `entry`; returns false if it was not armed.
  bool cancel(timer_entry& entry) noexcept;
  // The earliest key in the set (possibly earlier than any real deadline),
  // or time_point::max() when empty.
  time_point next_deadline() const noexcept {
    return heap_.empty() ? time_point::max() : heap_.front()->key;
  }
  // Fires, in deadline order, each entry whose deadline is <= now; an entry
  // fired is disarmed before its callback runs, and the callback may arm or
  // cancel any entry. Entries armed by a callback for a time <= now fire on
  // the next call, not this one. Returns how many fired.
  size_t expire(time_point now);

  size_t size() const noexcept { return heap_.size(); }
  bool empty() const noexcept { return heap_.empty(); }

 private:
  void place(size_t index, timer_entry* entry) noexcept {
    heap_[index] = entry;
    entry->index = index;
  }
  void sift_up(size_t index) noexcept;
  void sift_down(size_t index) noexcept;
  void remove_at(size_t index) noexcept;

  std::vector<timer_entry*> heap_;
  bool expiring_ = false;
  time_point expiring_now_{};
};

}  // namespace shoal::detail
