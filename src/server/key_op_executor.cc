// Mapping from cache outcomes to memcached 1.6.18's reply lines. noreply
// suppresses every line, errors included, as memcached's out_string does.
#include "server/key_op_executor.h"

#include "base/assert.h"
#include "protocol/response_writer.h"

namespace shoal::server {
namespace {

using protocol::command_kind;
using protocol::reply;

store_mode mode_of(command_kind k) {
  switch (k) {
    case command_kind::set: return store_mode::set;
    case command_kind::add: return store_mode::add;
    case command_kind::replace: return store_mode::replace;
    case command_kind::append: return store_mode::append;
    case command_kind::prepend: return store_mode::prepend;
    case command_kind::cas: return store_mode::cas;
    default: SHOAL_ASSERT_MSG(false, "not a storage command");
  }
  return store_mode::set;
}

reply reply_of(store_result r) {
  switch (r) {
    case store_result::stored: return reply::stored;
    case store_result::not_stored: return reply::not_stored;
    case store_result::exists: return reply::exists;
    case store_result::not_found: return reply::not_found;
    case store_result::too_large: return reply::object_too_large;
    case store_result::no_memory: return reply::out_of_memory_storing;
  }
  return reply::error;
}

void write_hit(reply_buffer& out, const item_view& item, bool with_cas) {
  if (with_cas) {
    protocol::write_value(out, item.key, item.client_flags, item.value, item.cas);
  } else {
    protocol::write_value(out, item.key, item.client_flags, item.value);
  }
}

void write_arith(reply_buffer& out, const arith_result& r) {
  switch (r.status) {
    case arith_status::ok: protocol::write_number(out, r.value); return;
    case arith_status::not_found: protocol::write_reply(out, reply::not_found); return;
    case arith_status::non_numeric: protocol::write_reply(out, reply::non_numeric_value); return;
    case arith_status::no_memory: protocol::write_reply(out, reply::out_of_memory); return;
  }
}

}  // namespace

void execute_key_op(cache& store, const key_op& op, cache_time now, reply_buffer& out) {
  switch (op.kind) {
    case command_kind::get:
    case command_kind::gets:
      if (auto item = store.get(op.key, op.hash, now)) {
        write_hit(out, *item, op.kind == command_kind::gets);
      }
      return;
    case command_kind::gat:
    case command_kind::gats:
      if (auto item = store.get_and_touch(op.key, op.hash, op.exptime, now)) {
        write_hit(out, *item, op.kind == command_kind::gats);
      }
      return;
    case command_kind::set:
    case command_kind::add:
    case command_kind::replace:
    case command_kind::append:
    case command_kind::prepend:
    case command_kind::cas: {
      const store_mode mode = mode_of(op.kind);
      if (op.too_large) {
        store.reject_too_large(mode, op.key, op.hash, now);
        if (!op.noreply) protocol::write_reply(out, reply::object_too_large);
        return;
      }
      const store_result r =
          store.store(mode, op.key, op.hash, op.value, op.flags, op.exptime, now, op.number);
      if (!op.noreply) protocol::write_reply(out, reply_of(r));
      return;
    }
    case command_kind::delete_: {
      const delete_result r = store.remove(op.key, op.hash, now);
      if (!op.noreply) {
        protocol::write_reply(out, r == delete_result::deleted ? reply::deleted : reply::not_found);
      }
      return;
    }
    case command_kind::incr:
    case command_kind::decr: {
      const arith_result r = op.kind == command_kind::incr
                                 ? store.incr(op.key, op.hash, op.number, now)
                                 : store.decr(op.key, op.hash, op.number, now);
      if (!op.noreply) write_arith(out, r);
      return;
    }
    case command_kind::touch: {
      const touch_result r = store.touch(op.key, op.hash, op.exptime, now);
      if (!op.noreply) {
        protocol::write_reply(out, r == touch_result::touched ? reply::touched : reply::not_found);
      }
      return;
    }
    default:
      SHOAL_ASSERT_MSG(false, "not a key operation");
  }
}

}  // namespace shoal::server
