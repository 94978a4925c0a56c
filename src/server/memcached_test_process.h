// Test helpers: run the real memcached (or any program) as a child process
// with its stdout and stderr captured, see whether it exits or keeps running,
// and stop it by PID whatever happens. Used to compare Shoal's verdicts with
// memcached 1.6.18's.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace shoal::server::testing {

inline constexpr const char* memcached_path = "/usr/bin/memcached";

inline bool memcached_available() { return ::access(memcached_path, X_OK) == 0; }

// A port nobody listens on right now (TCP and UDP), on 127.0.0.1.
inline uint16_t free_port() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    uint16_t port = 0;
    if (::bind(tcp, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::getsockname(tcp, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      port = ntohs(address.sin_port);
    }
    ::close(tcp);
    int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
    bool udp_free = ::bind(udp, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(udp);
    if (port != 0 && udp_free) return port;
  }
  return 0;
}

// A child process whose stdout and stderr go to one pipe. The destructor
// kills it (SIGKILL, by PID) if it still runs, and reaps it.
class child_process {
 public:
  explicit child_process(const std::vector<std::string>& argv) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return;
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    // posix_spawn, not fork: forking a large (sanitizer) test process is slow.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    output_fd_ = fds[0];
    ::fcntl(output_fd_, F_SETFL, O_NONBLOCK);
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process() {
    stop();
    if (output_fd_ >= 0) ::close(output_fd_);
  }

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // True once the child has exited (then exit_status() is valid).
  bool poll() {
    drain();
    if (exited_ || pid_ <= 0) return exited_;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      drain();
    }
    return exited_;
  }

  // Waits for the child to exit until `deadline`; true if it did.
  bool wait_until(std::chrono::steady_clock::time_point deadline) {
    while (!poll()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  // Sends SIGKILL if the child still runs, without waiting: to stop many
  // children at once, signal them all, then stop() each.
  void signal_kill() {
    if (pid_ > 0 && !poll()) ::kill(pid_, SIGKILL);
  }

  // Kills the child if it still runs. Returns true if it had to.
  bool stop() {
    if (pid_ <= 0 || poll()) return false;
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    exited_ = true;
    status_ = 128 + SIGKILL;
    drain();
    return true;
  }

  int exit_status() const { return status_; }
  const std::string& output() const { return output_; }

 private:
  void drain() {
    if (output_fd_ < 0) return;
    char buffer[4096];
    for (;;) {
      ssize_t n = ::read(output_fd_, buffer, sizeof buffer);
      if (n <= 0) break;
      output_.append(buffer, static_cast<size_t>(n));
    }
  }

  pid_t pid_ = -1;
  int output_fd_ = -1;
  bool exited_ = false;
  int status_ = -1;
  std::string output_;
};

// Connects to 127.0.0.1:port, retrying until `deadline`, sends `request` and
// reads until the reply ends with `terminator`. Empty on failure.
inline std::string tcp_request(uint16_t port, std::string_view request, std::string_view terminator,
                               std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      timeval timeout{2, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      std::string reply;
      if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size())) {
        char buffer[4096];
        while (!std::string_view(reply).ends_with(terminator)) {
          ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
          if (n <= 0) break;
          reply.append(buffer, static_cast<size_t>(n));
        }
      }
      ::close(fd);
      return reply;
    }
    ::close(fd);
    if (std::chrono::steady_clock::now() >= deadline) return {};
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace shoal::server::testing
