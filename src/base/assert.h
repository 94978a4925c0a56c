// SHOAL_ASSERT checks an invariant in every build type; a broken invariant is a
// bug, so it aborts with the condition and its location rather than limping on.
// SHOAL_DEBUG_ASSERT is compiled out of release (NDEBUG) builds: use it on hot
// paths for checks that are too costly to keep (ownership, bounds).
#pragma once

namespace shoal::detail {
[[noreturn]] void assert_failed(const char* condition, const char* file, int line,
                                const char* message) noexcept;
}  // namespace shoal::detail

#define SHOAL_ASSERT(cond)                                                       \
  do {                                                                           \
    if (__builtin_expect(!(cond), 0))                                            \
      ::shoal::detail::assert_failed(#cond, __FILE__, __LINE__, nullptr);        \
  } while (0)

#define SHOAL_ASSERT_MSG(cond, msg)                                              \
  do {                                                                           \
    if (__builtin_expect(!(cond), 0))                                            \
      ::shoal::detail::assert_failed(#cond, __FILE__, __LINE__, (msg));          \
  } while (0)

#ifdef NDEBUG
#define SHOAL_DEBUG_ASSERT(cond) \
  do {                           \
  } while (0)
#else
#define SHOAL_DEBUG_ASSERT(cond) SHOAL_ASSERT(cond)
#endif
