# Warnings every Shoal target compiles with; -Werror unless SHOAL_WERROR is OFF.
add_library(shoal_warnings INTERFACE)
target_compile_options(shoal_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor -Wcast-align
  -Wimplicit-fallthrough -Wno-missing-field-initializers)
if(SHOAL_WERROR)
  target_compile_options(shoal_warnings INTERFACE -Werror)
endif()
