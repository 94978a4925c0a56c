// Coroutine frames come from here. A server makes a task per connection, per
// cross-shard call and per batch, so frame allocation is on the request path;
// a per-thread free list per size class turns it into a pointer pop instead
// of a trip through malloc. Frames are created and destroyed on the same
// shard in the normal case; one freed on another thread simply joins that
// thread's list (the memory is not tied to a thread).
//
// Sizes are rounded up to 64 bytes; frames above 4 KiB go straight to
// operator new. Each thread keeps at most 4 MiB cached. Under sanitizers the
// cache is bypassed so that ASan sees every use-after-free of a frame.
#include "runtime/frame_allocator.h"

#include <cstddef>
#include <new>

#include "runtime/task.h"

namespace shoal::detail {

namespace {

constexpr std::size_t k_granule = 64;
constexpr std::size_t k_classes = 64;  // up to 4 KiB
constexpr std::size_t k_max_cached_bytes = 4u << 20;

struct free_frame_node {
  free_frame_node* next;
};

struct frame_cache {
  free_frame_node* heads[k_classes];
  std::size_t cached_bytes;
};

constinit thread_local frame_cache t_cache{};

#ifdef SHOAL_SANITIZER_BUILD
constexpr bool k_use_cache = false;
#else
constexpr bool k_use_cache = true;
#endif

}  // namespace

void* allocate_frame(std::size_t size) {
  if (k_use_cache && size <= k_granule * k_classes) {
    const std::size_t cls = (size - 1) / k_granule;
    frame_cache& cache = t_cache;
    if (free_frame_node* node = cache.heads[cls]) {
      cache.heads[cls] = node->next;
      cache.cached_bytes -= (cls + 1) * k_granule;
      return node;
    }
    return ::operator new((cls + 1) * k_granule);
  }
  return ::operator new(size);
}

void free_frame(void* frame, std::size_t size) noexcept {
  if (k_use_cache && size <= k_granule * k_classes) {
    const std::size_t cls = (size - 1) / k_granule;
    const std::size_t rounded = (cls + 1) * k_granule;
    frame_cache& cache = t_cache;
    if (cache.cached_bytes + rounded <= k_max_cached_bytes) {
      auto* node = static_cast<free_frame_node*>(frame);
      node->next = cache.heads[cls];
      cache.heads[cls] = node;
      cache.cached_bytes += rounded;
      return;
    }
    ::operator delete(frame, rounded);
    return;
  }
  ::operator delete(frame, size);
}

void release_frame_cache() noexcept {
  frame_cache& cache = t_cache;
  for (std::size_t cls = 0; cls < k_classes; ++cls) {
    while (free_frame_node* node = cache.heads[cls]) {
      cache.heads[cls] = node->next;
      ::operator delete(node, (cls + 1) * k_granule);
    }
  }
  cache.cached_bytes = 0;
}

}  // namespace shoal::detail
