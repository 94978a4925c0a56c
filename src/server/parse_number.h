// Strict number parsing for command-line values. memcached reads most values
// with atoi(), so "-p abc" silently means port 0 and "-t 2abc" means 2; Shoal
// accepts only the whole text as a number and refuses the rest (the divergence
// is listed in docs/protocol.md#command-line). Internal to the config parser.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace shoal::server::detail {

// A decimal integer made of digits only (no sign, space or suffix), <= max.
inline std::optional<uint64_t> parse_decimal(std::string_view text, uint64_t max) {
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

// A decimal integer with an optional leading '-', in the int64 range.
inline std::optional<int64_t> parse_signed(std::string_view text) {
  if (text.empty()) return std::nullopt;
  size_t digits_at = text.front() == '-' ? 1 : 0;
  if (digits_at >= text.size() || text[digits_at] < '0' || text[digits_at] > '9') {
    return std::nullopt;
  }
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// An octal integer (digits 0-7 only), <= max.
inline std::optional<uint64_t> parse_octal(std::string_view text, uint64_t max) {
  if (text.empty() || text.front() < '0' || text.front() > '7') return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 8);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

// A finite decimal real ("1.25", "2", "1e3"); no leading space or sign other
// than '-'.
inline std::optional<double> parse_real(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::general);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value != value || value > 1e300 || value < -1e300) return std::nullopt;
  return value;
}

// -I's syntax: a byte count, or a count of KiB or MiB with a k/K or m/M
// suffix ("1m", "512k", "2097152"). memcached accepts the same suffixes.
inline std::optional<uint64_t> parse_size(std::string_view text) {
  uint64_t unit = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'k':
      case 'K':
        unit = 1024;
        break;
      case 'm':
      case 'M':
        unit = 1024 * 1024;
        break;
      default:
        break;
    }
  }
  if (unit != 1) text.remove_suffix(1);
  // Bounded so that the multiplication cannot overflow.
  auto count = parse_decimal(text, UINT64_MAX / (1024 * 1024));
  if (!count) return std::nullopt;
  return *count * unit;
}

}  // namespace shoal::server::detail
