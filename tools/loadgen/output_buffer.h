// output_buffer collects the bytes of a batch of requests before one send:
// a growable byte array that keeps its capacity across clear(), so after the
// first batches a connection encodes without allocating.
// Threading: one connection.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>

namespace shoal::loadgen {

class output_buffer {
 public:
  explicit output_buffer(size_t initial_capacity = 4096)
      : data_(std::make_unique_for_overwrite<char[]>(initial_capacity)),
        capacity_(initial_capacity) {}

  // Room for `n` more bytes at the end; write them, then commit(n).
  char* prepare(size_t n) {
    if (size_ + n > capacity_) grow(size_ + n);
    return data_.get() + size_;
  }
  void commit(size_t n) noexcept { size_ += n; }

  void append(std::string_view bytes) {
    std::memcpy(prepare(bytes.size()), bytes.data(), bytes.size());
    commit(bytes.size());
  }

  std::span<const char> bytes() const noexcept { return {data_.get(), size_}; }
  std::string_view view() const noexcept { return {data_.get(), size_}; }
  size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  void clear() noexcept { size_ = 0; }

 private:
  void grow(size_t needed) {
    size_t capacity = capacity_ * 2;
    while (capacity < needed) capacity *= 2;
    auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
    std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_;
};

}  // namespace shoal::loadgen
