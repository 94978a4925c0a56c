// The timer heap. See timer_set.h for the contract and the lazy
// "later deadline keeps its place" rule that makes idle-timeout rearming O(1).
#include "runtime/timer_set.h"

#include "base/assert.h"

namespace shoal::detail {

void timer_set::arm(timer_entry& entry, time_point deadline) {
  time_point key = deadline;
  // A callback arming for "now or earlier" must not fire within the same
  // expire() call, or a zero-period timer would loop forever.
  if (expiring_ && key <= expiring_now_) key = expiring_now_ + std::chrono::nanoseconds(1);
  entry.deadline = deadline;
  if (entry.armed()) {
    if (key >= entry.key) return;  // later: keep the old place (lazy)
    entry.key = key;
    sift_up(entry.index);
    return;
  }
  entry.key = key;
  heap_.push_back(&entry);
  entry.index = heap_.size() - 1;
  sift_up(entry.index);
}

bool timer_set::cancel(timer_entry& entry) noexcept {
  if (!entry.armed()) return false;
  remove_at(entry.index);
  return true;
}

size_t timer_set::expire(time_point now) {
  size_t fired = 0;
  expiring_ = true;
  expiring_now_ = now;
  while (!heap_.empty() && heap_.front()->key <= now) {
    timer_entry* entry = heap_.front();
    if (entry->deadline > now) {  // pushed later since it was placed
      entry->key = entry->deadline;
      sift_down(0);
      continue;
    }
    remove_at(0);
    ++fired;
    entry->fire(*entry);  // may arm, cancel or destroy any entry, including this one
  }
  expiring_ = false;
  return fired;
}

void timer_set::sift_up(size_t index) noexcept {
  timer_entry* entry = heap_[index];
  while (index > 0) {
    const size_t parent = (index - 1) / 2;
    if (heap_[parent]->key <= entry->key) break;
    place(index, heap_[parent]);
    index = parent;
  }
  place(index, entry);
}

void timer_set::sift_down(size_t index) noexcept {
  const size_t n = heap_.size();
  timer_entry* entry = heap_[index];
  while (true) {
    size_t child = 2 * index + 1;
    if (child >= n) break;
    if (child + 1 < n && heap_[child + 1]->key < heap_[child]->key) ++child;
    if (entry->key <= heap_[child]->key) break;
    place(index, heap_[child]);
    index = child;
  }
  place(index, entry);
}

void timer_set::remove_at(size_t index) noexcept {
  SHOAL_DEBUG_ASSERT(index < heap_.size());
  timer_entry* removed = heap_[index];
  timer_entry* last = heap_.back();
  heap_.pop_back();
  removed->index = timer_entry::k_not_armed;
  if (last == removed) return;
  place(index, last);
  if (index > 0 && last->key < heap_[(index - 1) / 2]->key) {
    sift_up(index);
  } else {
    sift_down(index);
  }
}

}  // namespace shoal::detail
