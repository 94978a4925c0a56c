// parse_command_line(): memcached 1.6.18's command line, read with
// getopt_long() exactly as memcached reads it (same option letters, long
// names, clustering "-vv", attached values "-p11211", argument permutation,
// unambiguous long-name prefixes), then validated in memcached's order:
//   1. each flag as it is read; the first refusal wins (status 1 for a bad
//      count such as -c 0 or -t 0, 64 for a bad -B, as memcached);
//   2. after the loop, the -I bounds and the other cross-flag checks (64);
//   3. then what needs the system: -l resolved, the -Y file loaded.
// Why getopt_long and not CLI11: docs/decisions/0400-command-line-parser.md.
// Every flag, its check and its message: docs/protocol.md#command-line.
#include <getopt.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string_view>

#include "server/config.h"
#include "server/config_internal.h"
#include "server/parse_number.h"
#include "server/version.h"

namespace shoal::server {
namespace {

// Long-only options (Shoal's own); values past every char.
enum : int { opt_reactor_backend = 256, opt_no_pin, opt_spin_us };

// memcached 1.6.18's letters. The leading ':' makes getopt report a missing
// value as ':' rather than '?', and print nothing itself.
constexpr const char* short_options = ":a:Ap:s:U:m:Mc:khiVvdrl:u:P:f:n:t:D:LR:Cb:B:I:SFXWY:e:o:N:Z";

const option long_options[] = {
    {"unix-mask", required_argument, nullptr, 'a'},
    {"enable-shutdown", no_argument, nullptr, 'A'},
    {"enable-ssl", no_argument, nullptr, 'Z'},
    {"port", required_argument, nullptr, 'p'},
    {"unix-socket", required_argument, nullptr, 's'},
    {"udp-port", required_argument, nullptr, 'U'},
    {"memory-limit", required_argument, nullptr, 'm'},
    {"disable-evictions", no_argument, nullptr, 'M'},
    {"conn-limit", required_argument, nullptr, 'c'},
    {"lock-memory", no_argument, nullptr, 'k'},
    {"help", no_argument, nullptr, 'h'},
    {"license", no_argument, nullptr, 'i'},
    {"version", no_argument, nullptr, 'V'},
    {"enable-coredumps", no_argument, nullptr, 'r'},
    {"verbose", optional_argument, nullptr, 'v'},
    {"daemon", no_argument, nullptr, 'd'},
    {"listen", required_argument, nullptr, 'l'},
    {"user", required_argument, nullptr, 'u'},
    {"pidfile", required_argument, nullptr, 'P'},
    {"slab-growth-factor", required_argument, nullptr, 'f'},
    {"slab-min-size", required_argument, nullptr, 'n'},
    {"threads", required_argument, nullptr, 't'},
    {"enable-largepages", no_argument, nullptr, 'L'},
    {"max-reqs-per-event", required_argument, nullptr, 'R'},
    {"disable-cas", no_argument, nullptr, 'C'},
    {"listen-backlog", required_argument, nullptr, 'b'},
    {"protocol", required_argument, nullptr, 'B'},
    {"max-item-size", required_argument, nullptr, 'I'},
    {"enable-sasl", no_argument, nullptr, 'S'},
    {"disable-flush-all", no_argument, nullptr, 'F'},
    {"disable-dumping", no_argument, nullptr, 'X'},
    {"disable-watch", no_argument, nullptr, 'W'},
    {"auth-file", required_argument, nullptr, 'Y'},
    {"memory-file", required_argument, nullptr, 'e'},
    {"extended", required_argument, nullptr, 'o'},
    {"napi-ids", required_argument, nullptr, 'N'},
    {"reactor-backend", required_argument, nullptr, opt_reactor_backend},
    {"no-pin", no_argument, nullptr, opt_no_pin},
    {"spin-us", required_argument, nullptr, opt_spin_us},
    {nullptr, 0, nullptr, 0},
};

// Above this -t is refused: the runtime keeps one queue per ordered pair of
// shards, so the cost grows with the square of the count.
constexpr int64_t max_threads = 1024;
// memcached warns above 64 worker threads.
constexpr int64_t many_threads = 64;

// Relative paths are taken from the directory Shoal starts in, also with -d
// (memcached resolves them against "/" once it has daemonized).
std::string absolute_path(std::string_view path) {
  if (path.empty() || path.front() == '/') return std::string(path);
  char buffer[4096];
  if (::getcwd(buffer, sizeof buffer) == nullptr) return std::string(path);
  std::string result = buffer;
  if (result.back() != '/') result += '/';
  result += path;
  return result;
}

class command_line_parser {
 public:
  explicit command_line_parser(std::span<const char* const> args) : args_(args) {
    std::string_view name = args.empty() || args[0] == nullptr ? "shoal" : args[0];
    size_t slash = name.rfind('/');
    program_ = std::string(slash == name.npos ? name : name.substr(slash + 1));
  }

