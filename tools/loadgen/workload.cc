// Validation and the small value parsers of the workload. Limits come from
// the protocol (keys of at most 250 bytes, see base/item_limits.h) and from
// what the generator can spell (every key index must fit the key size). A
// request count smaller than the number of connections is allowed: the
// connections without a share stay idle.
#include "loadgen/workload.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "base/item_limits.h"

namespace shoal::loadgen {
namespace {

std::optional<uint64_t> parse_unsigned(std::string_view text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

std::optional<double> parse_double(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const std::string copy(text);
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::pair<unsigned, unsigned>> parse_size_range(std::string_view text) {
  const size_t dash = text.find('-');
  const auto lo = parse_unsigned(text.substr(0, dash));
  const auto hi = dash == std::string_view::npos ? lo : parse_unsigned(text.substr(dash + 1));
  if (!lo || !hi || *lo > *hi || *hi > UINT32_MAX) return std::nullopt;
  return std::pair{static_cast<unsigned>(*lo), static_cast<unsigned>(*hi)};
}

std::optional<std::pair<unsigned, unsigned>> parse_ratio(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto gets = parse_unsigned(text.substr(0, colon));
  const auto sets = parse_unsigned(text.substr(colon + 1));
  if (!gets || !sets || *gets > 1'000'000 || *sets > 1'000'000 || *gets + *sets == 0) {
    return std::nullopt;
  }
  return std::pair{static_cast<unsigned>(*gets), static_cast<unsigned>(*sets)};
}

std::optional<double> parse_duration(std::string_view text) {
  double scale = 1.0;
  if (text.ends_with("ms")) {
    scale = 1e-3;
    text.remove_suffix(2);
  } else if (text.ends_with("s")) {
    text.remove_suffix(1);
  } else if (text.ends_with("m")) {
    scale = 60.0;
    text.remove_suffix(1);
  }
  const auto value = parse_double(text);
  if (!value || *value < 0) return std::nullopt;
  return *value * scale;
}

std::optional<double> parse_quantity(std::string_view text) {
  double scale = 1.0;
  if (!text.empty()) {
    switch (text.back()) {
      case 'k':
      case 'K':
        scale = 1e3;
        break;
      case 'M':
        scale = 1e6;
        break;
      case 'G':
        scale = 1e9;
        break;
      default:
        break;
    }
    if (scale != 1.0) text.remove_suffix(1);
  }
  const auto value = parse_double(text);
  if (!value || *value < 0) return std::nullopt;
  return *value * scale;
}

bool is_host_port(std::string_view text) {
  if (text.starts_with('/') || (text.starts_with("unix:") && text.size() > 5)) return true;
  size_t colon;
  if (text.starts_with('[')) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return false;
    }
    colon = close + 1;
  } else {
    colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return false;
  }
  const auto port = parse_unsigned(text.substr(colon + 1));
  return port && *port >= 1 && *port <= 65535;
}

std::optional<std::string> validate(const workload_config& c) {
  if (c.servers.empty()) return "at least one --server is needed";
  for (const std::string& s : c.servers) {
    if (!is_host_port(s))
      return "--server must be host:port, [v6]:port or a unix path, not '" + s + "'";
  }
  if (c.threads < 1 || c.threads > 256) return "--threads must be in 1..256";
  if (c.connections < 1 || c.connections > 100'000) return "--connections must be in 1..100000";
  if (c.depth < 1 || c.depth > 4096) return "--depth must be in 1..4096";
  if (c.get_weight + c.set_weight == 0) return "--ratio needs a non-zero weight";
  if (c.multiget < 1 || c.multiget > 1000) return "--multiget must be in 1..1000";
  if (c.key_space < 1) return "--key-space must be at least 1";
  if (c.key_size > max_key_length) return "--key-size must be at most 250 (memcached's limit)";
  if (c.key_size < min_key_size(c.key_space)) {
    return "--key-size " + std::to_string(c.key_size) + " cannot spell " +
           std::to_string(c.key_space) + " keys: it must be at least " +
           std::to_string(min_key_size(c.key_space));
  }
  if (c.pattern == key_pattern::zipf && !(c.zipf_skew >= 0.0 && c.zipf_skew <= 20.0)) {
    return "--zipf-skew must be in 0..20";
  }
  if (c.value_min > c.value_max) return "--value-size range must be MIN-MAX with MIN <= MAX";
  if (c.value_max > 64u * 1024 * 1024) return "--value-size must be at most 64 MiB";
  if (c.requests == 0 && !(c.duration_s > 0.0)) return "--duration must be positive";
  if (c.rate < 0.0) return "--rate must be positive";
  if (c.reactor_backend != "auto" && c.reactor_backend != "epoll" &&
      c.reactor_backend != "io_uring") {
    return "--reactor-backend must be auto, epoll or io_uring";
  }
  return std::nullopt;
}

}  // namespace shoal::loadgen
