# shoal_add_test(<name> LABEL <layer> SOURCES <files...> LIBS <targets...>)
# Builds a GoogleTest binary and registers each of its tests with CTest,
# labelled by layer so that `ctest -L cache` runs one layer.
include(GoogleTest)
function(shoal_add_test name)
  cmake_parse_arguments(arg "" "LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE ${arg_LIBS} GTest::gtest GTest::gmock GTest::gtest_main shoal_warnings)
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 120)
  endif()
  gtest_discover_tests(${name}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS "${arg_LABEL}" TIMEOUT ${arg_TIMEOUT})
endfunction()

# shoal_add_benchmark(<name> SOURCES <files...> LIBS <targets...>)
function(shoal_add_benchmark name)
  cmake_parse_arguments(arg "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE ${arg_LIBS} benchmark::benchmark shoal_warnings)
endfunction()
