// timer and sleep_awaitable on top of the shard's timer_set (timer_set.cc
// holds the heap). A timer remembers the set it was armed in, so cancelling
// from its destructor works even after the reactor moved on.
#include "runtime/timer.h"

#include "base/assert.h"
#include "runtime/reactor.h"

namespace shoal {

void timer::arm(time_point deadline) {
  SHOAL_DEBUG_ASSERT(!armed());
  rearm(deadline);
}

void timer::arm_periodic(duration period) {
  SHOAL_ASSERT(period.count() > 0);
  rearm(detail::cached_now() + period);
  period_ = period;
}

void timer::rearm(time_point deadline) {
  detail::timer_set& set = detail::local_timers();
  SHOAL_DEBUG_ASSERT(set_ == nullptr || set_ == &set);  // a timer stays on its shard
  set_ = &set;
  period_ = duration(0);
  entry_.owner = this;
  entry_.fire = &timer::fire;
  set.arm(entry_, deadline);
}

bool timer::cancel() noexcept {
  if (!entry_.armed()) return false;
  return set_->cancel(entry_);
}

void timer::fire(detail::timer_entry& entry) noexcept {
  timer& self = *static_cast<owned_entry&>(entry).owner;
  if (self.period_.count() > 0) self.set_->arm(self.entry_, entry.deadline + self.period_);
  if (self.callback_) self.callback_();  // may destroy `self`: nothing after this
}

void sleep_awaitable::fire(detail::timer_entry& entry) noexcept {
  reactor::local().schedule(static_cast<waiter_entry&>(entry).waiter);
}

}  // namespace shoal
