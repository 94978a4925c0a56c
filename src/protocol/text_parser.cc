// The memcached text-protocol parser. Design notes (the full rule list with
// the probes behind it is docs/protocol.md):
//
// * Lines end at '\n'; one '\r' before it is dropped (bare "\n" is accepted,
//   as memcached does for backward compatibility). memcached NUL-terminates
//   the line and tokenizes it with strlen(), so a NUL byte ends the line's
//   meaning (the rest up to '\n' is still consumed): the tokenizer reproduces
//   that instead of scanning the line twice.
// * Tokens are separated by runs of spaces only. memcached tokenizes at most
//   23 tokens (MAX_TOKENS 24 with its terminator) and keeps the rest of the
//   line as one remainder; its token-count checks (WANT_TOKENS*) therefore see
//   min(tokens, 23). We count the same way so every "wrong number of tokens"
//   answer matches, including the HTTP close rule, which looks at the last of
//   those 23 tokens.
// * Dispatch follows memcached 1.6.18's order, because it decides which lines
//   close the connection: a first letter of g, s, a, c, i, d or t, or a
//   two-letter m* (meta) command, answers ERROR when the name is unknown;
//   any other unknown command whose last token starts with "HTTP/" closes.
// * The 2,048-byte limit is applied to the line, not to what one read()
//   happened to return: memcached closes when more than 2,048 bytes are
//   buffered without a newline, which for a longer line depends on how the
//   bytes were split into reads. We close whenever the line is longer, so the
//   outcome never depends on the split (docs/decisions/0301-line-limit.md).
// * Hot paths: plain `get <key>` / `get <k1> <k2>...` and `set <key> <f> <e>
//   <n>[ noreply]` lines, the bulk of traffic, are recognised by their first
//   four bytes and parsed in one pass that also finds the line end: no
//   memchr, no token array (about 100 instructions for a get; see
//   docs/benchmarks.md). Anything unusual in them falls back to the general
//   route: memchr for the newline, the tokenizer, dispatch in memcached's
//   order. set_fast_paths(false) lets the tests and the fuzzer check that the
//   two routes agree on every input.
#include "protocol/text_parser.h"

#include <bit>
#include <climits>
#include <cstdint>
#include <cstring>

#include "base/item_limits.h"
#include "protocol/numbers.h"

namespace shoal::protocol {

namespace {

// memcached's MAX_TOKENS (24) minus its terminating empty token.
constexpr size_t max_tokens = 23;

// Largest -Y payload ("user pass") we will wait for; past it the connection is
// closed. memcached has no bound (docs/protocol.md#authentication).
constexpr size_t max_auth_payload = 64 * 1024;

// True for bytes above ' ' (control characters and space are below or equal).
inline bool is_token_byte(char ch) noexcept { return static_cast<unsigned char>(ch) > 0x20; }

// Walks the space-separated tokens of one line. A NUL byte ends the line's
// meaning: `end` is pulled back to it, as strlen() stopped memcached there.
//
// Bytes are examined eight at a time while the word stays below `readable`
// (one past the line's '\n', which is always in the input). The word scan
// looks for the first byte below '!' (space, '\r', '\n', NUL or another
// control character); every complete line ends in such a byte ('\r', '\n' or
// the NUL that `end` points at), so the scan never runs past `end`. The fast
// paths, which do not know where the line ends yet, use end = readable = the
// end of the input.
struct line_cursor {
  const char* p;
  const char* end;
  const char* readable;

  // The next token, or an empty view at the end of the line.
  std::string_view next() noexcept {
    while (p < end && *p == ' ') ++p;
    const char* const start = p;
    for (;;) {
      p = scan_to_low_byte(p);
      if (p >= end) {
        p = end;
        break;
      }
      if (*p == ' ') break;
      if (*p == '\0') {
        end = p;
        break;
      }
      ++p;  // another control character: part of the token (tab, '\r', ...)
    }
    return {start, static_cast<size_t>(p - start)};
  }

