// Process set-up. Steps that change the process (limits, identity, daemon)
// run in a forked child so the test process keeps its own; the messages and
// statuses are compared with what the real memcached 1.6.18 prints.
#include "server/process_setup.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <thread>

#include "server/memcached_test_process.h"

namespace shoal::server {
namespace {

// Runs `body` in a forked child; returns its exit status (128+signal if killed).
int in_child(const std::function<int()>& body) {
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Runs memcached with `flags` briefly; returns {exit status or -1 if it kept
// running, its output}.
std::pair<int, std::string> run_memcached(std::vector<std::string> flags) {
  std::vector<std::string> argv{testing::memcached_path};
  argv.insert(argv.end(), flags.begin(), flags.end());
  testing::child_process memcached(argv);
  bool exited = memcached.wait_until(std::chrono::steady_clock::now() + std::chrono::seconds(2));
  memcached.stop();
  std::string output = memcached.output();
  while (!output.empty() && output.back() == '\n') output.pop_back();
  return {exited ? memcached.exit_status() : -1, output};
}

bool running_as_root() { return ::getuid() == 0 || ::geteuid() == 0; }

TEST(ProcessSetupTest, IgnoredSigpipeTurnsIntoEpipe) {
  int status = in_child([] {
    if (ignore_sigpipe()) return 1;
    int fds[2];
    if (::pipe(fds) != 0) return 2;
    ::close(fds[0]);
    ssize_t n = ::write(fds[1], "x", 1);  // would kill the process with SIGPIPE
    return n < 0 && errno == EPIPE ? 0 : 3;
  });
  EXPECT_EQ(status, 0);
}

TEST(ProcessSetupTest, FdLimitIsRaisedButNeverLowered) {
  int status = in_child([] {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < 300) return 10;  // cannot test here
    limit.rlim_cur = 100;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) return 11;
    if (raise_fd_limit(250)) return 1;
    ::getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur != 250) return 2;
    if (raise_fd_limit(50)) return 3;  // memcached would lower it to 50
    ::getrlimit(RLIMIT_NOFILE, &limit);
    return limit.rlim_cur == 250 ? 0 : 4;
  });
  if (status == 10) GTEST_SKIP() << "hard RLIMIT_NOFILE below 300";
  EXPECT_EQ(status, 0);
}

TEST(ProcessSetupTest, FdLimitBeyondTheKernelMaximumFailsLikeMemcached) {
  uint64_t nr_open = 1048576;
  std::ifstream("/proc/sys/fs/nr_open") >> nr_open;
  // Checked in this process: a failing setrlimit changes nothing.
  auto error = raise_fd_limit(nr_open + 1);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->exit_code, 71);
  EXPECT_EQ(error->message,
            "failed to set rlimit for open files. Try starting as root or requesting smaller "
            "maxconns value.");
  if (!testing::memcached_available()) return;
  auto [code, output] =
      run_memcached({"-u", "nobody", "-p", "0", "-U", "0", "-c", std::to_string(nr_open + 1)});
  EXPECT_EQ(code, error->exit_code);
  EXPECT_EQ(output, error->message);
}

TEST(ProcessSetupTest, NotRootMeansNothingToDropAndUserIsIgnored) {
  std::optional<privilege_drop> plan;
  EXPECT_FALSE(plan_privilege_drop(1000, 1000, "", &plan));
  EXPECT_FALSE(plan);
  EXPECT_FALSE(plan_privilege_drop(1000, 1000, "no-such-user-shoal", &plan));
  EXPECT_FALSE(plan);
}

TEST(ProcessSetupTest, RootWithoutUserIsRefused) {
  std::optional<privilege_drop> plan;
  for (auto [uid, euid] : {std::pair<uid_t, uid_t>{0, 0}, {1000, 0}, {0, 1000}}) {
    auto error = plan_privilege_drop(uid, euid, "", &plan);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->exit_code, 64);
    EXPECT_EQ(error->message, "can't run as root without the -u switch");
  }
}

