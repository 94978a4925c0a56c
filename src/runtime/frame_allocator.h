// Per-thread cache of coroutine frames (see frame_allocator.cc). The
// allocation hooks themselves are declared in runtime/task.h.
#pragma once

namespace shoal::detail {

// Returns the calling thread's cached frames to the system allocator. Each
// shard calls it when it stops; call it on any other thread that ran tasks
// before the thread exits.
void release_frame_cache() noexcept;

}  // namespace shoal::detail
