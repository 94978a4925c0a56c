// The two versions the server reports. Clients and harnesses gate features on
// the memcached version they think they talk to, so that one comes first
// wherever a version is printed (see docs/decisions/0402-version-text.md).
#pragma once

#include <string>
#include <string_view>

#ifndef SHOAL_VERSION
#error "SHOAL_VERSION is defined by src/server/CMakeLists.txt from the project version"
#endif

namespace shoal::server {

// The memcached release whose protocol, flags and error strings Shoal matches.
inline constexpr std::string_view memcached_compat_version = "1.6.18";

// Shoal's own version (the CMake project version).
inline constexpr std::string_view shoal_version = SHOAL_VERSION;

// What -V prints and what -h starts with: "memcached 1.6.18 (shoal 0.1.0)".
inline std::string version_line() {
  std::string line = "memcached ";
  line += memcached_compat_version;
  line += " (shoal ";
  line += shoal_version;
  line += ")";
  return line;
}

}  // namespace shoal::server
