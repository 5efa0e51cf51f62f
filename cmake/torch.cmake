# SPDX-License-Identifier: GPL-2.0-only
# The inference shim (model/infer/, C API m3-infer.h) and, in the standalone
# build, its tests. Included by standalone.cmake and in-tree.cmake.
#
# Design: m3infer is the static, position-independent library that the ns-3
# module and the programs link (M3_INFER_LIBRARIES). With libtorch (Debian's
# libtorch-dev 1.13, found through its TorchConfig.cmake; turn it off with
# -DM3_WITH_TORCH=OFF) it is the front m3-infer-dl.c, which needs only libdl
# and loads the plugin m3infer_torch (libm3infer-torch.so: m3-infer.cc, the
# only file that includes libtorch headers, linked with m3core and libtorch)
# with dlopen on the first m3_model_load. libtorch costs about 0.5 s at the
# start of every program that links it (its operators register themselves
# when it is loaded), so linking it into the module would slow every ns-3
# program, flowSim runs and training-sample generation included; this way
# only a program that loads a model pays. The plugin's path is compiled into
# the front ($M3_INFER_PLUGIN overrides it). Without libtorch m3infer is
# m3-infer-none.c: m3_model_load refuses with how to get libtorch, and
# m3_infer_available() returns 0.
# Sets M3_INFER_LIBRARIES (link this: m3infer), M3_INFER_TARGETS (every
# target made here) and M3_INFER_TORCH (ON/OFF).
#
# Tests (standalone): infer/ckpt-load-<NAME> per checkpoint in ckpts/ with
# its NAME.check.bin (the re-scan happens at configure time):
# test/infer/test-infer.c loads it through the C API, compares the check
# outputs and prints the costs; infer/bad-ckpts: broken copies of
# ckpts/m3-medium must be refused with a message; infer/gen-fake-e2e
# (test/infer/test_gen_fake.py) trains, exports and loads a model on
# synthetic data with M3_TORCH_PYTHON (a python3 with numpy and torch;
# Debian's /usr/bin/python3 by default); infer/no-plugin: the plugin missing
# gives a refusal. Without libtorch: infer/unavailable checks the refusal.
# Cost: m3-infer.cc takes about half a minute to compile (libtorch's
# headers); configure runs one `import torch` (~1 s); the e2e test takes
# ~40 s on 2 cores, the other tests a few seconds each.
option(M3_WITH_TORCH "build the inference shim with libtorch when it is found" ON)
if(M3_WITH_TORCH)
  find_package(Torch QUIET)
endif()

if(Torch_FOUND)
  find_path(M3_NLOHMANN_JSON_INCLUDE nlohmann/json.hpp)
  if(NOT M3_NLOHMANN_JSON_INCLUDE)
    message(FATAL_ERROR "libtorch found but not nlohmann/json.hpp: install nlohmann-json3-dev "
                        "(or configure with -DM3_WITH_TORCH=OFF)")
  endif()
  add_library(m3infer_torch MODULE ${M3_INFER_SOURCES})
  set_target_properties(m3infer_torch PROPERTIES OUTPUT_NAME m3infer-torch)
  target_include_directories(m3infer_torch PRIVATE ${M3_NLOHMANN_JSON_INCLUDE})
  target_compile_options(m3infer_torch PRIVATE -Wall -Wextra)
  target_link_options(m3infer_torch PRIVATE -Wl,--no-undefined)
  target_link_libraries(m3infer_torch PRIVATE m3core ${TORCH_LIBRARIES} ${CMAKE_DL_LIBS})

  add_library(m3infer STATIC ${M3_INFER_DL_SOURCES})
  target_compile_definitions(m3infer PRIVATE
                             M3_INFER_PLUGIN_PATH="$<TARGET_FILE:m3infer_torch>")
  target_link_libraries(m3infer PUBLIC m3core ${CMAKE_DL_LIBS})
  add_dependencies(m3infer m3infer_torch) # whoever links m3infer gets the plugin built
  set(M3_INFER_TARGETS m3infer m3infer_torch)
  set(M3_INFER_TORCH ON)