  // Returns the first byte at or after `q` whose value is below 0x21.
  const char* scan_to_low_byte(const char* q) const noexcept {
    constexpr uint64_t ones = 0x0101010101010101u;
    constexpr uint64_t highs = 0x8080808080808080u;
    while (q + 8 <= readable) {
      uint64_t word;
      std::memcpy(&word, q, sizeof word);
      // High bit of each byte below 0x21 (exact for the first such byte,
      // which is all we use; bytes >= 0x80 never match).
      const uint64_t low = (word - ones * 0x21) & ~word & highs;
      if (low) return q + (std::countr_zero(low) >> 3);
      q += 8;
    }
    while (q < end && is_token_byte(*q)) ++q;
    return q;
  }
};

// The first tokens of a line, counted the way memcached's tokenizer does.
// Storage is left uninitialised: only tok[0, count) is ever read.
struct token_list {
  struct token {
    const char* data;
    size_t size;
  };
  token tok[max_tokens];
  size_t count = 0;  // memcached's ntokens - 1

  std::string_view operator[](size_t i) const noexcept { return {tok[i].data, tok[i].size}; }
  void push(std::string_view v) noexcept { tok[count++] = {v.data(), v.size()}; }
  bool last_is_noreply() const noexcept { return count > 0 && (*this)[count - 1] == "noreply"; }
};

// Appends tokens from the cursor to `t` until it holds max_tokens or the line
// ends.
void tokenize_rest(line_cursor& cur, token_list& t) noexcept {
  while (t.count < max_tokens) {
    const std::string_view tok = cur.next();
    if (tok.empty()) return;
    t.push(tok);
  }
}

[[gnu::cold]] parse_status fail(command* out, client_error e, command_kind failed,
                                bool noreply = false) {
  out->reset();  // drop whatever was parsed before the error
  out->kind = command_kind::client_error;
  out->error = e;
  out->failed = failed;
  out->noreply = noreply;
  return parse_status::complete;
}

// "ERROR" for an unknown command or a wrong token count: memcached rejects
// those lines before any per-command processing, so `failed` stays unset.
[[gnu::cold]] parse_status unknown(command* out) {
  return fail(out, client_error::error, command_kind::client_error);
}

bool key_too_long(std::string_view key) noexcept { return key.size() > max_key_length; }

bool starts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && std::memcmp(s.data(), prefix.data(), prefix.size()) == 0;
}

// Reads 1..9 plain digits at q, advancing q; false (q unspecified) if there
// are none or more. The fast paths use it and leave anything else (signs,
// whitespace, long numbers) to the general rules in numbers.h.
[[gnu::always_inline]] inline bool plain_digits(const char*& q, const char* end,
                                                uint32_t* out) noexcept {
  const char* const start = q;
  uint32_t v = 0;
  while (q < end) {
    const unsigned d = static_cast<unsigned char>(*q) - unsigned{'0'};
    if (d > 9) break;
    v = v * 10 + d;
    ++q;
  }
  *out = v;
  return q != start && q - start <= 9;
}

struct line_context {
  size_t max_item_size;
  size_t* needed;  // set when a storage command waits for its value
};

inline parse_status parse_retrieval(line_cursor& cur, command_kind kind, command* out) {
  std::string_view tok = cur.next();
  if (tok.empty()) return unknown(out);  // "get" needs at least one more token
  out->kind = kind;
  if (kind == command_kind::gat || kind == command_kind::gats) {
    int32_t exptime;
    if (!parse_i32(tok, &exptime)) return fail(out, client_error::invalid_exptime, kind);
    out->exptime = exptime;
    tok = cur.next();  // "gat <exptime>" alone is valid: no keys, END
  }
  for (; !tok.empty(); tok = cur.next()) {
    // memcached drops the hits so far and answers only this error. It has
    // looked the earlier keys up (and, for gat, touched them) by then, so they
    // stay in `keys` for the server to do the same, without replying.
    if (key_too_long(tok)) {
      std::vector<std::string_view> looked_up = std::move(out->keys);
      const int64_t exptime = out->exptime;
      const parse_status status = fail(out, client_error::bad_command_line_format, kind);
      out->keys = std::move(looked_up);
      out->exptime = exptime;
      return status;
    }
    out->keys.push_back(tok);
  }
  return parse_status::complete;
}

parse_status finish_storage(std::string_view in, size_t line_size, command_kind kind,
                            std::string_view key, uint32_t flags, int32_t exptime,
                            size_t value_size, uint64_t cas_unique, bool noreply, command* out,
                            size_t* consumed, const line_context& ctx);

parse_status parse_storage(std::string_view in, size_t line_size, const token_list& t,
                           command_kind kind, command* out, size_t* consumed,
                           const line_context& ctx) {
  // <cmd> <key> <flags> <exptime> <bytes> [<cas>] [noreply]
  const size_t base = kind == command_kind::cas ? 6 : 5;
  if (t.count != base && t.count != base + 1) return unknown(out);
  const bool noreply = t.last_is_noreply();
  const std::string_view key = t[1];
  uint32_t flags;
  int32_t exptime;
  int32_t bytes;
  uint64_t cas_unique = 0;
  if (key_too_long(key) || !parse_u32(t[2], &flags) || !parse_i32(t[3], &exptime) ||
      !parse_i32(t[4], &bytes) || (kind == command_kind::cas && !parse_u64(t[5], &cas_unique)) ||
      bytes < 0 || bytes > INT_MAX - 2) {
    // The value, if the client sent one, is left to be read as commands.
    return fail(out, client_error::bad_command_line_format, kind, noreply);
  }
  return finish_storage(in, line_size, kind, key, flags, exptime, static_cast<size_t>(bytes),
                        cas_unique, noreply, out, consumed, ctx);
}

// The part of a storage command after its line: the value, or too_large.
// Sets *consumed when the command takes more than the line.
parse_status finish_storage(std::string_view in, size_t line_size, command_kind kind,
                            std::string_view key, uint32_t flags, int32_t exptime,
                            size_t value_size, uint64_t cas_unique, bool noreply, command* out,
                            size_t* consumed, const line_context& ctx) {
  out->kind = kind;
  out->noreply = noreply;
  out->key = key;
  out->flags = flags;
  out->exptime = exptime;
  out->cas_unique = cas_unique;
  if (!item_size_ok(key.size(), value_size, ctx.max_item_size)) {
    out->too_large = true;
    out->swallow = value_size + 2;
    return parse_status::complete;  // *consumed: the line
  }
  const size_t total = line_size + value_size + 2;
  if (in.size() < total) {
    *ctx.needed = total;
    return parse_status::need_more;
  }
  const char* data = in.data() + line_size;
  *consumed = total;
  if (data[value_size] != '\r' || data[value_size + 1] != '\n') {
    return fail(out, client_error::bad_data_chunk, kind, noreply);
  }
  out->value = {data, value_size};
  return parse_status::complete;
}

// Everything but retrieval and storage. t[0] is the command name.
parse_status parse_other(const token_list& t, command* out) {
  const std::string_view name = t[0];
  const size_t n = t.count;
  if (name == "delete") {
    // delete <key> [0] [noreply]
    if (n < 2 || n > 4) return unknown(out);
    if (n > 2) {
      const bool hold_is_zero = t[2] == "0";
      const bool noreply = t.last_is_noreply();
      const bool valid =
          (n == 3 && (hold_is_zero || noreply)) || (n == 4 && hold_is_zero && noreply);
      if (!valid) return fail(out, client_error::delete_usage, command_kind::delete_, noreply);
      out->noreply = noreply;
    }
    if (key_too_long(t[1])) {
      return fail(out, client_error::bad_command_line_format, command_kind::delete_, out->noreply);
    }
    out->kind = command_kind::delete_;
    out->key = t[1];
    return parse_status::complete;
  }
  if (name == "incr" || name == "decr") {
    // incr <key> <delta> [noreply]; the delta is checked before the key.
    const command_kind kind = name == "incr" ? command_kind::incr : command_kind::decr;
    if (n != 3 && n != 4) return unknown(out);
    const bool noreply = t.last_is_noreply();
    uint64_t delta;
    if (!parse_u64(t[2], &delta)) return fail(out, client_error::invalid_delta, kind, noreply);
    if (key_too_long(t[1])) {
      return fail(out, client_error::bad_command_line_format, kind, noreply);
    }
    out->kind = kind;
    out->noreply = noreply;
    out->key = t[1];
    out->delta = delta;
    return parse_status::complete;
  }
  if (name == "touch") {
    // touch <key> <exptime> [noreply]; the key is checked before the exptime.
    if (n != 3 && n != 4) return unknown(out);
    const bool noreply = t.last_is_noreply();
    if (key_too_long(t[1])) {
      return fail(out, client_error::bad_command_line_format, command_kind::touch, noreply);
    }
    int32_t exptime;
    if (!parse_i32(t[2], &exptime)) {
      return fail(out, client_error::invalid_exptime, command_kind::touch, noreply);
    }
    out->kind = command_kind::touch;
    out->noreply = noreply;
    out->key = t[1];
    out->exptime = exptime;
    return parse_status::complete;
  }
  if (name == "stats") {
    out->kind = command_kind::stats;
    out->arg_count = static_cast<uint8_t>(std::min(n - 1, out->args.size()));
    for (size_t i = 0; i < out->arg_count; ++i) out->args[i] = t[i + 1];
    return parse_status::complete;
  }
  if (name == "version") {
    out->kind = command_kind::version;  // extra tokens are ignored
    return parse_status::complete;
  }
  if (name == "quit") {
    out->kind = command_kind::quit;
    return parse_status::complete;
  }
  if (name == "flush_all") {
    // flush_all [delay] [noreply]; "flush_all 5 6" uses 5.
    if (n > 3) return unknown(out);
    const bool noreply = t.last_is_noreply();
    int32_t delay = 0;
    if (n != (noreply ? 2u : 1u) && !parse_i32(t[1], &delay)) {
      return fail(out, client_error::invalid_exptime, command_kind::flush_all, noreply);
    }
    out->kind = command_kind::flush_all;
    out->noreply = noreply;
    out->exptime = delay;
    return parse_status::complete;
  }
  if (name == "verbosity") {
    // verbosity <level> [noreply]; "verbosity 1 2" sets 1.
    if (n != 2 && n != 3) return unknown(out);
    const bool noreply = t.last_is_noreply();
    uint32_t level;
    if (!parse_u32(t[1], &level)) {
      return fail(out, client_error::bad_command_line_format, command_kind::verbosity, noreply);
    }
    out->kind = command_kind::verbosity;
    out->noreply = noreply;
    out->number = level;
    return parse_status::complete;
  }
  if (name == "shutdown") {
    // No noreply here: memcached does not look for it.
    if (n == 1 || (n == 2 && t[1] == "graceful")) {
      out->kind = command_kind::shutdown;
      out->graceful = n == 2;
      return parse_status::complete;
    }
    return fail(out, client_error::invalid_shutdown_mode, command_kind::shutdown);
  }
  if (name == "cache_memlimit") {
    // cache_memlimit <megabytes> [noreply]; a non-number is plain ERROR.
    if (n != 2 && n != 3) return unknown(out);
    const bool noreply = t.last_is_noreply();
    uint32_t megabytes;
    if (!parse_u32(t[1], &megabytes)) {
      return fail(out, client_error::error, command_kind::cache_memlimit, noreply);
    }
    out->kind = command_kind::cache_memlimit;
    out->noreply = noreply;
    out->number = megabytes;
    return parse_status::complete;
  }
  // memcached commands Shoal does not implement; memcached handles them before
  // its HTTP check, so they never close the connection.
  if (name == "lru_crawler" || name == "lru" || name == "watch" || name == "extstore" ||
      name == "refresh_certs" || name == "slabs") {
    return unknown(out);
  }
  // An unknown command whose last token (of the first 23) starts with "HTTP/"
  // is an HTTP request sent to the wrong port: memcached closes silently.
  if (starts_with(t[n - 1], "HTTP/")) return parse_status::close;
  return unknown(out);
}

// Parses the line in[0, newline), `cur` positioned at its start. Sets
// *consumed only when the command takes more than the line (a storage
// command's value).
parse_status parse_line(std::string_view in, size_t newline, line_cursor& cur, command* out,
                        size_t* consumed, const line_context& ctx) {
  const std::string_view name = cur.next();
  if (name.size() < 2) return unknown(out);  // blank line, or no command is that short

  // The two commands that carry most traffic, before the general dispatch.
  if (name == "get") return parse_retrieval(cur, command_kind::get, out);
  token_list t;
  t.push(name);
  if (name == "set") {
    tokenize_rest(cur, t);
    return parse_storage(in, newline + 1, t, command_kind::set, out, consumed, ctx);
  }

  // memcached's first-letter branches: an unknown name there is plain ERROR.
  switch (name[0]) {
    case 'g':
      if (name == "gets") return parse_retrieval(cur, command_kind::gets, out);
      if (name == "gat") return parse_retrieval(cur, command_kind::gat, out);
      if (name == "gats") return parse_retrieval(cur, command_kind::gats, out);
      return unknown(out);
    case 's':
      if (name != "stats" && name != "shutdown") return unknown(out);
      break;
    case 'a':
      if (name == "add" || name == "append") {
        tokenize_rest(cur, t);
        return parse_storage(in, newline + 1, t,
                             name == "add" ? command_kind::add : command_kind::append, out,
                             consumed, ctx);
      }
      return unknown(out);
    case 'c':
      if (name == "cas") {
        tokenize_rest(cur, t);
        return parse_storage(in, newline + 1, t, command_kind::cas, out, consumed, ctx);
      }
      if (name != "cache_memlimit") return unknown(out);
      break;
    case 'i':
      if (name != "incr") return unknown(out);
      break;
    case 'd':
      if (name != "delete" && name != "decr") return unknown(out);
      break;
    case 't':
      if (name != "touch") return unknown(out);
      break;
    case 'm':
      // Meta commands (mg, ms, md, ma, mn, me) are not supported yet.
      if (name.size() == 2) return unknown(out);
      break;
    default:
      break;
  }
  if (name == "bget") return parse_retrieval(cur, command_kind::get, out);
  if (name == "replace" || name == "prepend") {
    tokenize_rest(cur, t);
    return parse_storage(in, newline + 1, t,
                         name == "replace" ? command_kind::replace : command_kind::prepend, out,
                         consumed, ctx);
  }
  tokenize_rest(cur, t);
  return parse_other(t, out);
}

}  // namespace

