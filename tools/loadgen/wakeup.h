// wakeup lets one task sleep until another task on the same shard has news
// for it (the reply reader tells the request writer that a slot is free, and
// the writer tells the reader that replies are now expected). A flag plus at
// most one waiting coroutine: notify() before wait() is not lost, repeated
// notify()s collapse into one. The waiter is resumed through the reactor's
// ready queue, not inline, so notify() never runs the other task's code.
// Threading: one shard; at most one waiter at a time.
#pragma once

#include <coroutine>
#include <utility>

#include "base/assert.h"
#include "runtime/reactor.h"

namespace shoal::loadgen {

class wakeup {
 public:
  void notify() {
    if (waiter_) {
      reactor::local().schedule(std::exchange(waiter_, {}));
    } else {
      pending_ = true;
    }
  }

  // Completes at once if notify() was called since the last wait().
  auto wait() noexcept {
    struct awaiter {
      wakeup& w;
      bool await_ready() const noexcept {
        if (!w.pending_) return false;
        w.pending_ = false;
        return true;
      }
      void await_suspend(std::coroutine_handle<> self) noexcept {
        SHOAL_DEBUG_ASSERT(!w.waiter_);
        w.waiter_ = self;
      }
      void await_resume() const noexcept {}
    };
    return awaiter{*this};
  }

  bool has_waiter() const noexcept { return static_cast<bool>(waiter_); }

 private:
  std::coroutine_handle<> waiter_;
  bool pending_ = false;
};

}  // namespace shoal::loadgen