  parse_result run() {
    read_flags();
    if (!done_) check_after_flags();
    if (!done_) check_with_system();
    if (!done_) result_.cfg = std::move(cfg_);
    result_.warnings = std::move(warnings_);
    return std::move(result_);
  }

 private:
  void read_flags() {
    // getopt_long permutes the pointer array (never the strings): give it a copy.
    std::vector<char*> argv;
    for (const char* arg : args_) argv.push_back(const_cast<char*>(arg));
    if (argv.empty()) argv.push_back(const_cast<char*>("shoal"));
    argv.push_back(nullptr);
    int argc = static_cast<int>(argv.size() - 1);

    optind = 0;  // glibc: start over, even if getopt ran before in this process
    opterr = 0;
    while (!done_) {
      int option = getopt_long(argc, argv.data(), short_options, long_options, nullptr);
      if (option == -1) break;
      // On an error getopt has stepped past the offending element, except in
      // the middle of a cluster of short options ("-xv"), where optopt says it.
      const char* last = optind >= 1 && optind <= argc ? argv[optind - 1] : "";
      apply(option, optarg != nullptr ? std::string_view(optarg) : std::string_view(), last);
    }
    for (int i = optind; !done_ && i < argc; ++i) {
      warnings_.push_back(program_ + ": ignoring extra argument '" + argv[i] + "'");
    }
  }

  void refuse(int exit_code, std::string message) {
    result_.exit_code = exit_code;
    result_.error = std::move(message);
    done_ = true;
  }

  void finish(std::string output) {
    result_.exit_code = 0;
    result_.output = std::move(output);
    done_ = true;
  }

  void warn_ignored(std::string_view flag, std::string_view why) {
    warnings_.push_back(program_ + ": ignoring " + std::string(flag) + ": " + std::string(why));
  }

  // A count that memcached reads with atoi() and refuses when <= 0: Shoal
  // refuses the same values, and also text that is not a number, with
  // memcached's message and status.
  std::optional<int64_t> positive_count(std::string_view value, std::string_view message) {
    auto number = detail::parse_signed(value);
    if (!number || *number <= 0 || *number > INT32_MAX) {
      refuse(exit_failure, std::string(message));
      return std::nullopt;
    }
    return number;
  }

  std::optional<uint16_t> port(std::string_view value, std::string_view what) {
    auto number = detail::parse_decimal(value, 65535);
    if (!number) {
      refuse(exit_usage, "ERROR: Invalid " + std::string(what) + " " + std::string(value) + ".");
      return std::nullopt;
    }
    return static_cast<uint16_t>(*number);
  }

  std::string bad_value(std::string_view flag, std::string_view value, std::string_view expected) {
    return "Invalid value for " + std::string(flag) + ": \"" + std::string(value) +
           "\" (expected " + std::string(expected) + ")";
  }

