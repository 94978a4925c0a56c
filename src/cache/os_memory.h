// Anonymous memory mappings for segments and large values. Mapping directly
// (rather than malloc) keeps what the cache accounts equal to what the process
// holds: a freed segment or value goes back to the kernel at once, and a
// segment's pages become resident only as items are written into it.
#pragma once

#include <cstddef>

namespace shoal::cache_detail {

// The kernel's page size.
size_t page_size();

// Rounds n up to whole pages.
size_t page_round(size_t n);

// Maps `bytes` (a multiple of page_size()) of zeroed, private, read-write
// memory. Returns nullptr when the kernel refuses.
char* map_memory(size_t bytes);

// Unmaps what map_memory(bytes) returned.
void unmap_memory(char* p, size_t bytes);

}  // namespace shoal::cache_detail
