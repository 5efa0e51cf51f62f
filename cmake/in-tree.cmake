# SPDX-License-Identifier: GPL-2.0-only
# In-tree build: this directory is <ns-3>/contrib/m3 of an ns-3 3.36+ source
# tree, whose build system defines build_lib and build_lib_example. The
# source lists come from the top CMakeLists.txt.

include(${CMAKE_CURRENT_LIST_DIR}/core.cmake)
# The inference shim m3infer (M3_INFER_LIBRARIES): libtorch when found.
include(${CMAKE_CURRENT_LIST_DIR}/torch.cmake)

# ns-3 builds with -Werror by default (NS3_WARNINGS_AS_ERRORS); the C core
# and its tools keep core.cmake's own warning policy instead. Their
# binaries go next to the module's examples, not into ns-3's top build/.
foreach(target ${M3_CORE_LIBRARIES} ${M3_INFER_TARGETS} ${M3_CORE_EXECUTABLES})
  target_compile_options(${target} PRIVATE -Wno-error)
endforeach()
set_target_properties(${M3_CORE_EXECUTABLES} PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/contrib/m3)

# ns-3 re-exports a module's libraries by default
# (NS3_REEXPORT_THIRD_PARTY_LIBRARIES), so m3core must be in its export set.
install(TARGETS m3core ${M3_INFER_LIBRARIES} EXPORT ns3ExportTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}/)

# m3.h goes with the public headers (to build/include/ns3/): the module's
# headers include it as "ns3/m3.h", which also works from scratch/.
build_lib(
  LIBNAME m3
  SOURCE_FILES ${M3_NS3_SOURCES}
  HEADER_FILES ${M3_NS3_HEADERS} ${M3_CORE_HEADERS} ${M3_INFER_HEADERS}
  LIBRARIES_TO_LINK ${M3_NS3_LIBRARIES} m3core ${M3_INFER_LIBRARIES}
  TEST_SOURCES ${M3_NS3_TEST_SOURCES}
)
# Examples: build_lib adds examples/CMakeLists.txt when they are enabled.

if(TARGET libm3-test)
  # The m3-scenario suite reads its fixtures by absolute path.
  target_compile_definitions(libm3-test PRIVATE
                             M3_TEST_DATA_DIR="${CMAKE_CURRENT_SOURCE_DIR}/test/data")
endif()

# The C core's own tests: plain programs, run with ctest from ns-3's CMake
# build directory (cmake-cache/), e.g. `ctest -R m3-core`.
if(ENABLE_TESTS)
  foreach(src ${M3_CORE_TESTS})
    get_filename_component(name ${src} NAME_WE)
    add_executable(m3-core-${name} ${src})
    set_target_properties(m3-core-${name} PROPERTIES C_STANDARD 11
      RUNTIME_OUTPUT_DIRECTORY ${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/contrib/m3/test)
    target_compile_options(m3-core-${name} PRIVATE -Wall -Wextra -Wno-error)
    target_include_directories(m3-core-${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/test/core)
    target_link_libraries(m3-core-${name} m3core)
    add_test(NAME m3-core/${name} COMMAND m3-core-${name}
             WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/test/core)
  endforeach()
  # the command-line tools end to end (they sit in build/contrib/m3)
  add_test(NAME m3-core/test-tools
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test/core/test-tools.sh
                   ${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/contrib/m3)
endif()
