// Process set-up: signals, descriptor limit, privileges, daemon, pidfile.
// Messages and statuses are memcached 1.6.18's where it has them (checked
// against the binary: see process_setup_test.cc). Two deliberate departures,
// both in docs/protocol.md#command-line: the descriptor limit is only ever
// raised, and a daemon's parent waits for start-up to finish and reports it.
#include "server/process_setup.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace shoal::server {
namespace {

std::string with_errno(std::string text, int error) {
  text += ": ";
  text += std::strerror(error);
  return text;
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// The parent's half of daemonize(): wait for the child's report, then exit.
// The report is one status byte followed by the message, ended by EOF.
[[noreturn]] void wait_for_daemon(int fd, pid_t child) {
  std::string report;
  char buffer[512];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    report.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  if (!report.empty()) {
    int code = static_cast<unsigned char>(report[0]);
    if (report.size() > 1) std::fprintf(stderr, "%s\n", report.c_str() + 1);
    std::fflush(stderr);
    ::_exit(code);
  }
  // No report: the daemon died before it could send one.
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) ::_exit(WEXITSTATUS(status));
  std::fprintf(stderr, "daemon exited during start-up\n");
  ::_exit(exit_os_error);
}

}  // namespace

std::optional<startup_error> ignore_sigpipe() {
  struct sigaction action {};
  action.sa_handler = SIG_IGN;
  sigemptyset(&action.sa_mask);
  if (::sigaction(SIGPIPE, &action, nullptr) != 0) {
    return startup_error{exit_os_error, "failed to ignore SIGPIPE; sigaction"};
  }
  return std::nullopt;
}

std::optional<startup_error> raise_fd_limit(uint64_t needed) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return startup_error{exit_os_error, "failed to getrlimit number of files"};
  }
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
    limit.rlim_cur = needed;
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) limit.rlim_max = needed;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
      return startup_error{exit_os_error,
                           "failed to set rlimit for open files. Try starting as root or "
                           "requesting smaller maxconns value."};
    }
  }
  return std::nullopt;
}

std::optional<startup_error> plan_privilege_drop(uid_t uid, uid_t euid, std::string_view user,
                                                 std::optional<privilege_drop>* plan) {
  plan->reset();
  if (uid != 0 && euid != 0) return std::nullopt;
  if (user.empty()) {
    return startup_error{exit_usage, "can't run as root without the -u switch"};
  }
  std::string name(user);
  std::vector<char> scratch(16384);
  passwd entry{};
  passwd* found = nullptr;
  int rc = ::getpwnam_r(name.c_str(), &entry, scratch.data(), scratch.size(), &found);
  if (rc != 0 || found == nullptr) {
    return startup_error{exit_no_user, "can't find the user " + name + " to switch to"};
  }
  *plan = privilege_drop{found->pw_uid, found->pw_gid, name};
  return std::nullopt;
}

std::optional<startup_error> apply_privilege_drop(const privilege_drop& plan) {
  if (::setgroups(0, nullptr) != 0) {
    return startup_error{exit_os_error, with_errno("setgroups failed", errno)};
  }
  if (::setgid(plan.gid) != 0 || ::setuid(plan.uid) != 0) {
    return startup_error{exit_os_error, "failed to assume identity of user " + plan.user};
  }
  return std::nullopt;
}

std::optional<startup_error> drop_privileges(const process_config& process) {
  std::optional<privilege_drop> plan;
  if (auto error = plan_privilege_drop(::getuid(), ::geteuid(), process.user, &plan)) {
    return error;
  }
  if (!plan) return std::nullopt;
  return apply_privilege_drop(*plan);
}

daemon_startup& daemon_startup::operator=(daemon_startup&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) send(exit_os_error, "daemon start-up was abandoned");
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

daemon_startup::~daemon_startup() {
  if (fd_ >= 0) send(exit_os_error, "daemon start-up was abandoned");
}

void daemon_startup::ready() { send(0, ""); }

void daemon_startup::failed(const startup_error& error) {
  int code = error.exit_code > 0 && error.exit_code < 256 ? error.exit_code : exit_failure;
  send(code, error.message);
}

void daemon_startup::send(int exit_code, std::string_view message) {
  if (fd_ < 0) return;
  std::string report(1, static_cast<char>(exit_code));
  report += message;
  write_all(fd_, report);  // if the parent is gone, nobody is left to tell
  ::close(fd_);
  fd_ = -1;
}

std::variant<daemon_startup, startup_error> daemonize(bool keep_stdio) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return startup_error{exit_failure, "failed to daemon() in order to daemonize"};
  }
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t child = ::fork();
  if (child < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return startup_error{exit_failure, "failed to daemon() in order to daemonize"};
  }
  if (child > 0) {
    ::close(pipe_fds[1]);
    wait_for_daemon(pipe_fds[0], child);
  }
  ::close(pipe_fds[0]);
  daemon_startup startup(pipe_fds[1]);
  // A failure from here on is reported to the waiting parent as well.
  auto fail = [&startup]() {
    startup_error error{exit_failure, "failed to daemon() in order to daemonize"};
    startup.failed(error);
    return error;
  };
  if (::setsid() < 0) return fail();
  ::signal(SIGHUP, SIG_IGN);
  if (::chdir("/") != 0) {
    // memcached only reports this (perror) and carries on; so does Shoal.
    std::perror("chdir");
  }
  if (!keep_stdio) {
    int null_fd = ::open("/dev/null", O_RDWR);
    if (null_fd < 0 || ::dup2(null_fd, STDIN_FILENO) < 0 || ::dup2(null_fd, STDOUT_FILENO) < 0 ||
        ::dup2(null_fd, STDERR_FILENO) < 0) {
      return fail();
    }
    if (null_fd > STDERR_FILENO) ::close(null_fd);
  }
  return startup;
}

std::optional<startup_error> write_pidfile(const std::string& path, pid_t pid) {
  std::string temporary = path + ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return startup_error{
        exit_os_error,
        with_errno("Could not open the pid file " + temporary + " for writing", errno)};
  }
  std::string text = std::to_string(pid) + "\n";
  bool written = write_all(fd, text);
  int write_error = errno;
  if (::close(fd) != 0 && written) {
    written = false;
    write_error = errno;
  }
  if (!written) {
    ::unlink(temporary.c_str());
    return startup_error{exit_os_error,
                         with_errno("Could not write the pid file " + temporary, write_error)};
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    int error = errno;
    ::unlink(temporary.c_str());
    return startup_error{
        exit_os_error,
        with_errno("Could not rename the pid file from " + temporary + " to " + path, error)};
  }
  return std::nullopt;
}

std::optional<std::string> remove_pidfile(const std::string& path) {
  if (::unlink(path.c_str()) != 0) {
    return with_errno("Could not remove the pid file " + path, errno);
  }
  return std::nullopt;
}

}  // namespace shoal::server
