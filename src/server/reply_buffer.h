// reply_buffer is a growable byte buffer that reply bytes are written into: a
// connection's local replies, or the replies another shard renders for it. It
// models protocol::reply_sink (append), does not zero what it allocates, and
// keeps its capacity across clear() so the steady state does not allocate.
//
// Threading: owned by one shard at a time. A buffer filled on a key's owner
// shard is moved back to the connection's shard with the completion (explicit
// hand-over of ownership; the memory is freed wherever its owner is then).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

namespace shoal::server {

class reply_buffer {
 public:
  reply_buffer() = default;
  reply_buffer(const reply_buffer&) = delete;
  reply_buffer& operator=(const reply_buffer&) = delete;
  reply_buffer(reply_buffer&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)),
        size_(std::exchange(o.size_, 0)),
        capacity_(std::exchange(o.capacity_, 0)) {}
  reply_buffer& operator=(reply_buffer&& o) noexcept {
    if (this != &o) {
      std::free(data_);
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      capacity_ = std::exchange(o.capacity_, 0);
    }
    return *this;
  }
  ~reply_buffer() { std::free(data_); }

  void append(const char* p, size_t n) {
    if (size_ + n > capacity_) grow(size_ + n);
    std::memcpy(data_ + size_, p, n);
    size_ += n;
  }
  void append(std::string_view s) { append(s.data(), s.size()); }

  // Room for `n` more bytes at the end, to be written and then commit()ed.
  char* prepare(size_t n) {
    if (size_ + n > capacity_) grow(size_ + n);
    return data_ + size_;
  }
  void commit(size_t n) { size_ += n; }

  void reserve(size_t n) {
    if (n > capacity_) grow(n);
  }
  void clear() { size_ = 0; }
  // Drops the bytes from `n` on (undoes replies written after a mark).
  void truncate(size_t n) {
    if (n < size_) size_ = n;
  }
  // Frees the storage when it grew past `keep` bytes (after a huge reply).
  void shrink_to(size_t keep) {
    if (capacity_ > keep && size_ == 0) {
      std::free(data_);
      data_ = nullptr;
      capacity_ = 0;
    }
  }

  const char* data() const { return data_; }
  char* data() { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {data_, size_}; }
  std::string_view view(size_t begin, size_t end) const { return {data_ + begin, end - begin}; }

 private:
  void grow(size_t need) {
    size_t cap = capacity_ ? capacity_ * 2 : 4096;
    while (cap < need) cap *= 2;
    void* p = std::realloc(data_, cap);
    if (p == nullptr) throw std::bad_alloc();
    data_ = static_cast<char*>(p);
    capacity_ = cap;
  }

  char* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace shoal::server