  void apply(int option, std::string_view value, std::string_view current) {
    switch (option) {
      case 'p':
        if (auto p = port(value, "port number")) cfg_.net.tcp_port = *p;
        break;
      case 'U':
        if (auto p = port(value, "UDP port number")) cfg_.net.udp_port = *p;
        break;
      case 's':
        set_unix_socket(value);
        break;
      case 'a':
        if (auto mode = detail::parse_octal(value, 07777)) {
          cfg_.net.unix_socket_mode = static_cast<uint32_t>(*mode & 0777);
        } else {
          refuse(exit_usage, bad_value("-a", value, "an octal mode such as 700"));
        }
        break;
      case 'l':
        if (value.find_first_not_of(',') == std::string_view::npos) {
          // memcached then listens nowhere yet keeps running; refuse instead.
          refuse(exit_usage, "Invalid value for -l: the address list is empty");
        } else if (auto error = parse_listen_argument(value, &cfg_.net.listen)) {
          refuse(error->exit_code, std::move(error->message));
        }
        break;
      case 'b':
        if (auto backlog = detail::parse_decimal(value, INT32_MAX)) {
          cfg_.net.listen_backlog = static_cast<int>(*backlog);
        } else {
          refuse(exit_usage, bad_value("-b", value, "a number of connections, 0 or more"));
        }
        break;
      case 'c':
        if (auto n = positive_count(value, "Maximum connections must be greater than 0")) {
          cfg_.net.conn_limit = static_cast<uint32_t>(*n);
        }
        break;
      case 'R':
        if (auto n = positive_count(value, "Number of requests per event must be greater than 0")) {
          cfg_.net.reqs_per_event = static_cast<uint32_t>(*n);
        }
        break;
      case 't':
        set_threads(value);
        break;
      case 'm':
        set_memory_limit(value);
        break;
      case 'I':
        if (auto size = detail::parse_size(value)) {
          item_size_ = *size;
        } else {
          refuse(exit_usage,
                 bad_value("-I", value, "bytes, or a number with a k or m suffix such as 2m"));
        }
        break;
      case 'M':
        cfg_.cache.evictions = false;
        break;
      case 'C':
        cfg_.cache.cas_enabled = false;
        break;
      case 'B':
        set_protocol(value);
        break;
      case 'A':
        cfg_.protocol.shutdown_enabled = true;
        break;
      case 'F':
        cfg_.protocol.flush_enabled = false;
        break;
      case 'X':
        cfg_.protocol.dump_enabled = false;
        break;
      case 'W':
        cfg_.protocol.watch_enabled = false;
        break;
      case 'Y':
        if (value.empty()) {
          refuse(exit_failure, "Could not open authfile [] for reading: No such file or directory");
        }
        cfg_.protocol.auth_file = absolute_path(value);
        break;
      case 'd':
        cfg_.process.daemonize = true;
        break;
      case 'P':
        if (value.empty()) refuse(exit_usage, "Invalid value for -P: the pidfile path is empty");
        cfg_.process.pidfile = absolute_path(value);
        break;
      case 'u':
        cfg_.process.user = std::string(value);
        break;
      case 'v':
        ++cfg_.process.verbosity;  // --verbose=N counts once, as in memcached
        break;
      case 'o':
        if (auto error = detail::apply_extended_options(value, &cfg_, &extended_, &warnings_)) {
          refuse(error->exit_code, std::move(error->message));
        }
        break;
      case 'h':
        finish(usage_text());
        break;
      case 'V':
        finish(version_line() + "\n");
        break;
      case 'i':
        finish(detail::license_text());
        break;
      case opt_reactor_backend:
        set_reactor_backend(value);
        break;
      case opt_no_pin:
        cfg_.runtime.pin_shards = false;
        break;
      case opt_spin_us:
        set_spin_us(value);
        break;
      case 'Z':
        refuse(exit_usage, "ERROR: shoal does not support TLS (-Z)");
        break;
      default:
        apply_ignored(option, value, current);
        break;
    }
  }

