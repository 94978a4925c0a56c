// batch_executor runs the commands of one batch (everything one read brought)
// in request order and assembles their replies in that order. It is the
// routing layer the design calls sharded_cache:
//
//   - a key owned by this shard runs at once against the local cache, its reply
//     written into the local reply buffer;
//   - a key owned by another shard is queued in that shard's remote_batch;
//     dispatch() sends every non-empty remote batch as ONE message per shard,
//     all at once, and waits for the replies (rendered on the owner shard);
//   - gather() returns the batch's replies as iovecs in request order: ranges
//     of the local buffer interleaved with the owners' reply buffers, so a
//     remote reply is never copied again here.
//
// Per-key order holds because every operation on a key runs on its owner in
// the order it was queued. Commands that need every shard (flush_all, stats)
// are not run here: try_execute() refuses them and the caller flushes the
// batch first (see connection.cc), so they see everything sent before them.
//
// Threading: one executor per connection (or UDP socket), on its shard.
// See docs/architecture.md.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "protocol/command.h"
#include "runtime/smp_call_group.h"
#include "server/key_op.h"
#include "server/remote_batch.h"
#include "server/reply_buffer.h"

namespace shoal {
template <typename Service>
class sharded;
}

namespace shoal::server {

class shard_service;

class batch_executor {
 public:
  explicit batch_executor(shard_service& shard);

  // Runs (local keys) or queues (remote keys) one command and writes or
  // reserves its reply. Returns false, doing nothing, for a command it does
  // not run: flush_all, stats, shutdown, cache_memlimit, quit and auth (see
  // admin_commands.h); the caller flushes the batch and runs it.
  bool try_execute(const protocol::command& cmd, cache_time now);

  // True when operations wait in remote batches.
  bool has_remote() const { return remote_ops_ > 0; }
  // True when the batch has any reply bytes or pending remote operations.
  bool has_output() const { return remote_ops_ > 0 || out_.size() > 0; }
  // Local reply bytes plus remote operations queued: a size to bound
  // batches by (each remote op counts as a small reply until it is back).
  size_t pending_size() const { return out_.size() + remote_ops_ * 64 + remote_payload_; }

  // Sends the remote batches, one message per shard, all at once; awaiting
  // the result waits for every reply. Requires has_remote().
  smp_call_group::wait_awaitable dispatch(cache_time now);

  // The batch's replies in request order. Requires: no remote op pending
  // (dispatch() done). Valid until reset().
  std::span<const iovec> gather();
  // Total bytes gather() returns.
  size_t gathered_bytes() const { return gathered_bytes_; }

  // Forgets the batch (keeps buffers for the next one).
  void reset();

  // The local reply buffer, for commands the caller runs itself: what they
  // append comes after everything queued before, in order.
  reply_buffer& out() {
    return out_;
  }

 private:
  // A run of replies in request order: bytes [begin, end) of out_
  // (shard == k_local) or the replies of ops [begin, end) of shard's batch.
  struct fragment {
    unsigned shard;
    size_t begin;
    size_t end;
  };
  static constexpr unsigned k_local = ~0u;

  // The batch for one other shard, and the replies it renders there. Lent to
  // that shard for the duration of a dispatch (see smp_call_group.h).
  struct remote_call final : smp_call {
    sharded<shard_service>* shards = nullptr;
    cache_time now = 0;
    remote_batch batch;
    remote_replies replies;
    void run() override;
  };

  // Runs or queues one key operation; with `discard` its reply is dropped.
  void route(const key_op& op, cache_time now, bool discard = false);
  void look_up_silently(const protocol::command& cmd, cache_time now);
  void close_local_fragment();

  shard_service& shard_;
  unsigned self_;
  unsigned shard_count_;
  uint64_t hash_seed_;
  reply_buffer out_;
  size_t local_mark_ = 0;  // start of out_'s bytes not yet in a fragment
  std::vector<fragment> fragments_;
  std::vector<remote_call> calls_;  // per destination shard
  std::vector<unsigned> touched_;   // shards whose batch is not empty, in first-use order
  smp_call_group group_;
  size_t remote_ops_ = 0;
  size_t remote_payload_ = 0;
  std::vector<iovec> iov_;
  size_t gathered_bytes_ = 0;
};

}  // namespace shoal::server
