// Parsing and resolving -l entries. The syntax rules are memcached's (see the
// header); where memcached silently accepts a malformed entry ("[::1]x" binds
// ::1, "host:99999" binds an ephemeral port) Shoal refuses it, with the message
// memcached uses for its nearest refusal.
#include "server/listen_address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

#include "server/parse_number.h"

namespace shoal::server {
namespace {

startup_error listen_failure(std::string_view entry, std::string_view why) {
  std::string message(why);
  message += "\nfailed to listen on one of interface(s) ";
  message += entry;
  return {exit_os_error, std::move(message)};
}

std::optional<startup_error> parse_port(std::string_view entry, std::string_view text,
                                        std::optional<uint16_t>* port) {
  auto value = detail::parse_decimal(text, 65535);
  if (!value) {
    std::string why = "Invalid port number: \"";
    why += text;
    why += '"';
    return listen_failure(entry, why);
  }
  *port = static_cast<uint16_t>(*value);
  return std::nullopt;
}

std::optional<startup_error> parse_entry(std::string_view entry, listen_spec* spec) {
  spec->text = std::string(entry);
  if (entry.starts_with("notls:")) {
    return listen_failure(entry, "'notls' option is valid only when SSL is enabled");
  }
  if (entry.front() == '[') {
    size_t close = entry.find(']');
    std::string_view rest = close == std::string_view::npos ? "" : entry.substr(close + 1);
    if (close == std::string_view::npos || close == 1 || (!rest.empty() && rest.front() != ':')) {
      std::string why = "Invalid IPV6 address: \"";
      why += entry;
      why += '"';
      return listen_failure(entry, why);
    }
    spec->host = std::string(entry.substr(1, close - 1));
    if (rest.empty()) return std::nullopt;
    return parse_port(entry, rest.substr(1), &spec->port);
  }
  size_t colon = entry.find(':');
  if (colon != std::string_view::npos && colon == entry.rfind(':')) {
    spec->host = std::string(entry.substr(0, colon));
    if (auto error = parse_port(entry, entry.substr(colon + 1), &spec->port)) return error;
  } else {
    spec->host = std::string(entry);  // no colon, or a bare IPv6 address
  }
  if (spec->host.empty()) {
    return listen_failure(entry, "getaddrinfo(): Name or service not known");
  }
  return std::nullopt;
}

}  // namespace

uint16_t socket_endpoint::port() const {
  if (family() == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
  }
  if (family() == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
  }
  return 0;
}

std::string socket_endpoint::to_string() const {
  char text[INET6_ADDRSTRLEN] = "?";
  std::string result;
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&address)->sin_addr, text,
              sizeof text);
    result = text;
  } else if (family() == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&address)->sin6_addr, text,
              sizeof text);
    result = std::string("[") + text + "]";
  } else {
    result = text;
  }
  return result + ":" + std::to_string(port());
}

bool operator==(const socket_endpoint& a, const socket_endpoint& b) {
  return a.length == b.length && std::memcmp(&a.address, &b.address, a.length) == 0;
}

std::optional<startup_error> parse_listen_argument(std::string_view argument,
                                                   std::vector<listen_spec>* out) {
  while (!argument.empty()) {
    size_t comma = argument.find(',');
    std::string_view entry = argument.substr(0, comma);
    argument = comma == std::string_view::npos ? "" : argument.substr(comma + 1);
    if (entry.empty()) continue;
    listen_spec spec;
    if (auto error = parse_entry(entry, &spec)) return error;
    if (std::find(out->begin(), out->end(), spec) == out->end()) out->push_back(std::move(spec));
  }
  return std::nullopt;
}

std::optional<startup_error> resolve_listen_endpoints(std::span<const listen_spec> specs,
                                                      uint16_t default_port, transport kind,
                                                      std::vector<socket_endpoint>* out) {
  static const listen_spec every_interface{};
  std::span<const listen_spec> todo = specs.empty() ? std::span(&every_interface, 1) : specs;
  for (const listen_spec& spec : todo) {
    addrinfo hints{};
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = kind == transport::tcp ? SOCK_STREAM : SOCK_DGRAM;
    std::string port = std::to_string(spec.port.value_or(default_port));
    addrinfo* found = nullptr;
    int rc =
        getaddrinfo(spec.host.empty() ? nullptr : spec.host.c_str(), port.c_str(), &hints, &found);
    if (rc != 0) {
      std::string why = "getaddrinfo(): ";
      why += rc == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(rc);
      return listen_failure(spec.text.empty() ? "(any)" : spec.text, why);
    }
    for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
      if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
      socket_endpoint endpoint;
      std::memcpy(&endpoint.address, ai->ai_addr, ai->ai_addrlen);
      endpoint.length = ai->ai_addrlen;
      if (std::find(out->begin(), out->end(), endpoint) == out->end()) out->push_back(endpoint);
    }
    freeaddrinfo(found);
  }
  return std::nullopt;
}

}  // namespace shoal::server