  // Flags accepted for compatibility only, and getopt's own complaints.
  void apply_ignored(int option, std::string_view value, std::string_view current) {
    switch (option) {
      case 'f': {
        auto factor = detail::parse_real(value);
        if (!factor || *factor <= 1.0) return refuse(exit_failure, "Factor must be greater than 1");
        cfg_.compat.growth_factor = *factor;
        return warn_ignored("-f", "shoal's allocator has no slab classes to grow");
      }
      case 'n': {
        auto n = positive_count(value, "Chunk size must be greater than 0");
        if (!n) return;
        cfg_.compat.chunk_size = static_cast<uint32_t>(*n);
        return warn_ignored("-n", "shoal's allocator has no slab classes");
      }
      case 'D':
        if (value.empty()) return refuse(exit_failure, "No delimiter specified");
        cfg_.compat.prefix_delimiter = value.front();
        return warn_ignored("-D", "per-prefix stats (stats detail) are not kept");
      case 'L':
        return warn_ignored("-L", "large pages are not requested");
      case 'k':
        return warn_ignored("-k", "memory is not locked");
      case 'r':
        return warn_ignored("-r", "the core file limit is left as it is");
      case 'e':
        if (value.empty()) return refuse(exit_usage, "Invalid value for -e: the path is empty");
        return warn_ignored("-e", "no warm restart from a memory file; the cache starts empty");
      case 'N':
        if (!positive_count(value, "Maximum number of NAPI IDs must be greater than 0")) return;
        return warn_ignored("-N", "connections are not steered by NAPI ID");
      case 'S':
        cfg_.compat.sasl_requested = true;
        return warn_ignored("-S",
                            "SASL needs the binary protocol, which shoal does not speak "
                            "(-Y gives ASCII authentication)");
      case ':':
        return refuse(exit_failure, missing_value_message(current));
      case '?':
      default:
        return refuse(exit_failure, unknown_option_message(current));
    }
  }

  std::string missing_value_message(std::string_view current) const {
    if (current.starts_with("--")) {
      return program_ + ": option '" + std::string(current.substr(0, current.find('='))) +
             "' requires an argument";
    }
    return program_ + ": option requires an argument -- '" + static_cast<char>(optopt) + "'";
  }

  std::string unknown_option_message(std::string_view current) const {
    // optopt is 0 for an unknown long name; a known letter here means its
    // long form was given a value it does not take ("--daemon=1").
    bool known_letter =
        optopt != 0 &&
        std::string_view(short_options).find(static_cast<char>(optopt)) != std::string_view::npos;
    if (optopt == 0 || known_letter) {
      return program_ + ": unrecognized option '" + std::string(current) + "'";
    }
    return program_ + ": invalid option -- '" + static_cast<char>(optopt) + "'";
  }

  void set_unix_socket(std::string_view value) {
    if (value.empty()) return refuse(exit_usage, "Invalid value for -s: the socket path is empty");
    std::string path = absolute_path(value);
    if (path.size() >= sizeof(sockaddr_un::sun_path)) {
      return refuse(exit_usage, "UNIX socket path is too long (" + std::to_string(path.size()) +
                                    " bytes, at most " +
                                    std::to_string(sizeof(sockaddr_un::sun_path) - 1) +
                                    "): " + path);
    }
    cfg_.net.unix_socket = std::move(path);
  }

  void set_threads(std::string_view value) {
    auto n = positive_count(value, "Number of threads must be greater than 0");
    if (!n) return;
    if (*n > max_threads) {
      return refuse(exit_failure,
                    "Number of threads must be at most " + std::to_string(max_threads));
    }
    if (*n > many_threads) {
      warnings_.push_back(
          "WARNING: Setting a high number of worker threads is not recommended. Set this value "
          "to the number of cores in your machine or less.");
    }
    cfg_.runtime.threads = static_cast<unsigned>(*n);
  }

  // -m: megabytes, as memcached; an "m" or "M" suffix is allowed (memcached's
  // atoi() stops at it), any other suffix is refused rather than misread.
  void set_memory_limit(std::string_view value) {
    std::string_view digits = value;
    if (!digits.empty() && (digits.back() == 'm' || digits.back() == 'M')) digits.remove_suffix(1);
    auto megabytes = detail::parse_decimal(digits, INT32_MAX);
    if (!megabytes) return refuse(exit_usage, bad_value("-m", value, "megabytes"));
    cfg_.cache.memory_limit_bytes = *megabytes * 1024 * 1024;
  }

  void set_protocol(std::string_view value) {
    if (value == "auto") {
      cfg_.protocol.binding = binding_protocol::auto_negotiate;
    } else if (value == "ascii") {
      cfg_.protocol.binding = binding_protocol::ascii;
    } else if (value == "binary") {
      refuse(exit_usage,
             "Invalid value for binding protocol: binary\n"
             " -- shoal does not speak the binary protocol yet: use ascii or auto");
    } else {
      refuse(exit_usage, "Invalid value for binding protocol: " + std::string(value) +
                             "\n -- should be one of auto, binary, or ascii");
    }
  }

