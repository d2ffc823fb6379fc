# SPDX-License-Identifier: MIT
# unit.symbolize_file_line: preload/stack.c, symbolize.c and dwlines.c compiled
# into the test itself (no engine, no preload), so "ours" is the executable.
# -O0 keeps the call the test names on the line it names.
add_executable(unit_symbolize
  ${CMAKE_CURRENT_LIST_DIR}/symbolize_test.c
  ${CMAKE_SOURCE_DIR}/preload/stack.c
  ${CMAKE_SOURCE_DIR}/preload/dwlines.c
  ${CMAKE_SOURCE_DIR}/preload/symbolize.c
  ${CMAKE_SOURCE_DIR}/preload/engine/alloc.c
  ${CMAKE_SOURCE_DIR}/preload/engine/lock.c)
target_include_directories(unit_symbolize PRIVATE
  ${CMAKE_SOURCE_DIR}/preload ${CMAKE_SOURCE_DIR}/preload/engine)
target_compile_definitions(unit_symbolize PRIVATE _GNU_SOURCE)
if(LIBDWFL_INCLUDE_DIR)
  target_include_directories(unit_symbolize PRIVATE ${LIBDWFL_INCLUDE_DIR})
  target_compile_definitions(unit_symbolize PRIVATE COFFMAN_HAVE_LIBDWFL_H)
endif()
target_compile_options(unit_symbolize PRIVATE -g -O0)
target_link_libraries(unit_symbolize PRIVATE ${CMAKE_DL_LIBS} Threads::Threads
                      coffman_warnings)
add_test(NAME unit.symbolize_file_line COMMAND unit_symbolize)
set_tests_properties(unit.symbolize_file_line PROPERTIES TIMEOUT 10
                     LABELS unit)
