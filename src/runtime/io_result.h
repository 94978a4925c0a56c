// io_result<T> is what every I/O operation on the data path returns: a value
// or a std::error_code (system_category, i.e. an errno value). No exceptions
// cross the data path; setup calls (listen, bind) throw instead.
//
//   io_result<size_t> r = co_await sock.recv(buf);
//   if (!r.ok()) { if (r.error() == std::errc::operation_canceled) ...; }
//   size_t n = *r;
//
// Comparing error() with a std::errc value works (system errors map onto the
// generic ones).
#pragma once

#include <cerrno>
#include <system_error>
#include <utility>

#include "base/assert.h"

namespace shoal {

inline std::error_code errno_code(int error) noexcept {
  return std::error_code(error, std::system_category());
}

template <typename T = void>
class [[nodiscard]] io_result {
 public:
  io_result(T value) noexcept(std::is_nothrow_move_constructible_v<T>)  // NOLINT: implicit
      : value_(std::move(value)) {}
  io_result(std::error_code error) noexcept : error_(error) {}  // NOLINT: implicit
  static io_result from_errno(int error) noexcept { return io_result(errno_code(error)); }

  bool ok() const noexcept { return !error_; }
  explicit operator bool() const noexcept { return ok(); }
  std::error_code error() const noexcept { return error_; }

  // Requires ok().
  T& value() & noexcept {
    SHOAL_DEBUG_ASSERT(ok());
    return value_;
  }
  const T& value() const& noexcept {
    SHOAL_DEBUG_ASSERT(ok());
    return value_;
  }
  T&& value() && noexcept {
    SHOAL_DEBUG_ASSERT(ok());
    return std::move(value_);
  }
  T& operator*() & noexcept { return value(); }
  const T& operator*() const& noexcept { return value(); }
  T&& operator*() && noexcept { return std::move(*this).value(); }
  T* operator->() noexcept { return &value(); }
  const T* operator->() const noexcept { return &value(); }

 private:
  T value_{};
  std::error_code error_;
};

template <>
class [[nodiscard]] io_result<void> {
 public:
  io_result() noexcept = default;
  io_result(std::error_code error) noexcept : error_(error) {}  // NOLINT: implicit
  static io_result from_errno(int error) noexcept { return io_result(errno_code(error)); }

  bool ok() const noexcept { return !error_; }
  explicit operator bool() const noexcept { return ok(); }
  std::error_code error() const noexcept { return error_; }

 private:
  std::error_code error_;
};

}  // namespace shoal
