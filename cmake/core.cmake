# SPDX-License-Identifier: GPL-2.0-only
# The C core library and its tools; shared by both build flavours.
find_package(PkgConfig QUIET)
find_library(M3_GSL_LIB gsl REQUIRED)
find_library(M3_GSLCBLAS_LIB gslcblas REQUIRED)
find_path(M3_GSL_INCLUDE gsl/gsl_rng.h REQUIRED)

# The sources compile once, position-independent, into an object library
# that both the static library (linked into the tools and the ns-3 module)
# and the shared one (libm3core.so, loaded by bindings/m3core.py) are made
# of. $<TARGET_OBJECTS> rather than linking the object library keeps it out
# of m3core's link interface, so ns-3's export of m3core needs nothing more.
add_library(m3core_obj OBJECT ${M3_CORE_SOURCES})
set_target_properties(m3core_obj PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON
                                            POSITION_INDEPENDENT_CODE ON)
target_include_directories(m3core_obj PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/model/core
                                              ${M3_GSL_INCLUDE})
target_compile_options(m3core_obj PRIVATE -Wall -Wextra -O2)

add_library(m3core STATIC $<TARGET_OBJECTS:m3core_obj>)
set_target_properties(m3core PROPERTIES LINKER_LANGUAGE C)
# BUILD_INTERFACE: ns-3's in-tree build exports m3core, and an exported
# target may not point into the source tree.
target_include_directories(m3core PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/model/core>)
# m3 mode runs its paths on POSIX threads (estimate-m3.c).
find_package(Threads REQUIRED)
target_link_libraries(m3core PUBLIC ${M3_GSL_LIB} ${M3_GSLCBLAS_LIB} m Threads::Threads)

add_library(m3core_shared SHARED $<TARGET_OBJECTS:m3core_obj>)
set_target_properties(m3core_shared PROPERTIES OUTPUT_NAME m3core LINKER_LANGUAGE C)
target_link_libraries(m3core_shared PRIVATE ${M3_GSL_LIB} ${M3_GSLCBLAS_LIB} m Threads::Threads)

# The library targets, for build flavours that adjust them (in-tree).
set(M3_CORE_LIBRARIES m3core_obj m3core m3core_shared)

# The executables made here, for build flavours that adjust them (in-tree).
set(M3_CORE_EXECUTABLES bench-flowsim bench-scale)
foreach(src ${M3_TOOLS})
  get_filename_component(name ${src} NAME_WE)
  list(APPEND M3_CORE_EXECUTABLES ${name})
  add_executable(${name} ${src})
  set_target_properties(${name} PROPERTIES C_STANDARD 11)
  target_compile_options(${name} PRIVATE -Wall -Wextra -O2)
  target_link_libraries(${name} m3core)
endforeach()

foreach(bench bench-flowsim bench-scale)
  add_executable(${bench} bench/${bench}.c)
  set_target_properties(${bench} PROPERTIES C_STANDARD 11)
  target_compile_options(${bench} PRIVATE -O2)
  target_link_libraries(${bench} m3core)
endforeach()
