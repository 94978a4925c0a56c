// A group of reusable cross-shard calls: see smp_call_group.h. Replies are
// counted down on the source shard; the last one schedules the waiter, the
// way a submit_to() reply does.
#include "runtime/smp_call_group.h"

namespace shoal {

void smp_call::run_on_target() noexcept {
  try {
    run();
  } catch (...) {
    error_ = std::current_exception();
  }
  detail::smp_send_reply(this);
}

void smp_call::complete_on_source() noexcept { group_->one_done(*this); }

void smp_call_group::add(smp_call& call, unsigned shard) noexcept {
  SHOAL_DEBUG_ASSERT(shard != this_shard_id());
  call.group_ = this;
  call.error_ = nullptr;
  call.target = shard;
  call.source = this_shard_id();
  ++outstanding_;
  detail::smp_send(&call, true);
}

void smp_call_group::one_done(smp_call& call) noexcept {
  if (call.error_ && !error_) error_ = call.error_;
  SHOAL_DEBUG_ASSERT(outstanding_ > 0);
  if (--outstanding_ == 0 && waiter_) {
    const std::coroutine_handle<> waiter = waiter_;
    waiter_ = nullptr;
    detail::smp_reply_arrived(waiter);
    return;
  }
  // A reply that does not wake the waiter still ends an expected reply.
  reactor::local().reply_arrived();
}

void smp_call_group::rethrow() {
  if (error_) {
    std::exception_ptr e = std::move(error_);
    error_ = nullptr;
    std::rethrow_exception(e);
  }
}

}  // namespace shoal
