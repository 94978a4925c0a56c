// input_buffer holds the bytes a connection has received and not yet parsed:
// one contiguous region, so a request is always a single string_view for the
// parser, however it was split across reads. It grows for big values
// (directly to the size the parser says a pending command needs) and shrinks
// back once that data has been consumed, so an idle connection holds little.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>
#include <string_view>

namespace shoal::server {

class input_buffer {
 public:
  static constexpr size_t k_initial = 16 * 1024;

  input_buffer() = default;
  input_buffer(const input_buffer&) = delete;
  input_buffer& operator=(const input_buffer&) = delete;
  ~input_buffer() { std::free(data_); }

  // Bytes received and not yet consumed.
  std::string_view unread() const { return {data_ + start_, end_ - start_}; }
  size_t size() const { return end_ - start_; }

  // Free space at the end for the next recv, at least `min_free` bytes, or
  // enough for the unread bytes to reach `need_total` bytes (a pending
  // command's full size). Moves unread bytes to the front when that frees
  // enough room; views into unread() are invalid afterwards.
  std::span<char> writable(size_t need_total = 0, size_t min_free = 4096) {
    if (start_ == end_ && capacity_ > 4 * k_initial && need_total <= k_initial) {
      resize(k_initial);  // a big value has been consumed: give the memory back
    }
    size_t want_free = min_free;
    if (need_total > size()) want_free = std::max(want_free, need_total - size());
    if (capacity_ - end_ >= want_free) return {data_ + end_, capacity_ - end_};
    if (start_ > 0 && capacity_ - size() >= want_free && size() <= capacity_ / 2) {
      compact();
      return {data_ + end_, capacity_ - end_};
    }
    compact();
    size_t cap = capacity_ ? capacity_ : k_initial;
    while (cap - end_ < want_free) cap *= 2;
    resize(cap);
    return {data_ + end_, capacity_ - end_};
  }
  void commit(size_t n) { end_ += n; }
  // Drops `n` bytes from the front. Never moves or frees memory, so views
  // into unread() taken before stay valid until the next writable().
  void consume(size_t n) {
    start_ += n;
    if (start_ == end_) start_ = end_ = 0;
  }

 private:
  void compact() {
    if (start_ == 0) return;
    std::memmove(data_, data_ + start_, end_ - start_);
    end_ -= start_;
    start_ = 0;
  }
  void resize(size_t cap) {
    void* p = std::realloc(data_, cap);
    if (p == nullptr) throw std::bad_alloc();
    data_ = static_cast<char*>(p);
    capacity_ = cap;
  }

  char* data_ = nullptr;
  size_t start_ = 0;
  size_t end_ = 0;
  size_t capacity_ = 0;
};

}  // namespace shoal::server
