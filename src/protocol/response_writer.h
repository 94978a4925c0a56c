// The bytes memcached 1.6.18 sends back, appended to any output sink. A sink
// is anything with `append(const char*, size_t)`: std::string models it, as
// will the connection's output buffer, so replies are built where they will be
// sent, with no intermediate copy. Each function appends one complete reply
// line (or a VALUE block) including its "\r\n".
//
// Integers are formatted by hand (two digits per step from a table), never
// with snprintf: a `get` hit formats two or three numbers.
//
// Threading: pure functions; the sink is the caller's.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "protocol/command.h"

namespace shoal::protocol {

template <typename S>
concept reply_sink = requires(S& sink, const char* data, size_t size) {
  sink.append(data, size);
};

// A sink that can also lend its own memory: prepare(n) returns room for at
// least n bytes at its end, commit(k) keeps the first k of them. Replies are
// then formatted in place, with no staging copy.
template <typename S>
concept direct_sink = reply_sink<S> && requires(S& sink, size_t n) {
  { sink.prepare(n) } -> std::same_as<char*>;
  sink.commit(n);
};

// A std::string-backed sink for tests and tools (std::string itself also
// models reply_sink).
struct string_sink {
  std::string data;
  void append(const char* p, size_t n) { data.append(p, n); }
};

// Fixed reply lines. reply_text() gives each one's bytes without "\r\n".
enum class reply : uint8_t {
  stored,                  // STORED
  not_stored,              // NOT_STORED
  exists,                  // EXISTS
  not_found,               // NOT_FOUND
  deleted,                 // DELETED
  touched,                 // TOUCHED
  ok,                      // OK
  end,                     // END
  reset,                   // RESET (stats reset)
  error,                   // ERROR
  object_too_large,        // SERVER_ERROR object too large for cache
  out_of_memory_storing,   // SERVER_ERROR out of memory storing object
  out_of_memory,           // SERVER_ERROR out of memory (incr/decr)
  out_of_memory_get,       // SERVER_ERROR out of memory writing get response
  non_numeric_value,       // CLIENT_ERROR cannot increment or decrement non-numeric value
  too_many_connections,    // ERROR Too many open connections
  shutdown_not_enabled,    // ERROR: shutdown not enabled
  flush_all_not_allowed,   // CLIENT_ERROR flush_all not allowed (-F)
  auth_failure,            // CLIENT_ERROR authentication failure (-Y)
  memlimit_too_small,      // MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m
  memlimit_not_megabytes,  // MEMLIMIT_ADJUST_FAILED input value is megabytes not bytes
  memlimit_adjust_failed,  // MEMLIMIT_ADJUST_FAILED out of bounds or unable to adjust
};

// The exact memcached 1.6.18 text of a fixed reply, without "\r\n".
std::string_view reply_text(reply r) noexcept;

namespace writer_detail {

// Longest decimal uint64_t / int64_t.
inline constexpr size_t max_u64_digits = 20;
inline constexpr size_t max_i64_chars = 20;

// Writes `v` in decimal ending just before `end`; returns the first char.
inline char* format_u64_backwards(uint64_t v, char* end) noexcept {
  static constexpr char pairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  while (v >= 100) {
    const auto i = static_cast<size_t>(v % 100) * 2;
    v /= 100;
    end -= 2;
    end[0] = pairs[i];
    end[1] = pairs[i + 1];
  }
  if (v >= 10) {
    const auto i = static_cast<size_t>(v) * 2;
    end -= 2;
    end[0] = pairs[i];
    end[1] = pairs[i + 1];
  } else {
    *--end = static_cast<char>('0' + v);
  }
  return end;
}

// Number of decimal digits of `v` (1 for 0).
inline size_t decimal_digits(uint64_t v) noexcept {
  size_t n = 1;
  for (;;) {
    if (v < 10) return n;
    if (v < 100) return n + 1;
    if (v < 1000) return n + 2;
    if (v < 10000) return n + 3;
    v /= 10000;
    n += 4;
  }
}

// Writes `v` in decimal at `out`; returns the end.
inline char* format_u64(uint64_t v, char* out) noexcept {
  char* const end = out + decimal_digits(v);
  format_u64_backwards(v, end);
  return end;
}

inline char* format_i64(int64_t v, char* out) noexcept {
  if (v < 0) {
    *out++ = '-';
    return format_u64(0 - static_cast<uint64_t>(v), out);
  }
  return format_u64(static_cast<uint64_t>(v), out);
}

inline char* put(char* out, std::string_view s) noexcept {
  std::memcpy(out, s.data(), s.size());
  return out + s.size();
}

template <reply_sink Sink>
void append_line(Sink& sink, std::string_view text) {
  // One append: a short line plus its CRLF fits on the stack.
  char buf[128];
  if (text.size() + 2 <= sizeof buf) {
    char* p = put(buf, text);
    *p++ = '\r';
    *p++ = '\n';
    sink.append(buf, static_cast<size_t>(p - buf));
  } else {
    sink.append(text.data(), text.size());
    sink.append("\r\n", 2);
  }
}

// " <flags> <bytes>[ <cas>]\r\n" is at most this long.
inline constexpr size_t max_value_tail = 1 + 10 + 1 + 20 + 1 + 20 + 2;

inline char* format_value_tail(char* p, uint32_t flags, size_t bytes,
                               const uint64_t* cas) noexcept {
  *p++ = ' ';
  p = format_u64(flags, p);
  *p++ = ' ';
  p = format_u64(bytes, p);
  if (cas) {
    *p++ = ' ';
    p = format_u64(*cas, p);
  }
  *p++ = '\r';
  *p++ = '\n';
  return p;
}

// Values up to this size leave in one append with their header and CRLF.
inline constexpr size_t inline_value_limit = 256;

template <reply_sink Sink>
void append_value(Sink& sink, std::string_view key, uint32_t flags, size_t bytes, const char* data,
                  const uint64_t* cas) {
  if constexpr (direct_sink<Sink>) {
    // Written in place: no staging buffer, one copy of the value.
    if (data != nullptr && key.size() <= 250) [[likely]] {
      char* const start = sink.prepare(6 + key.size() + max_value_tail + bytes + 2);
      char* p = put(start, "VALUE ");
      p = put(p, key);
      p = format_value_tail(p, flags, bytes, cas);
      if (bytes) std::memcpy(p, data, bytes);
      p += bytes;
      *p++ = '\r';
      *p++ = '\n';
      sink.commit(static_cast<size_t>(p - start));
      return;
    }
  }
  char buf[6 + 250 + max_value_tail + inline_value_limit + 2];
  char* p = buf;
  if (key.size() <= 250) [[likely]] {
    p = put(p, "VALUE ");
    p = put(p, key);
  } else {  // never a parsed key, but stay within the buffer regardless
    sink.append("VALUE ", 6);
    sink.append(key.data(), key.size());
  }
  p = format_value_tail(p, flags, bytes, cas);
  if (data == nullptr) {  // header only
    sink.append(buf, static_cast<size_t>(p - buf));
    return;
  }
  if (bytes <= inline_value_limit) {
    if (bytes) std::memcpy(p, data, bytes);
    p += bytes;
    *p++ = '\r';
    *p++ = '\n';
    sink.append(buf, static_cast<size_t>(p - buf));
    return;
  }
  sink.append(buf, static_cast<size_t>(p - buf));
  sink.append(data, bytes);
  sink.append("\r\n", 2);
}

}  // namespace writer_detail

// "VALUE <key> <flags> <bytes>\r\n<data>\r\n": one get hit.
template <reply_sink Sink>
void write_value(Sink& sink, std::string_view key, uint32_t flags, std::string_view data) {
  writer_detail::append_value(sink, key, flags, data.size(), data.data() ? data.data() : "",
                              nullptr);
}

// "VALUE <key> <flags> <bytes> <cas>\r\n<data>\r\n": one gets/gats hit.
template <reply_sink Sink>
void write_value(Sink& sink, std::string_view key, uint32_t flags, std::string_view data,
                 uint64_t cas) {
  writer_detail::append_value(sink, key, flags, data.size(), data.data() ? data.data() : "", &cas);
}

// Only the "VALUE ...\r\n" header line, for a connection that sends the data
// from the item's own memory (scatter-gather); it must then send the `bytes`
// of data and "\r\n" itself (write_crlf).
template <reply_sink Sink>
void write_value_header(Sink& sink, std::string_view key, uint32_t flags, size_t bytes) {
  writer_detail::append_value(sink, key, flags, bytes, nullptr, nullptr);
}

template <reply_sink Sink>
void write_value_header(Sink& sink, std::string_view key, uint32_t flags, size_t bytes,
                        uint64_t cas) {
  writer_detail::append_value(sink, key, flags, bytes, nullptr, &cas);
}

template <reply_sink Sink>
void write_crlf(Sink& sink) {
  sink.append("\r\n", 2);
}

// "END\r\n": the end of a get/gets/gat/gats reply or of a stats listing.
template <reply_sink Sink>
void write_end(Sink& sink) {
  sink.append("END\r\n", 5);
}

// Any fixed line: STORED, NOT_FOUND, SERVER_ERROR object too large ...
template <reply_sink Sink>
void write_reply(Sink& sink, reply r) {
  writer_detail::append_line(sink, reply_text(r));
}

// The error line a parsed command of kind client_error asks for.
template <reply_sink Sink>
void write_client_error(Sink& sink, client_error e) {
  writer_detail::append_line(sink, error_text(e));
}

// "<value>\r\n": the reply to a successful incr/decr (never padded, even when
// the stored value is).
template <reply_sink Sink>
void write_number(Sink& sink, uint64_t value) {
  char buf[writer_detail::max_u64_digits + 2];
  char* p = writer_detail::format_u64(value, buf);
  *p++ = '\r';
  *p++ = '\n';
  sink.append(buf, static_cast<size_t>(p - buf));
}

// "VERSION <version>\r\n".
template <reply_sink Sink>
void write_version(Sink& sink, std::string_view version) {
  sink.append("VERSION ", 8);
  sink.append(version.data(), version.size());
  sink.append("\r\n", 2);
}

// "STAT <name> <value>\r\n", with the value as text (rusage's "0.012345",
// version strings, settings words) ...
template <reply_sink Sink>
void write_stat(Sink& sink, std::string_view name, std::string_view value) {
  sink.append("STAT ", 5);
  sink.append(name.data(), name.size());
  sink.append(" ", 1);
  sink.append(value.data(), value.size());
  sink.append("\r\n", 2);
}

// ... or as an integer.
template <reply_sink Sink, std::integral T>
requires(!std::same_as<T, bool> &&
         !std::same_as<T, char>) void write_stat(Sink& sink, std::string_view name, T value) {
  char buf[writer_detail::max_i64_chars + 1];
  char* end;
  if constexpr (std::is_signed_v<T>) {
    end = writer_detail::format_i64(static_cast<int64_t>(value), buf);
  } else {
    end = writer_detail::format_u64(static_cast<uint64_t>(value), buf);
  }
  write_stat(sink, name, std::string_view(buf, static_cast<size_t>(end - buf)));
}

// Any other line (e.g. a stats sub-command's own message): `text` + "\r\n".
template <reply_sink Sink>
void write_line(Sink& sink, std::string_view text) {
  writer_detail::append_line(sink, text);
}

}  // namespace shoal::protocol