else()
  if(M3_WITH_TORCH)
    message(STATUS "libtorch not found: the m3 mode cannot load a model (install libtorch-dev)")
  endif()
  add_library(m3infer STATIC ${M3_INFER_NONE_SOURCES})
  target_link_libraries(m3infer PUBLIC m3core)
  set(M3_INFER_TARGETS m3infer)
  set(M3_INFER_TORCH OFF)
endif()
# linked into the shared ns-3 module library
set_target_properties(m3infer PROPERTIES C_STANDARD 11 POSITION_INDEPENDENT_CODE ON)
target_compile_options(m3infer PRIVATE -Wall -Wextra)
target_include_directories(m3infer PUBLIC
                           $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/model/infer>)
set(M3_INFER_LIBRARIES m3infer)

if(COMMAND build_lib)
  return() # in-tree: the tests below are wired in the standalone build only
endif()

add_executable(test-infer test/infer/test-infer.c)
add_executable(test-infer-bad test/infer/test-infer-bad.c)
foreach(t test-infer test-infer-bad)
  set_target_properties(${t} PROPERTIES C_STANDARD 11)
  target_compile_options(${t} PRIVATE -Wall -Wextra)
  target_link_libraries(${t} m3infer)
endforeach()

if(M3_INFER_TORCH)
  file(GLOB M3_CKPT_FILES ${CMAKE_SOURCE_DIR}/ckpts/*.pt)
  foreach(pt ${M3_CKPT_FILES})
    get_filename_component(name ${pt} NAME_WE)
    get_filename_component(dir ${pt} DIRECTORY)
    if(EXISTS ${dir}/${name}.check.bin)
      # Outputs must match Python's; the time for 500 paths is printed, not
      # asserted (a benchmark number, not a pass/fail criterion).
      add_test(NAME infer/ckpt-load-${name} COMMAND test-infer ${pt})
    endif()
  endforeach()
  if(EXISTS ${CMAKE_SOURCE_DIR}/ckpts/m3-medium.pt)
    add_test(NAME infer/bad-ckpts
             COMMAND test-infer-bad ${CMAKE_SOURCE_DIR}/ckpts/m3-medium.pt
                     ${CMAKE_BINARY_DIR}/infer-bad)
  endif()
  # the plugin missing: a refusal that says so, not a crash
  add_test(NAME infer/no-plugin
           COMMAND test-infer --expect-refusal "cannot load the libtorch part"
                   ${CMAKE_SOURCE_DIR}/ckpts/m3-medium.pt)
  set_tests_properties(infer/no-plugin PROPERTIES ENVIRONMENT
                       "M3_INFER_PLUGIN=${CMAKE_BINARY_DIR}/no-such-dir/libm3infer-torch.so")
  set(M3_CKPT_LOADER $<TARGET_FILE:test-infer>)
else()
  add_test(NAME infer/unavailable
           COMMAND test-infer --expect-unavailable ${CMAKE_SOURCE_DIR}/ckpts/m3-medium.pt)
  set(M3_CKPT_LOADER "")
endif()

set(M3_TORCH_PYTHON /usr/bin/python3 CACHE FILEPATH "python3 with numpy and torch (gen/)")
execute_process(COMMAND ${M3_TORCH_PYTHON} -c "import numpy, torch"
                RESULT_VARIABLE M3_TORCH_PYTHON_RC OUTPUT_QUIET ERROR_QUIET)
if(M3_TORCH_PYTHON_RC EQUAL 0)
  add_test(NAME infer/gen-fake-e2e
           COMMAND ${M3_TORCH_PYTHON} ${CMAKE_SOURCE_DIR}/test/infer/test_gen_fake.py
                   ${CMAKE_BINARY_DIR}/gen-fake-e2e ${M3_CKPT_LOADER})
  # the fake dataset takes the code's feature schema from bindings/m3core.py
  set_tests_properties(infer/gen-fake-e2e PROPERTIES ENVIRONMENT
                       "M3CORE_LIB=$<TARGET_FILE:m3core_shared>")
else()
  message(STATUS "${M3_TORCH_PYTHON} lacks numpy/torch: no gen/ end-to-end test")
endif()
