// Process set-up around the server, each step as memcached 1.6.18 does it
// (messages and exit statuses included) unless noted. Every function returns
// nothing on success and a startup_error for main to print and exit with.
//
// The order main should follow, memcached's (docs/protocol.md#command-line):
//   1. parse_command_line()            (config.h)
//   2. ignore_sigpipe()
//   3. raise_fd_limit(required_fd_limit(cfg, shards))  while still root
//   4. drop_privileges(cfg.process)    refuses root without -u
//   5. daemonize() when -d             before any thread starts
//   6. bind the listeners              as the unprivileged user, like memcached
//   7. write_pidfile() when -P         after daemonizing: the daemon's pid
//   8. daemon_startup::ready()         the waiting parent exits 0
//   ... serve ...
//   9. remove_pidfile() on the way out
// All of it runs on the main thread, before the shards start.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "server/config.h"
#include "server/startup_error.h"

namespace shoal::server {

// Writes to a closed connection then fail with EPIPE instead of killing the
// process.
std::optional<startup_error> ignore_sigpipe();

// Makes RLIMIT_NOFILE at least `needed`: raises the soft limit, and the hard
// one too if it is lower (which needs privilege). Never lowers either one
// (memcached sets both to exactly -c, which can lower them). Fails with
// memcached's message and status 71.
std::optional<startup_error> raise_fd_limit(uint64_t needed);

// Who to become after start-up.
struct privilege_drop {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string user;
};

// Decides from the real and effective uid and -u whether to switch user, as
// memcached: when neither uid is root there is nothing to do and -u is
// ignored; as root, -u is required ("can't run as root without the -u
// switch", status 64) and must name a user (status 67). Sets *plan only when
// a switch is due.
std::optional<startup_error> plan_privilege_drop(uid_t uid, uid_t euid, std::string_view user,
                                                 std::optional<privilege_drop>* plan);

// Becomes plan.user: drops supplementary groups, then setgid, then setuid.
// Status 71 when a call fails.
std::optional<startup_error> apply_privilege_drop(const privilege_drop& plan);

// plan_privilege_drop() for this process and -u, then apply_privilege_drop().
std::optional<startup_error> drop_privileges(const process_config& process);

// The daemon's side of daemonize(): tells the parent, still attached to the
// terminal or init script, how start-up went. The parent then exits with
// status 0 (ready) or with the error's status after printing its message, so
// that `shoal -d` reports a failed start as memcached's -d cannot (its parent
// exits 0 before the daemon binds anything). Move-only; destroying it before
// either call reports a failure.
class daemon_startup {
 public:
  explicit daemon_startup(int notify_fd) : fd_(notify_fd) {}
  daemon_startup(daemon_startup&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  daemon_startup& operator=(daemon_startup&& other) noexcept;
  daemon_startup(const daemon_startup&) = delete;
  daemon_startup& operator=(const daemon_startup&) = delete;
  ~daemon_startup();

  // The server is up: the parent exits 0.
  void ready();
  // Start-up failed: the parent prints error.message and exits with
  // error.exit_code. The daemon should exit too.
  void failed(const startup_error& error);

 private:
  void send(int exit_code, std::string_view message);

  int fd_;
};

// Forks. The parent waits for the child's daemon_startup report (or its
// death) and exits accordingly; it never returns. The child starts a new
// session (setsid), moves to "/", ignores SIGHUP, and points stdin, stdout and
// stderr at /dev/null unless keep_stdio (memcached keeps them under -v).
// Call before any thread starts: fork() copies only the calling thread.
std::variant<daemon_startup, startup_error> daemonize(bool keep_stdio);

// Writes "<pid>\n" to `path` through "<path>.tmp" and a rename, so that a
// reader never sees a partial file. Status 71 on failure.
std::optional<startup_error> write_pidfile(const std::string& path, pid_t pid);

// Removes the pidfile; returns a warning to print when that fails.
std::optional<std::string> remove_pidfile(const std::string& path);

}  // namespace shoal::server
