#include "base/assert.h"

#include <cstdio>
#include <cstdlib>

namespace shoal::detail {

void assert_failed(const char* condition, const char* file, int line,
                   const char* message) noexcept {
  std::fprintf(stderr, "shoal: assertion failed: %s (%s:%d)%s%s\n", condition, file, line,
               message ? ": " : "", message ? message : "");
  std::fflush(stderr);
  std::abort();
}

}  // namespace shoal::detail
