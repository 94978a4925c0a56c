// Backend-independent pieces: naming the backend kinds, and the safety net
// for an operation whose frame is destroyed while it is pending.
#include "runtime/reactor_backend.h"

namespace shoal {

const char* to_string(reactor_backend_kind kind) noexcept {
  switch (kind) {
    case reactor_backend_kind::automatic:
      return "automatic";
    case reactor_backend_kind::epoll:
      return "epoll";
    case reactor_backend_kind::io_uring:
      return "io_uring";
  }
  return "?";
}

std::optional<reactor_backend_kind> parse_reactor_backend_kind(std::string_view text) noexcept {
  if (text == "epoll") return reactor_backend_kind::epoll;
  if (text == "io_uring" || text == "uring") return reactor_backend_kind::io_uring;
  if (text == "auto" || text == "automatic") return reactor_backend_kind::automatic;
  return std::nullopt;
}

namespace detail {

void io_op::forget() noexcept {
  if (fd != nullptr) fd->backend->forget(*this);
}

}  // namespace detail
}  // namespace shoal
