// io_result<T> is what every I/O operation on the data path returns: a value
// or a std::error_code (system_category, i.e. an errno value). No exceptions
// cross the data path; setup calls (listen, bind) throw instead.
//
//   io_result<size_t> r = co_await sock.recv(buf);
//   if (!r.ok()) { if (r.error() == std::errc::operation_canceled) ...; }
//   size_t n = *r;
//
// Comparing error() with a std::errc value works (system errors map onto the
// generic ones). Only system (errno) errors are carried: a result stores the
// errno value and builds the std::error_code when asked, so a successful
// result costs no call into the standard library.
#pragma once

#include <cerrno>
#include <system_error>
#include <type_traits>
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
  // Requires: a system_category (errno) error.
  io_result(std::error_code error) noexcept : error_(error.value()) {}  // NOLINT: implicit
  static io_result from_errno(int error) noexcept {
    io_result r{std::error_code()};
    r.error_ = error;
    return r;
  }

  bool ok() const noexcept { return error_ == 0; }
  explicit operator bool() const noexcept { return ok(); }
  std::error_code error() const noexcept {
    return error_ == 0 ? std::error_code() : errno_code(error_);
  }

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
  int error_ = 0;  // errno, 0 = success
};

template <>
class [[nodiscard]] io_result<void> {
 public:
  io_result() noexcept = default;
  // Requires: a system_category (errno) error.
  io_result(std::error_code error) noexcept : error_(error.value()) {}  // NOLINT: implicit
  static io_result from_errno(int error) noexcept {
    io_result r;
    r.error_ = error;
    return r;
  }

  bool ok() const noexcept { return error_ == 0; }
  explicit operator bool() const noexcept { return ok(); }
  std::error_code error() const noexcept {
    return error_ == 0 ? std::error_code() : errno_code(error_);
  }

 private:
  int error_ = 0;
};

}  // namespace shoal
