// The fixed reply lines of response_writer.h, in one table so that the server
// and the tests share every byte. Texts are memcached 1.6.18's, checked on
// the wire (docs/protocol.md#replies).
#include "protocol/response_writer.h"

namespace shoal::protocol {

std::string_view reply_text(reply r) noexcept {
  switch (r) {
    case reply::stored:
      return "STORED";
    case reply::not_stored:
      return "NOT_STORED";
    case reply::exists:
      return "EXISTS";
    case reply::not_found:
      return "NOT_FOUND";
    case reply::deleted:
      return "DELETED";
    case reply::touched:
      return "TOUCHED";
    case reply::ok:
      return "OK";
    case reply::end:
      return "END";
    case reply::reset:
      return "RESET";
    case reply::error:
      return "ERROR";
    case reply::object_too_large:
      return "SERVER_ERROR object too large for cache";
    case reply::out_of_memory_storing:
      return "SERVER_ERROR out of memory storing object";
    case reply::out_of_memory:
      return "SERVER_ERROR out of memory";
    case reply::out_of_memory_get:
      return "SERVER_ERROR out of memory writing get response";
    case reply::non_numeric_value:
      return "CLIENT_ERROR cannot increment or decrement non-numeric value";
    case reply::too_many_connections:
      return "ERROR Too many open connections";
    case reply::shutdown_not_enabled:
      return "ERROR: shutdown not enabled";
    case reply::flush_all_not_allowed:
      return "CLIENT_ERROR flush_all not allowed";
    case reply::auth_failure:
      return "CLIENT_ERROR authentication failure";
    case reply::memlimit_too_small:
      return "MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m";
    case reply::memlimit_not_megabytes:
      return "MEMLIMIT_ADJUST_FAILED input value is megabytes not bytes";
    case reply::memlimit_adjust_failed:
      return "MEMLIMIT_ADJUST_FAILED out of bounds or unable to adjust";
  }
  return "ERROR";
}

}  // namespace shoal::protocol