TEST(ProcessSetupTest, RootWithUnknownUserIsRefused) {
  std::optional<privilege_drop> plan;
  auto error = plan_privilege_drop(0, 0, "no-such-user-shoal", &plan);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->exit_code, 67);
  EXPECT_EQ(error->message, "can't find the user no-such-user-shoal to switch to");
  EXPECT_FALSE(plan);
}

TEST(ProcessSetupTest, RootWithUserPlansASwitch) {
  passwd* nobody = ::getpwnam("nobody");
  if (nobody == nullptr) GTEST_SKIP() << "no user nobody";
  uid_t uid = nobody->pw_uid;
  gid_t gid = nobody->pw_gid;
  std::optional<privilege_drop> plan;
  ASSERT_FALSE(plan_privilege_drop(0, 0, "nobody", &plan));
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->uid, uid);
  EXPECT_EQ(plan->gid, gid);
  EXPECT_EQ(plan->user, "nobody");
}

TEST(ProcessSetupTest, RootChecksMatchMemcached) {
  if (!testing::memcached_available()) GTEST_SKIP() << "no memcached";
  struct row {
    std::vector<std::string> flags;
    std::string user;
  };
  const row rows[] = {{{"-p", "0", "-U", "0"}, ""},
                      {{"-p", "0", "-U", "0", "-u", "no-such-user-shoal"}, "no-such-user-shoal"}};
  for (const row& r : rows) {
    std::optional<privilege_drop> plan;
    auto ours = plan_privilege_drop(::getuid(), ::geteuid(), r.user, &plan);
    auto [code, output] = run_memcached(r.flags);
    if (!running_as_root()) {
      EXPECT_FALSE(ours);
      EXPECT_EQ(code, -1) << output;  // memcached runs as well
      continue;
    }
    ASSERT_TRUE(ours);
    EXPECT_EQ(code, ours->exit_code);
    EXPECT_EQ(output, ours->message);
  }
}

TEST(ProcessSetupTest, DropPrivilegesBecomesTheUser) {
  if (!running_as_root()) GTEST_SKIP() << "needs root";
  passwd* nobody = ::getpwnam("nobody");
  if (nobody == nullptr) GTEST_SKIP() << "no user nobody";
  uid_t uid = nobody->pw_uid;
  gid_t gid = nobody->pw_gid;
  int status = in_child([&] {
    process_config process;
    process.user = "nobody";
    if (drop_privileges(process)) return 1;
    if (::getuid() != uid || ::geteuid() != uid) return 2;
    if (::getgid() != gid || ::getegid() != gid) return 3;
    if (::getgroups(0, nullptr) != 0) return 4;
    return ::setuid(0) != 0 ? 0 : 5;  // no way back
  });
  EXPECT_EQ(status, 0);
}

TEST(ProcessSetupTest, PidfileHoldsThePidAndIsRemoved) {
  std::string path = ::testing::TempDir() + "shoal_process_setup.pid";
  ASSERT_FALSE(write_pidfile(path, 4242));
  std::ifstream file(path);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "4242\n");
  EXPECT_NE(::access((path + ".tmp").c_str(), F_OK), 0);
  ASSERT_FALSE(write_pidfile(path, 77));  // replaces an old one
  std::ifstream again(path);
  std::string pid;
  again >> pid;
  EXPECT_EQ(pid, "77");
  EXPECT_FALSE(remove_pidfile(path));
  EXPECT_NE(::access(path.c_str(), F_OK), 0);
  auto warning = remove_pidfile(path);
  ASSERT_TRUE(warning);
  EXPECT_EQ(*warning, "Could not remove the pid file " + path + ": No such file or directory");
}

