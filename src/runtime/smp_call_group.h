// smp_call_group sends several cross-shard calls at once and resumes the
// awaiting task when every one has replied, with no allocation and no task
// per call: the calls are objects the caller owns and reuses (e.g. one per
// destination shard, kept for the life of a connection). submit_to() is the
// convenient form for one-off calls; this is the form for a hot path that
// talks to the same shards over and over.
//
//   struct lookup final : smp_call {
//     void run() override { result = local_table().find(key); }  // on the target
//     ...
//   };
//   group.add(call_for_shard_1, 1);
//   group.add(call_for_shard_2, 2);
//   co_await group.wait();        // both ran; their results are readable here
//
// Ownership: between add() and the end of wait(), a call belongs to its
// target shard, which may read and write it; the caller must not touch it.
// After wait() it is the caller's again. An exception thrown by run() is
// rethrown by wait() (the first one, after every call has replied).
//
// Threading: add() and wait() on the caller's shard; run() on the target's.
#pragma once

#include <coroutine>
#include <exception>

#include "base/assert.h"
#include "runtime/smp.h"

namespace shoal {

class smp_call_group;

class smp_call : public detail::smp_message {
 public:
  // Runs on the target shard. May throw; see smp_call_group::wait().
  virtual void run() = 0;

 protected:
  smp_call() = default;
  virtual ~smp_call() = default;

 private:
  friend class smp_call_group;
  void run_on_target() noexcept override;
  void complete_on_source() noexcept override;

  smp_call_group* group_ = nullptr;
  std::exception_ptr error_;
};

class smp_call_group {
 public:
  smp_call_group() = default;
  smp_call_group(const smp_call_group&) = delete;
  smp_call_group& operator=(const smp_call_group&) = delete;

  // Sends `call` to `shard` (at the end of this loop turn, batched with the
  // shard's other outgoing messages). Requires: shard != this_shard_id(),
  // and `call` not already in flight.
  void add(smp_call& call, unsigned shard) noexcept;

  // True when calls were added that wait() has not yet waited for.
  bool pending() const noexcept { return outstanding_ > 0; }

  class wait_awaitable {
   public:
    explicit wait_awaitable(smp_call_group& group) noexcept : group_(group) {}
    bool await_ready() const noexcept { return group_.outstanding_ == 0; }
    void await_suspend(std::coroutine_handle<> waiter) noexcept { group_.waiter_ = waiter; }
    void await_resume() { group_.rethrow(); }

   private:
    smp_call_group& group_;
  };

  // Completes when every added call has replied; rethrows the first error.
  wait_awaitable wait() noexcept { return wait_awaitable(*this); }

 private:
  friend class smp_call;
  void one_done(smp_call& call) noexcept;
  void rethrow();

  unsigned outstanding_ = 0;
  std::coroutine_handle<> waiter_;
  std::exception_ptr error_;
};

}  // namespace shoal
