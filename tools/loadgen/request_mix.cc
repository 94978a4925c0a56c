// The per-request choices, kept cheap: one random number for get-or-set, one
// per key, one for a set's size when sizes vary. The ownership test for
// several servers formats and hashes the key (tens of nanoseconds); with one
// server it is skipped.
#include "loadgen/request_mix.h"

#include <array>

#include "base/hash.h"
#include "base/item_limits.h"

namespace shoal::loadgen {

unsigned server_of_key(uint64_t index, unsigned key_size, unsigned servers) noexcept {
  if (servers <= 1) return 0;
  std::array<char, max_key_length> key;
  format_key(index, key_size, key.data());
  return shard_of_hash(hash_key(std::string_view(key.data(), key_size)), servers);
}

request_mix::request_mix(const workload_config& config, unsigned server, uint64_t seed,
                         uint64_t sequential_start)
    : config_(config),
      server_(server),
      server_count_(static_cast<unsigned>(config.servers.size())),
      keys_(config.pattern, config.key_space, config.zipf_skew, seed, sequential_start),
      batch_keys_(config.multiget) {}

uint64_t request_mix::next_key() noexcept {
  for (;;) {
    const uint64_t key = keys_.next();
    if (server_count_ <= 1 || server_of_key(key, config_.key_size, server_count_) == server_) {
      return key;
    }
  }
}

unsigned request_mix::next_value_size() noexcept {
  if (config_.value_min == config_.value_max) return config_.value_min;
  return config_.value_min +
         static_cast<unsigned>(keys_.rng().below(config_.value_max - config_.value_min + 1ULL));
}

pending_request request_mix::append_next(const request_encoder& encoder, output_buffer& out) {
  const bool is_get =
      config_.set_weight == 0 ||
      (config_.get_weight != 0 &&
       keys_.rng().below(config_.get_weight + config_.set_weight) < config_.get_weight);
  if (is_get) {
    for (uint64_t& key : batch_keys_) key = next_key();
    encoder.append_get(out, batch_keys_);
    return pending_request{0, config_.multiget, request_kind::get};
  }
  encoder.append_set(out, next_key(), next_value_size());
  return pending_request{0, 1, request_kind::set};
}

void request_mix::append_set(const request_encoder& encoder, output_buffer& out, uint64_t index) {
  encoder.append_set(out, index, next_value_size());
}

}  // namespace shoal::loadgen
