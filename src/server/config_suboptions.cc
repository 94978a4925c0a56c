// The -o sub-options. memcached 1.6.18 knows about sixty; Shoal acts on
// idle_timeout and accepts the rest so that existing command lines keep
// working: each is validated as memcached validates it (same refusals, same
// messages, exit status 1), then ignored with a one-line warning saying why.
// An unknown name is refused with memcached's "Illegal suboption" message.
//
// Values are parsed strictly (memcached's atoi() reads "abc" as 0): where
// memcached would accept garbage, Shoal refuses it with
// "could not parse argument to <name>", memcached's own wording for the
// options it does parse strictly. See docs/protocol.md#command-line.
#include <algorithm>
#include <array>
#include <cstdint>

#include "server/config_internal.h"
#include "server/parse_number.h"

namespace shoal::server::detail {
namespace {

using check_fn = std::optional<std::string> (*)(std::string_view name, std::string_view value,
                                                config* cfg, extended_state* state);

enum class takes : uint8_t { nothing, optional_value, value };

struct suboption {
  std::string_view name;
  takes value;
  check_fn check;            // nullptr: the value (if any) is not checked
  std::string_view ignored;  // why Shoal ignores it; empty: acted on or a no-op
  std::string_view
      missing;  // message when a needed value is absent; empty: "Missing <name> argument"
};

std::string unparsable(std::string_view name) {
  return "could not parse argument to " + std::string(name);
}

std::optional<std::string> check_idle_timeout(std::string_view name, std::string_view value,
                                              config* cfg, extended_state*) {
  auto seconds = parse_decimal(value, UINT32_MAX);
  if (!seconds) return unparsable(name);
  cfg->net.idle_timeout_seconds = static_cast<uint32_t>(*seconds);
  return std::nullopt;
}

std::optional<std::string> check_u32(std::string_view name, std::string_view value, config*,
                                     extended_state*) {
  if (!parse_decimal(value, UINT32_MAX)) return unparsable(name);
  return std::nullopt;
}

std::optional<std::string> check_int(std::string_view name, std::string_view value, config*,
                                     extended_state*) {
  auto number = parse_signed(value);
  if (!number || *number < INT32_MIN || *number > INT32_MAX) return unparsable(name);
  return std::nullopt;
}

std::optional<std::string> check_real(std::string_view name, std::string_view value, config*,
                                      extended_state*) {
  if (!parse_real(value)) return unparsable(name);
  return std::nullopt;
}

std::optional<std::string> check_positive_real(std::string_view name, std::string_view value,
                                               config*, extended_state*) {
  auto number = parse_real(value);
  if (!number) return unparsable(name);
  if (*number <= 0) return std::string(name) + " must be > 0";
  return std::nullopt;
}

std::optional<std::string> check_hashpower(std::string_view name, std::string_view value, config*,
                                           extended_state*) {
  auto power = parse_signed(value);
  if (!power) return unparsable(name);
  if (*power < 12) {
    return "Initial hashtable multiplier of " + std::to_string(*power) + " is too low";
  }
  if (*power > 32) {
    return "Initial hashtable multiplier of " + std::to_string(*power) +
           " is too high\nChoose a value based on \"STAT hash_power_level\" from a running "
           "instance";
  }
  return std::nullopt;
}

std::optional<std::string> check_slab_automove(std::string_view name, std::string_view value,
                                               config*, extended_state*) {
  if (value.empty()) return std::nullopt;  // "slab_automove" alone means 1
  auto mode = parse_signed(value);
  if (!mode) return unparsable(name);
  if (*mode < 0 || *mode > 2) return "slab_automove must be between 0 and 2";
  return std::nullopt;
}

std::optional<std::string> check_automove_ratio(std::string_view name, std::string_view value,
                                                config*, extended_state*) {
  auto ratio = parse_real(value);
  if (!ratio) return unparsable(name);
  if (*ratio <= 0 || *ratio > 1) return "slab_automove_ratio must be > 0 and < 1";
  return std::nullopt;
}

std::optional<std::string> check_automove_window(std::string_view name, std::string_view value,
                                                 config*, extended_state*) {
  auto window = parse_signed(value);
  if (!window) return unparsable(name);
  if (*window < 3) return "slab_automove_window must be > 2";
  return std::nullopt;
}

std::optional<std::string> check_tail_repair(std::string_view name, std::string_view value, config*,
                                             extended_state*) {
  auto seconds = parse_signed(value);
  if (!seconds) return unparsable(name);
  if (*seconds < 10) return "Cannot set tail_repair_time to less than 10 seconds";
  return std::nullopt;
}

std::optional<std::string> check_hash_algorithm(std::string_view, std::string_view value, config*,
                                                extended_state*) {
  if (value == "jenkins" || value == "murmur3" || value == "xxh3") return std::nullopt;
  return "Unknown hash_algorithm option (jenkins, murmur3, xxh3)";
}

std::optional<std::string> check_crawler_sleep(std::string_view name, std::string_view value,
                                               config*, extended_state*) {
  auto micros = parse_signed(value);
  if (!micros) return unparsable(name);
  if (*micros < 0 || *micros > 1000000) return "LRU crawler sleep must be between 0 and 1 second";
  return std::nullopt;
}

std::optional<std::string> check_tocrawl(std::string_view, std::string_view value, config*,
                                         extended_state*) {
  if (!parse_decimal(value, UINT32_MAX)) return "lru_crawler_tocrawl takes a numeric 32bit value";
  return std::nullopt;
}

std::optional<std::string> check_lru_pct(std::string_view name, std::string_view value, config*,
                                         extended_state* state) {
  auto pct = parse_signed(value);
  if (!pct) return unparsable(name);
  if (*pct < 1 || *pct >= 80) return std::string(name) + " must be > 1 and < 80";
  (name == "hot_lru_pct" ? state->hot_lru_pct : state->warm_lru_pct) = static_cast<int>(*pct);
  return std::nullopt;
}

std::optional<std::string> check_ext_path(std::string_view, std::string_view value, config*,
                                          extended_state*) {
  // "path:size", size a number with an M, G, T or P suffix.
  size_t colon = value.rfind(':');
  std::string_view size = colon == std::string_view::npos ? "" : value.substr(colon + 1);
  bool ok = size.size() >= 2 && std::string_view("mMgGtTpP").find(size.back()) != size.npos &&
            parse_decimal(size.substr(0, size.size() - 1), UINT32_MAX).has_value();
  if (!ok) {
    return "must supply size to ext_path, ie: ext_path=/f/e:64m (M|G|T|P supported)\n"
           "failed to parse ext_path argument";
  }
  return std::nullopt;
}

std::optional<std::string> check_ssl_choice(std::string_view name, std::string_view value, config*,
                                            extended_state*) {
  auto choice = parse_signed(value);
  if (!choice) return unparsable(name);
  if (*choice < 0 || *choice > 3) {
    return "Invalid " + std::string(name) + ". Use help to see valid options.";
  }
  return std::nullopt;
}

constexpr std::string_view no_slabs = "shoal has no slab classes";
constexpr std::string_view no_lru_threads = "shoal's LRU has no segments and no background threads";
constexpr std::string_view own_hash = "shoal's hash index and hash function are its own";
constexpr std::string_view no_logger = "shoal has no watch/logger threads";
constexpr std::string_view no_buffer_limit = "connection buffers are not limited by this option";
constexpr std::string_view no_extstore = "shoal has no external storage (extstore)";
constexpr std::string_view no_tls = "shoal does not speak TLS";
constexpr std::string_view no_sandbox = "shoal has no privilege sandbox";
constexpr std::string_view no_legacy_mode = "shoal has no legacy (1.4) mode";

constexpr std::array suboptions = {
    // Acted on.
    suboption{"idle_timeout", takes::value, check_idle_timeout, "",
              "Missing numeric argument for idle_timeout"},
    // No-ops in Shoal as in memcached: accepted silently.
    suboption{"maxconns_fast", takes::nothing, nullptr, "", ""},
    suboption{"modern", takes::nothing, nullptr, "", ""},
    suboption{"relaxed_privileges", takes::nothing, nullptr, "", ""},
    // Validated, then ignored with a warning.
    suboption{"no_maxconns_fast", takes::nothing, nullptr,
              "past -c a new connection is always told and closed", ""},
    suboption{"hashpower", takes::value, check_hashpower, own_hash,
              "Missing numeric argument for hashpower"},
    suboption{"no_hashexpand", takes::nothing, nullptr, own_hash, ""},
    suboption{"hash_algorithm", takes::value, check_hash_algorithm, own_hash, ""},
    suboption{"slab_reassign", takes::nothing, nullptr, no_slabs, ""},
    suboption{"no_slab_reassign", takes::nothing, nullptr, no_slabs, ""},
    suboption{"slab_automove", takes::optional_value, check_slab_automove, no_slabs, ""},
    suboption{"no_slab_automove", takes::nothing, nullptr, no_slabs, ""},
    suboption{"slab_automove_ratio", takes::value, check_automove_ratio, no_slabs, ""},
    suboption{"slab_automove_window", takes::value, check_automove_window, no_slabs, ""},
    suboption{"slab_automove_freeratio", takes::value, check_real, no_slabs, ""},
    suboption{"slab_chunk_max", takes::value, check_u32, no_slabs, ""},
    suboption{"slab_sizes", takes::value, nullptr, no_slabs, ""},
    suboption{"no_chunked_items", takes::nothing, nullptr, no_slabs, ""},
    suboption{"tail_repair_time", takes::value, check_tail_repair, no_lru_threads,
              "Missing numeric argument for tail_repair_time"},
    suboption{"lru_crawler", takes::nothing, nullptr, no_lru_threads, ""},
    suboption{"no_lru_crawler", takes::nothing, nullptr, no_lru_threads, ""},
    suboption{"lru_crawler_sleep", takes::value, check_crawler_sleep, no_lru_threads,
              "Missing lru_crawler_sleep value"},
    suboption{"lru_crawler_tocrawl", takes::value, check_tocrawl, no_lru_threads,
              "Missing lru_crawler_tocrawl value"},
    suboption{"lru_maintainer", takes::nothing, nullptr, no_lru_threads, ""},
    suboption{"no_lru_maintainer", takes::nothing, nullptr, no_lru_threads, ""},
    suboption{"hot_lru_pct", takes::value, check_lru_pct, no_lru_threads, ""},
    suboption{"warm_lru_pct", takes::value, check_lru_pct, no_lru_threads, ""},
    suboption{"hot_max_factor", takes::value, check_positive_real, no_lru_threads, ""},
    suboption{"warm_max_factor", takes::value, check_positive_real, no_lru_threads, ""},
    suboption{"temporary_ttl", takes::value, check_int, no_lru_threads, ""},
    suboption{"watcher_logbuf_size", takes::value, check_u32, no_logger, ""},
    suboption{"worker_logbuf_size", takes::value, check_u32, no_logger, ""},
    suboption{"read_buf_mem_limit", takes::value, check_u32, no_buffer_limit, ""},
    suboption{"resp_obj_mem_limit", takes::nothing, nullptr,
              "deprecated in memcached too (see read_buf_mem_limit)", ""},
    suboption{"track_sizes", takes::nothing, nullptr, "shoal does not track item sizes", ""},
    suboption{"no_inline_ascii_resp", takes::nothing, nullptr, no_legacy_mode, ""},
    suboption{"no_modern", takes::nothing, nullptr, no_legacy_mode, ""},
    suboption{"drop_privileges", takes::nothing, nullptr, no_sandbox, ""},
    suboption{"no_drop_privileges", takes::nothing, nullptr, no_sandbox, ""},
    suboption{"sock_cookie_id", takes::value, nullptr, "sockets are not tagged", ""},
    suboption{"ext_path", takes::value, check_ext_path, no_extstore,
              "missing argument to ext_path, ie: ext_path=/d/file:5G"},
    suboption{"ext_page_size", takes::value, check_u32, no_extstore, ""},
    suboption{"ext_wbuf_size", takes::value, check_u32, no_extstore, ""},
    suboption{"ext_threads", takes::value, check_u32, no_extstore, ""},
    suboption{"ext_io_depth", takes::value, check_u32, no_extstore, ""},
    suboption{"ext_item_size", takes::value, check_u32, no_extstore, ""},
    suboption{"ext_item_age", takes::value, check_u32, no_extstore, ""},
    suboption{"ext_low_ttl", takes::value, check_u32, no_extstore, ""},
    suboption{"ext_recache_rate", takes::value, check_u32, no_extstore, ""},
    suboption{"ext_compact_under", takes::value, check_u32, no_extstore, ""},
    suboption{"ext_drop_under", takes::value, check_u32, no_extstore, ""},
    suboption{"ext_max_sleep", takes::value, check_u32, no_extstore, ""},
    suboption{"ext_max_frag", takes::value, check_real, no_extstore, ""},
    suboption{"ext_drop_unread", takes::nothing, nullptr, no_extstore, ""},
    suboption{"ssl_chain_cert", takes::value, nullptr, no_tls, ""},
    suboption{"ssl_key", takes::value, nullptr, no_tls, ""},
    suboption{"ssl_verify_mode", takes::value, check_ssl_choice, no_tls, ""},
    suboption{"ssl_keyformat", takes::value, check_int, no_tls, ""},
    suboption{"ssl_ciphers", takes::value, nullptr, no_tls, ""},
    suboption{"ssl_ca_cert", takes::value, nullptr, no_tls, ""},
    suboption{"ssl_wbuf_size", takes::value, check_u32, no_tls, ""},
    suboption{"ssl_session_cache", takes::nothing, nullptr, no_tls, ""},
    suboption{"ssl_kernel_tls", takes::nothing, nullptr, no_tls, ""},
    suboption{"ssl_min_version", takes::value, check_ssl_choice, no_tls, ""},
};

const suboption* find_suboption(std::string_view name) {
  auto found = std::find_if(suboptions.begin(), suboptions.end(),
                            [&](const suboption& s) { return s.name == name; });
  return found == suboptions.end() ? nullptr : &*found;
}

std::optional<startup_error> apply_one(std::string_view token, config* cfg, extended_state* state,
                                       std::vector<std::string>* warnings) {
  size_t equals = token.find('=');
  std::string_view name = token.substr(0, equals);
  bool has_value = equals != std::string_view::npos;
  std::string_view value = has_value ? token.substr(equals + 1) : std::string_view();

  const suboption* known = find_suboption(name);
  if (known == nullptr) {
    return startup_error{exit_failure, "Illegal suboption \"" + std::string(token) + "\""};
  }
  if (known->value == takes::value && !has_value) {
    std::string missing = known->missing.empty() ? "Missing " + std::string(name) + " argument"
                                                 : std::string(known->missing);
    return startup_error{exit_failure, std::move(missing)};
  }
  if (known->check != nullptr && known->value != takes::nothing) {
    if (auto why = known->check(name, value, cfg, state)) {
      return startup_error{exit_failure, std::move(*why)};
    }
  }
  if (!known->ignored.empty()) {
    std::string warning =
        "shoal: ignoring -o " + std::string(name) + ": " + std::string(known->ignored);
    if (std::find(warnings->begin(), warnings->end(), warning) == warnings->end()) {
      warnings->push_back(std::move(warning));
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<startup_error> apply_extended_options(std::string_view argument, config* cfg,
                                                    extended_state* state,
                                                    std::vector<std::string>* warnings) {
  // getsubopt() semantics: split at commas; a trailing comma ends the list,
  // but an empty token before another one is an (empty) illegal name.
  while (!argument.empty()) {
    size_t comma = argument.find(',');
    std::string_view token = argument.substr(0, comma);
    argument = comma == std::string_view::npos ? "" : argument.substr(comma + 1);
    if (auto error = apply_one(token, cfg, state, warnings)) return error;
  }
  return std::nullopt;
}

}  // namespace shoal::server::detail
