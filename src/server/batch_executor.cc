// How a batch's replies stay in request order while parts of it run on other
// shards: see batch_executor.h and docs/architecture.md#4-execute.
#include "server/batch_executor.h"

#include "base/hash.h"
#include "protocol/response_writer.h"
#include "runtime/smp.h"
#include "server/key_op_executor.h"
#include "server/shard_service.h"

namespace shoal::server {

using protocol::command_kind;

batch_executor::batch_executor(shard_service& shard)
    : shard_(shard),
      self_(this_shard_id()),
      shard_count_(shard.context().shard_count),
      hash_seed_(shard.context().hash_seed),
      calls_(shard_count_) {
  for (remote_call& call : calls_) call.shards = shard.context().shards;
}

void batch_executor::remote_call::run() { batch.run(shards->local().store(), now, replies); }

bool batch_executor::try_execute(const protocol::command& cmd, cache_time now) {
  switch (cmd.kind) {
    case command_kind::get:
    case command_kind::gets:
    case command_kind::gat:
    case command_kind::gats: {
      for (std::string_view key : cmd.keys) {
        route(make_key_op(cmd, key, hash_key(key, hash_seed_)), now);
      }
      protocol::write_end(out_);
      return true;
    }
    case command_kind::set:
    case command_kind::add:
    case command_kind::replace:
    case command_kind::append:
    case command_kind::prepend:
    case command_kind::cas:
    case command_kind::delete_:
    case command_kind::incr:
    case command_kind::decr:
    case command_kind::touch:
      route(make_key_op(cmd, cmd.key, hash_key(cmd.key, hash_seed_)), now);
      return true;
    case command_kind::version:
      protocol::write_version(out_, shard_.context().version_text);
      return true;
    case command_kind::verbosity:
      shard_.context().verbosity.store(static_cast<int>(cmd.number), std::memory_order_relaxed);
      if (!cmd.noreply) protocol::write_reply(out_, protocol::reply::ok);
      return true;
    case command_kind::client_error:
      if (cmd.failed == command_kind::flush_all || cmd.failed == command_kind::shutdown) {
        return false;  // their settings are checked before the parse error
      }
      if (cmd.error == protocol::client_error::bad_data_chunk && protocol::is_storage(cmd.failed)) {
        ++shard_.counters().bad_chunk_sets;
      }
      if (protocol::is_retrieval(cmd.failed)) look_up_silently(cmd, now);
      if (!cmd.noreply) protocol::write_client_error(out_, cmd.error);
      return true;
    default:
      return false;
  }
}

// A multi-get with a key over 250 bytes: memcached has looked up (and for gat
// touched) the keys before it when it meets the bad one, then replies only the
// error. Doing the same keeps the hit/miss counters and item states equal.
void batch_executor::look_up_silently(const protocol::command& cmd, cache_time now) {
  protocol::command as_get;
  as_get.kind = cmd.failed;
  as_get.exptime = cmd.exptime;
  for (std::string_view key : cmd.keys) {
    route(make_key_op(as_get, key, hash_key(key, hash_seed_)), now, /*discard=*/true);
  }
}

void batch_executor::route(const key_op& op, cache_time now, bool discard) {
  const unsigned owner = shard_count_ == 1 ? 0 : shard_of_hash(op.hash, shard_count_);
  if (owner == self_) {
    const size_t mark = out_.size();
    execute_key_op(shard_.store(), op, now, out_);
    if (discard) out_.truncate(mark);
    return;
  }
  close_local_fragment();
  remote_batch& batch = calls_[owner].batch;
  const size_t index = batch.size();
  if (index == 0) touched_.push_back(owner);
  batch.add(op);
  ++remote_ops_;
  remote_payload_ += op.key.size() + op.value.size();
  if (discard) return;  // runs there, but no fragment sends its reply
  if (!fragments_.empty() && fragments_.back().shard == owner && fragments_.back().end == index) {
    ++fragments_.back().end;
  } else {
    fragments_.push_back({owner, index, index + 1});
  }
}

void batch_executor::close_local_fragment() {
  if (out_.size() > local_mark_) {
    fragments_.push_back({k_local, local_mark_, out_.size()});
    local_mark_ = out_.size();
  }
}

smp_call_group::wait_awaitable batch_executor::dispatch(cache_time now) {
  for (unsigned s : touched_) {
    ++shard_.counters().remote_batches;
    shard_.counters().remote_ops += calls_[s].batch.size();
    calls_[s].now = now;
    group_.add(calls_[s], s);
  }
  remote_ops_ = 0;
  remote_payload_ = 0;
  return group_.wait();
}

std::span<const iovec> batch_executor::gather() {
  iov_.clear();
  gathered_bytes_ = 0;
  if (fragments_.empty()) {  // nothing went to another shard: one buffer
    if (!out_.empty()) {
      iov_.push_back({out_.data(), out_.size()});
      gathered_bytes_ = out_.size();
    }
    return iov_;
  }
  close_local_fragment();
  for (const fragment& f : fragments_) {
    const char* begin;
    size_t length;
    if (f.shard == k_local) {
      begin = out_.data() + f.begin;
      length = f.end - f.begin;
    } else {
      const remote_replies& r = calls_[f.shard].replies;
      const size_t from = f.begin == 0 ? 0 : r.ends[f.begin - 1];
      begin = r.bytes.data() + from;
      length = r.ends[f.end - 1] - from;
    }
    if (length == 0) continue;
    iov_.push_back({const_cast<char*>(begin), length});
    gathered_bytes_ += length;
  }
  return iov_;
}

void batch_executor::reset() {
  out_.clear();
  local_mark_ = 0;
  fragments_.clear();
  for (unsigned s : touched_) {
    calls_[s].batch.clear();
    calls_[s].replies.clear();
  }
  touched_.clear();
  remote_ops_ = 0;
  remote_payload_ = 0;
  iov_.clear();
  gathered_bytes_ = 0;
}

}  // namespace shoal::server