bool exempt_from_line_limit(std::string_view in) noexcept {
  size_t i = 0;
  while (i < in.size() && in[i] == ' ') ++i;
  if (i > 100) return false;
  std::string_view rest = in.substr(i);
  return starts_with(rest, "get ") || starts_with(rest, "gets ");
}

parse_status text_parser::find_line(std::string_view in, bool get_exempt, size_t* newline) {
  if (scanned_ > in.size()) scanned_ = 0;  // not the same input as last time
  const void* hit = nullptr;
  if (scanned_ < in.size()) hit = std::memchr(in.data() + scanned_, '\n', in.size() - scanned_);
  const size_t line_size =
      hit ? static_cast<size_t>(static_cast<const char*>(hit) - in.data()) : in.size();
  if (line_size > max_line_length &&
      (!get_exempt || line_size > max_get_line_ || !exempt_from_line_limit(in))) {
    scanned_ = 0;
    return parse_status::close;
  }
  if (!hit) {
    scanned_ = in.size();
    return parse_status::need_more;
  }
  scanned_ = 0;
  *newline = line_size;
  return parse_status::complete;
}

namespace {

constexpr uint32_t word4(const char (&s)[5]) noexcept {
  return static_cast<uint32_t>(static_cast<unsigned char>(s[0])) |
         static_cast<uint32_t>(static_cast<unsigned char>(s[1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[3])) << 24;
}

// The fast paths accept a line only when it ends right at `p` with "\r\n" or
// "\n", inside the input. Returns the index of that '\n', or 0 (never the
// answer for a line a fast path accepts) when the input does not show it.
inline size_t fast_line_end(std::string_view in, const char* p) noexcept {
  const char* const limit = in.data() + in.size();
  if (p < limit && *p == '\n') return static_cast<size_t>(p - in.data());
  if (p + 1 < limit && p[0] == '\r' && p[1] == '\n') return static_cast<size_t>(p + 1 - in.data());
  return 0;
}

}  // namespace

// "get <key> <key>...": keys of bytes above ' ' separated by spaces, then the
// line end within 2,048 bytes; anything else goes to the general path.
[[gnu::noinline]] parse_status text_parser::parse_multi_get(std::string_view in, size_t* consumed,
                                                            command* out) {
  const char* const limit = in.data() + in.size();
  const line_cursor cur{in.data(), limit, limit};
  out->reset();
  const char* p = in.data() + 4;
  for (;;) {
    const char* const q = cur.scan_to_low_byte(p);
    const auto size = static_cast<size_t>(q - p);
    if (size == 0 || size > max_key_length) break;
    out->keys.emplace_back(p, size);
    if (q < limit && *q == ' ') {
      p = q + 1;
      continue;
    }
    const size_t newline = fast_line_end(in, q);
    if (newline == 0 || newline > max_line_length) break;
    out->kind = command_kind::get;
    *consumed = newline + 1;
    return parse_status::complete;
  }
  return parse_general(in, consumed, out);
}

// "set <key> <flags> <exptime> <bytes>[ noreply]\r\n" with single spaces and
// plain non-negative numbers of up to 9 digits; anything else goes to the
// general path.
[[gnu::noinline]] parse_status text_parser::parse_set(std::string_view in, size_t* consumed,
                                                      command* out) {
  const char* const limit = in.data() + in.size();
  const char* const key = in.data() + 4;
  const line_cursor cur{key, limit, limit};
  const char* q = cur.scan_to_low_byte(key);
  const auto key_size = static_cast<size_t>(q - key);
  uint32_t flags, exptime, bytes;
  if (!(q < limit && *q == ' ' && key_size > 0 && key_size <= max_key_length &&
        plain_digits(++q, limit, &flags) && q < limit && *q == ' ' &&
        plain_digits(++q, limit, &exptime) && q < limit && *q == ' ' &&
        plain_digits(++q, limit, &bytes))) {
    return parse_general(in, consumed, out);
  }
  bool noreply = false;
  if (limit - q >= 8 && std::memcmp(q, " noreply", 8) == 0) {
    noreply = true;
    q += 8;
  }
  const size_t newline = fast_line_end(in, q);
  if (newline == 0) return parse_general(in, consumed, out);
  out->reset();
  const parse_status status = finish_storage(
      in, newline + 1, command_kind::set, {key, key_size}, flags, static_cast<int32_t>(exptime),
      bytes, 0, noreply, out, consumed, line_context{max_item_size_, &needed_});
  if (status == parse_status::complete && *consumed == 0) *consumed = newline + 1;
  return status;
}

parse_status text_parser::parse(std::string_view in, size_t* consumed, command* out) {
  *consumed = 0;
  needed_ = 0;
  // Fast paths for the two requests that carry most traffic, in their plain
  // form, on a fresh line. They find the line end themselves (no memchr);
  // anything unusual falls through to the general path, which gives the same
  // result for what they accept.
  if (fast_paths_ && scanned_ == 0 && in.size() > 6) {
    uint32_t head;
    std::memcpy(&head, in.data(), sizeof head);
    if (head == word4("get ")) {
      // One key of bytes above ' ', then the line end.
      const char* const limit = in.data() + in.size();
      const char* const key = in.data() + 4;
      const line_cursor cur{key, limit, limit};
      const char* const key_end = cur.scan_to_low_byte(key);
      const auto key_size = static_cast<size_t>(key_end - key);
      const size_t newline = fast_line_end(in, key_end);
      // The key goes into keys[0] by erase + assign, which never allocates
      // (so this path makes no call); a command whose `keys` has never held
      // a key takes the general path once.
      std::vector<std::string_view>& keys = out->keys;
      if (key_end < limit && *key_end == ' ') return parse_multi_get(in, consumed, out);
      if (newline != 0 && key_size > 0 && key_size <= max_key_length && !keys.empty()) {
        out->reset_fields();
        out->kind = command_kind::get;
        keys.erase(keys.begin() + 1, keys.end());
        keys[0] = {key, key_size};
        *consumed = newline + 1;
        return parse_status::complete;
      }
    } else if (head == word4("set ")) {
      return parse_set(in, consumed, out);
    }
  }
  return parse_general(in, consumed, out);
}

// Every line the fast paths do not take: partial lines, lines resumed after
// need_more, lines over 2,048 bytes, and every other command.
[[gnu::noinline]] parse_status text_parser::parse_general(std::string_view in, size_t* consumed,
                                                          command* out) {
  size_t newline;
  const parse_status status = find_line(in, /*get_exempt=*/true, &newline);
  if (status != parse_status::complete) return status;
  out->reset();
  const char* const line = in.data();
  line_cursor cur{line, line + newline, line + newline + 1};
  if (newline > 1 && cur.end[-1] == '\r') --cur.end;
  const parse_status result =
      parse_line(in, newline, cur, out, consumed, line_context{max_item_size_, &needed_});
  if (result == parse_status::complete && *consumed == 0) *consumed = newline + 1;
  return result;
}

parse_status text_parser::parse_unauthenticated(std::string_view in, size_t* consumed,
                                                command* out) {
  *consumed = 0;
  needed_ = 0;
  if (in.size() < 2) return parse_status::need_more;  // memcached waits for 2 bytes
  size_t newline;
  parse_status status = find_line(in, /*get_exempt=*/false, &newline);
  if (status != parse_status::complete) return status;
  out->reset();
  const size_t line_size = newline + 1;

  // memcached tokenizes this line without dropping the '\r': "12\r" still
  // reads as 12 because a number may be followed by whitespace.
  const char* const line = in.data();
  line_cursor cur{line, line + newline, line + newline + 1};
  token_list t;
  tokenize_rest(cur, t);
  uint32_t size;
  if (t.count < 5 || t[0] != "set" || !parse_u32(t[4], &size)) {
    *consumed = line_size;
    return fail(out, client_error::unauthenticated, command_kind::auth);
  }
  if (size > max_auth_payload) return parse_status::close;
  const size_t total = line_size + size + 2;
  if (in.size() < total) {
    needed_ = total;
    return parse_status::need_more;
  }
  *consumed = total;
  const char* data = in.data() + line_size;
  if (data[size] != '\r' || data[size + 1] != '\n') {
    return fail(out, client_error::bad_command_termination, command_kind::auth);
  }
  // The payload is NUL-terminated at its "\r\n" and tokenized like a line.
  line_cursor payload_cursor{data, data + size, data + size + 2};
  token_list payload;
  tokenize_rest(payload_cursor, payload);
  if (payload.count < 2) return fail(out, client_error::bad_auth_token_format, command_kind::auth);
  out->kind = command_kind::auth;
  out->args[0] = payload[0];
  out->args[1] = payload[1];
  out->arg_count = 2;
  return parse_status::complete;
}

}  // namespace shoal::protocol
