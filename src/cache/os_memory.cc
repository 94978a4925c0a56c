// mmap/munmap wrappers; see os_memory.h for why the cache maps its own memory.
#include "cache/os_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include "base/assert.h"

namespace shoal::cache_detail {

size_t page_size() {
  static const size_t size = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

size_t page_round(size_t n) {
  const size_t page = page_size();
  return (n + page - 1) / page * page;
}

char* map_memory(size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<char*>(p);
}

void unmap_memory(char* p, size_t bytes) {
  const int rc = ::munmap(p, bytes);
  SHOAL_ASSERT_MSG(rc == 0, "munmap of a cache mapping failed");
}

}  // namespace shoal::cache_detail