  void set_reactor_backend(std::string_view value) {
    if (value == "auto") {
      cfg_.runtime.reactor_backend = reactor_backend_choice::automatic;
    } else if (value == "epoll") {
      cfg_.runtime.reactor_backend = reactor_backend_choice::epoll;
    } else if (value == "io_uring") {
      cfg_.runtime.reactor_backend = reactor_backend_choice::io_uring;
    } else {
      refuse(exit_usage, "Invalid value for --reactor-backend: " + std::string(value) +
                             "\n -- should be one of auto, epoll, or io_uring");
    }
  }

  void set_spin_us(std::string_view value) {
    unsigned us = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), us);
    if (ec != std::errc{} || end != value.data() + value.size() || us > 1'000'000) {
      refuse(exit_usage, "Invalid value for --spin-us: " + std::string(value) +
                             "\n -- should be a number of microseconds from 0 to 1000000");
    }
    cfg_.runtime.spin_us = us;
  }

  // memcached's checks after its getopt loop, in its order (those that apply).
  void check_after_flags() {
    uint64_t item_size = item_size_.value_or(cfg_.cache.max_item_size);
    if (item_size < 1024) {
      return refuse(exit_usage, "Item max size cannot be less than 1024 bytes.");
    }
    if (item_size > cfg_.cache.memory_limit_bytes / 2) {
      return refuse(exit_usage, "Cannot set item size limit higher than 1/2 of memory max.");
    }
    if (item_size > 1024ull * 1024 * 1024) {
      return refuse(exit_usage, "Cannot set item size limit higher than a gigabyte.");
    }
    cfg_.cache.max_item_size = static_cast<uint32_t>(item_size);
    if (extended_.hot_lru_pct + extended_.warm_lru_pct > 80) {
      return refuse(exit_usage, "hot_lru_pct + warm_lru_pct cannot be more than 80% combined");
    }
    if (cfg_.compat.sasl_requested && cfg_.protocol.binding == binding_protocol::ascii) {
      return refuse(exit_usage, "ERROR: You cannot allow the ASCII protocol while using SASL.");
    }
  }

  // What needs the system: name resolution for -l, the -Y file.
  void check_with_system() {
    net_config& net = cfg_.net;
    if (net.unix_socket.empty()) {
      if (net.tcp_port != 0) {
        if (auto error = resolve_listen_endpoints(net.listen, net.tcp_port, transport::tcp,
                                                  &net.tcp_endpoints)) {
          return refuse(error->exit_code, std::move(error->message));
        }
      }
      if (net.udp_port != 0) {
        if (auto error = resolve_listen_endpoints(net.listen, net.udp_port, transport::udp,
                                                  &net.udp_endpoints)) {
          return refuse(error->exit_code, std::move(error->message));
        }
      }
    }
    if (!cfg_.protocol.auth_file.empty()) {
      if (auto error = load_auth_file(cfg_.protocol.auth_file, &cfg_.protocol.auth_entries)) {
        return refuse(error->exit_code, std::move(error->message));
      }
    }
  }

  std::span<const char* const> args_;
  std::string program_;
  config cfg_;
  detail::extended_state extended_;
  std::optional<uint64_t> item_size_;
  std::vector<std::string> warnings_;
  parse_result result_;
  bool done_ = false;
};

}  // namespace

parse_result parse_command_line(std::span<const char* const> args) {
  return command_line_parser(args).run();
}

parse_result parse_command_line(int argc, char** argv) {
  std::vector<const char*> args(argv, argv + argc);
  return parse_command_line(std::span<const char* const>(args));
}

int print_parse_result(const parse_result& result) {
  for (const std::string& warning : result.warnings) std::fprintf(stderr, "%s\n", warning.c_str());
  if (!result.output.empty()) std::fputs(result.output.c_str(), stdout);
  if (!result.error.empty()) std::fprintf(stderr, "%s\n", result.error.c_str());
  std::fflush(stdout);
  std::fflush(stderr);
  return result.exit_code;
}

}  // namespace shoal::server
