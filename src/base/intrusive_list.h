// intrusive_list links objects that derive from intrusive_list_hook, without
// allocating: O(1) insert and unlink, and an object can unlink itself from
// its destructor. Not thread-safe; one owner (shard) per list.
#pragma once

#include <cstddef>

#include "base/assert.h"

namespace shoal {

struct intrusive_list_hook {
  intrusive_list_hook* prev = nullptr;
  intrusive_list_hook* next = nullptr;

  bool linked() const { return next != nullptr; }
  void unlink() {
    if (!linked()) return;
    prev->next = next;
    next->prev = prev;
    prev = next = nullptr;
  }
};

// T must derive publicly from intrusive_list_hook (one list per object).
template <typename T>
class intrusive_list {
 public:
  intrusive_list() { head_.prev = head_.next = &head_; }
  intrusive_list(const intrusive_list&) = delete;
  intrusive_list& operator=(const intrusive_list&) = delete;
  ~intrusive_list() { SHOAL_ASSERT_MSG(empty(), "intrusive_list destroyed while not empty"); }

  void push_back(T& item) {
    intrusive_list_hook& h = item;
    SHOAL_DEBUG_ASSERT(!h.linked());
    h.prev = head_.prev;
    h.next = &head_;
    head_.prev->next = &h;
    head_.prev = &h;
    ++size_;
  }
  void erase(T& item) {
    intrusive_list_hook& h = item;
    if (!h.linked()) return;
    h.unlink();
    --size_;
  }
  bool empty() const { return head_.next == &head_; }
  size_t size() const { return size_; }

  // Calls f(T&) for each item; f may erase the item it is given.
  template <typename F>
  void for_each(F&& f) {
    intrusive_list_hook* h = head_.next;
    while (h != &head_) {
      intrusive_list_hook* next = h->next;
      f(*owner(h));
      h = next;
    }
  }

 private:
  static T* owner(intrusive_list_hook* h) { return static_cast<T*>(h); }

  intrusive_list_hook head_;
  size_t size_ = 0;
};

}  // namespace shoal
