// Registration and teardown of a pollable_fd; the operations themselves are
// the inline awaitables in pollable_fd.h, executed by the backends.
#include "runtime/pollable_fd.h"

#include <unistd.h>

#include "runtime/reactor.h"

namespace shoal {

pollable_fd pollable_fd::adopt(int fd, kind what) {
  pollable_fd result;
  try {
    result.state_ = reactor::local().backend().open(fd, what);
  } catch (...) {
    ::close(fd);
    throw;
  }
  return result;
}

void pollable_fd::close() noexcept {
  if (state_ == nullptr) return;
  detail::fd_state* state = std::exchange(state_, nullptr);
  state->backend->close(state);
}

int pollable_fd::release() noexcept {
  if (state_ == nullptr) return -1;
  detail::fd_state* state = std::exchange(state_, nullptr);
  return state->backend->release(state);
}

}  // namespace shoal
