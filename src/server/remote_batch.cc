#include "server/remote_batch.h"

#include "server/key_op_executor.h"

namespace shoal::server {

void remote_batch::add(const key_op& op) {
  stored_op s{op, arena_.size(), 0, op.value.size()};
  arena_.append(op.key);
  s.value_offset = arena_.size();
  arena_.append(op.value);
  s.op.key = {};
  s.op.value = {};
  ops_.push_back(s);
}

void remote_batch::run(cache& store, cache_time now, remote_replies& out) const {
  out.ends.reserve(out.ends.size() + ops_.size());
  const char* base = arena_.data();
  for (const stored_op& s : ops_) {
    key_op op = s.op;
    op.key = std::string_view(base + s.key_offset, s.value_offset - s.key_offset);
    op.value = std::string_view(base + s.value_offset, s.value_size);
    execute_key_op(store, op, now, out.bytes);
    out.ends.push_back(out.bytes.size());
  }
}

}  // namespace shoal::server
