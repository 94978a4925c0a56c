// libFuzzer target for the text-protocol layer (src/protocol). Each input is
// raw client bytes. Invariants checked, beyond "no crash, no sanitizer
// report":
//   * the parser never consumes more than it was given, consumes nothing on
//     need_more/close, and always makes progress on complete (checked inside
//     parser_harness on every call);
//   * the parser's fast paths (plain get/set lines) and its general route
//     agree;
//   * the input parsed in one read, split in two and in three at points
//     derived from the input, and (for inputs up to 160 bytes) fed one byte
//     at a time, gives the same commands;
//   * every complete command is well-formed: keys of 1..250 bytes without a
//     space, values inside the input and no larger than -I allows;
//   * the same bytes through -Y (unauthenticated) parsing, and with a tiny
//     -I so that too-large stores and swallows are exercised;
//   * UDP: a datagram's payload is its tail, and a reply split into frames
//     reassembles to itself with correct headers.
// Built with clang++ -fsanitize=fuzzer,address,undefined by run_fuzz.sh; also
// compiled by the normal build into a replay binary for the seed corpus.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "base/item_limits.h"
#include "protocol/command.h"
#include "protocol/parser_harness.h"
#include "protocol/response_writer.h"
#include "protocol/text_parser.h"
#include "protocol/udp_frame.h"

namespace {

using namespace shoal;
using namespace shoal::protocol;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    std::abort();
  }
}

uint64_t mix(std::string_view s) {
  uint64_t h = 0x9e3779b97f4a7c15u ^ s.size();
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3u;
  return h ^ (h >> 29);
}

std::vector<std::string> run(std::string_view in, const std::vector<size_t>& cuts,
                             size_t max_item_size, bool authenticated, bool fast_paths = true) {
  parser_harness h(max_item_size, authenticated, fast_paths);
  size_t at = 0;
  for (size_t cut : cuts) {
    h.feed(in.substr(at, cut - at));
    at = cut;
  }
  h.feed(in.substr(at));
  return h.events();
}

void check_splits(std::string_view in, size_t max_item_size, bool authenticated,
                  bool byte_at_a_time) {
  const std::vector<std::string> whole = run(in, {}, max_item_size, authenticated);
  const uint64_t h = mix(in);
  const size_t n = in.size();
  const size_t a = static_cast<size_t>(h % (n + 1));
  const size_t b = static_cast<size_t>((h >> 21) % (n + 1));
  require(run(in, {}, max_item_size, authenticated, /*fast_paths=*/false) == whole,
          "fast paths and general route differ");
  require(run(in, {a}, max_item_size, authenticated) == whole, "split in two differs");
  require(run(in, {std::min(a, b), std::max(a, b)}, max_item_size, authenticated) == whole,
          "split in three differs");
  if (byte_at_a_time && n <= 160) {
    std::vector<size_t> every;
    for (size_t i = 1; i < n; ++i) every.push_back(i);
    require(run(in, every, max_item_size, authenticated) == whole, "byte at a time differs");
  }
}

// Walks the commands of `in` as a connection would and checks each one.
void check_commands(std::string_view in, size_t max_item_size) {
  text_parser parser(max_item_size);
  command cmd;
  const char* const lo = in.data();
  const char* const hi = in.data() + in.size();
  auto inside = [&](std::string_view v) {
    return v.empty() || (v.data() >= lo && v.data() + v.size() <= hi);
  };
  std::string out;
  while (!in.empty()) {
    size_t used = 0;
    if (parser.parse(in, &used, &cmd) != parse_status::complete) return;
    require(used > 0 && used <= in.size(), "consumed out of range");
    if (is_retrieval(cmd.kind)) {
      require(cmd.kind == command_kind::gat || cmd.kind == command_kind::gats || !cmd.keys.empty(),
              "get without keys");
      for (std::string_view k : cmd.keys) {
        require(!k.empty() && k.size() <= max_key_length, "bad key length");
        require(k.find(' ') == std::string_view::npos, "space in key");
        require(inside(k), "key outside the input");
      }
    } else if (is_storage(cmd.kind)) {
      require(!cmd.key.empty() && cmd.key.size() <= max_key_length, "bad storage key");
      require(inside(cmd.key) && inside(cmd.value), "storage view outside the input");
      if (cmd.too_large) {
        require(cmd.value.empty() && cmd.swallow >= 2, "too_large with a value");
        require(!item_size_ok(cmd.key.size(), cmd.swallow - 2, max_item_size),
                "too_large but it fits");
      } else {
        require(item_size_ok(cmd.key.size(), cmd.value.size(), max_item_size),
                "value larger than -I");
        require(cmd.value.data() + cmd.value.size() + 2 <= in.data() + used, "value past consumed");
        // The reply writer must frame any stored value by its length.
        out.clear();
        write_value(out, cmd.key, cmd.flags, cmd.value, cmd.cas_unique);
        require(out.size() > cmd.value.size() + cmd.key.size() + 8, "VALUE block too short");
        require(out.compare(out.size() - cmd.value.size() - 2, cmd.value.size(), cmd.value) == 0,
                "VALUE block data differs");
      }
    } else if (cmd.kind == command_kind::client_error) {
      require(cmd.error != client_error::none && !error_text(cmd.error).empty(),
              "client_error without a text");
    } else if (cmd.kind == command_kind::delete_ || cmd.kind == command_kind::incr ||
               cmd.kind == command_kind::decr || cmd.kind == command_kind::touch) {
      require(!cmd.key.empty() && cmd.key.size() <= max_key_length && inside(cmd.key),
              "bad single key");
    }
    in.remove_prefix(cmd.too_large ? std::min<uint64_t>(in.size(), used + cmd.swallow) : used);
  }
}

void check_udp(std::string_view in) {
  const udp_request r = parse_udp_request(in);
  if (r.status == udp_request_status::ok) {
    require(in.size() > udp_header_size && r.payload == in.substr(udp_header_size),
            "udp payload is not the datagram's tail");
  }
  const uint16_t id = static_cast<uint16_t>(mix(in));
  udp_reply_frames frames(id, in);
  require(frames.fits(), "small reply does not fit");
  std::string joined;
  for (size_t i = 0; i < frames.count(); ++i) {
    const udp_header_bytes hb = frames.header(i);
    const udp_header h = decode_udp_header(std::string_view(hb.data(), hb.size()));
    require(h.request_id == id && h.sequence == i && h.total == frames.count() && h.reserved == 0,
            "udp header fields");
    require(!frames.payload(i).empty() && frames.payload(i).size() <= udp_max_payload,
            "udp payload size");
    joined += frames.payload(i);
  }
  require(joined == in, "udp frames do not reassemble");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  check_splits(in, default_max_item_size, /*authenticated=*/true, /*byte_at_a_time=*/true);
  check_splits(in, min_max_item_size, /*authenticated=*/true, /*byte_at_a_time=*/false);
  check_splits(in, default_max_item_size, /*authenticated=*/false, /*byte_at_a_time=*/false);
  check_commands(in, default_max_item_size);
  check_commands(in, min_max_item_size);
  check_udp(in);
  return 0;
}