TEST(ProcessSetupTest, UnwritablePidfileIsAnError) {
  auto error = write_pidfile("/nonexistent-dir-shoal/x.pid", 1);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->exit_code, 71);
  EXPECT_EQ(error->message,
            "Could not open the pid file /nonexistent-dir-shoal/x.pid.tmp for writing: No such "
            "file or directory");
}

// Runs daemonize() in a forked child whose stderr goes to a pipe; `daemon`
// runs in the daemon. Returns {the child's (the waiting parent's) exit
// status, what it printed}.
std::pair<int, std::string> run_daemonize(const std::function<void(daemon_startup&)>& daemon) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    ::dup2(fds[1], STDERR_FILENO);
    ::close(fds[1]);
    auto result = daemonize(false);
    if (auto* error = std::get_if<startup_error>(&result)) ::_exit(100 + error->exit_code);
    daemon(std::get<daemon_startup>(result));
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string output;
  char buffer[512];
  ssize_t n;
  // Read until the waiting parent exits; the daemon's stderr is /dev/null.
  while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) output.append(buffer, n);
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  while (!output.empty() && output.back() == '\n') output.pop_back();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), output};
}

bool process_gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return true;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string skip, state;
  stat >> skip >> skip >> state;  // "pid (comm) state": a zombie is gone for us
  return state == "Z";
}

std::string link_target(const std::string& path) {
  char buffer[4096];
  ssize_t n = ::readlink(path.c_str(), buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, n) : "";
}

TEST(ProcessSetupTest, DaemonDetachesWritesItsPidAndParentExitsZeroWhenReady) {
  std::string pidfile = ::testing::TempDir() + "shoal_daemon_test.pid";
  ::unlink(pidfile.c_str());
  auto [status, output] = run_daemonize([&](daemon_startup& startup) {
    if (write_pidfile(pidfile, ::getpid())) startup.failed({71, "pidfile"});
    startup.ready();
    for (;;) ::pause();  // until the test kills it
  });
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output, "");
  // The parent exits only after ready(), so the pidfile is there already.
  std::ifstream file(pidfile);
  pid_t daemon_pid = 0;
  file >> daemon_pid;
  ASSERT_GT(daemon_pid, 0);
  std::string proc = "/proc/" + std::to_string(daemon_pid);
  EXPECT_EQ(::getsid(daemon_pid), daemon_pid);  // its own session
  EXPECT_EQ(link_target(proc + "/cwd"), "/");
  EXPECT_EQ(link_target(proc + "/fd/0"), "/dev/null");
  EXPECT_EQ(link_target(proc + "/fd/1"), "/dev/null");
  EXPECT_EQ(link_target(proc + "/fd/2"), "/dev/null");
  ASSERT_EQ(::kill(daemon_pid, SIGKILL), 0);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!process_gone(daemon_pid) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(process_gone(daemon_pid));
  EXPECT_FALSE(remove_pidfile(pidfile));
}

TEST(ProcessSetupTest, DaemonStartupFailureReachesTheParentsStatusAndStderr) {
  auto [status, output] = run_daemonize([](daemon_startup& startup) {
    startup.failed({71, "failed to listen on one of interface(s) 127.0.0.1: Address in use"});
    ::_exit(71);
  });
  EXPECT_EQ(status, 71);
  EXPECT_EQ(output, "failed to listen on one of interface(s) 127.0.0.1: Address in use");
}

TEST(ProcessSetupTest, AbandonedDaemonStartupIsAFailure) {
  auto [status, output] = run_daemonize([](daemon_startup& startup) {
    daemon_startup gone = std::move(startup);
    (void)gone;  // destroyed without ready() or failed()
  });
  EXPECT_EQ(status, 71);
  EXPECT_EQ(output, "daemon start-up was abandoned");
}

TEST(ProcessSetupTest, DaemonDyingWithoutReportPassesItsStatusOn) {
  auto [status, output] = run_daemonize([](daemon_startup&) { ::_exit(3); });
  EXPECT_EQ(status, 3);
}

}  // namespace
}  // namespace shoal::server
