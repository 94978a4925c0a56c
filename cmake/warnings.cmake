# Warnings every Shoal target compiles with; -Werror unless SHOAL_WERROR is OFF.
add_library(shoal_warnings INTERFACE)
target_compile_options(shoal_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor -Wcast-align
  -Wimplicit-fallthrough -Wno-missing-field-initializers
  # GCC 12 at -O3 reports std::string's operator+ with a literal as an
  # overlapping memcpy (GCC bug 105329, a false positive); it would break
  # every Release build of code that writes "k" + std::to_string(i).
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
if(SHOAL_WERROR)
  target_compile_options(shoal_warnings INTERFACE -Werror)
endif()
