# SPDX-License-Identifier: GPL-2.0-only
# Standalone build against an installed ns-3 (Debian 12: libns3-dev 3.37).
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE Release)
endif()
set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
enable_testing()

# AddressSanitizer + UndefinedBehaviorSanitizer over everything this build
# compiles (the C core, the tools, the ns-3 module, the tests); ns-3 itself
# and libtorch stay as Debian built them. ./m3.sh test makes such a build in
# build-asan (with -DM3_WITH_TORCH=OFF) and runs the core tests, the tools'
# and malformed-input suites and the ns-3 suites there (ctest -L asan).
option(M3_SANITIZE "build with -fsanitize=address,undefined (reports stop the program)" OFF)
if(M3_SANITIZE)
  # -O1 -g1: quicker to build than Release's -O3, line numbers in reports
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer -O1 -g1)
  add_link_options(-fsanitize=address,undefined)
endif()

include(${CMAKE_CURRENT_LIST_DIR}/core.cmake)

# ---- C core tests (ctest) ----
foreach(src ${M3_CORE_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  set_target_properties(${name} PROPERTIES C_STANDARD 11)
  target_compile_options(${name} PRIVATE -Wall -Wextra -O2)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/test/core)
  target_link_libraries(${name} m3core)
  add_test(NAME core/${name} COMMAND ${name}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/test/core)
endforeach()
# the command-line tools end to end
add_test(NAME core/test-tools
         COMMAND bash ${CMAKE_SOURCE_DIR}/test/core/test-tools.sh ${CMAKE_BINARY_DIR})

# ---- Python bindings (bindings/m3core.py over libm3core.so) and
# gen/build_dataset.py, with Debian's python3 and its numpy ----
set(M3_BINDINGS_PYTHON /usr/bin/python3 CACHE FILEPATH "python3 (with numpy) for bindings/")
execute_process(COMMAND ${M3_BINDINGS_PYTHON} -c "import numpy"
                RESULT_VARIABLE M3_BINDINGS_NUMPY_RC OUTPUT_QUIET ERROR_QUIET)
if(M3_BINDINGS_NUMPY_RC EQUAL 0)
  add_test(NAME bindings/python
           COMMAND ${M3_BINDINGS_PYTHON} ${CMAKE_SOURCE_DIR}/bindings/test_bindings.py)
  set_tests_properties(bindings/python PROPERTIES ENVIRONMENT
    "M3CORE_LIB=$<TARGET_FILE:m3core_shared>;M3_TOOLS_DIR=$<TARGET_FILE_DIR:m3-workload>")
  # the estimators from Python (bindings/m3estimate.py); m3 mode through the
  # shim's libtorch part when it is built (M3_INFER_PLUGIN set below)
  add_test(NAME bindings/estimate
           COMMAND ${M3_BINDINGS_PYTHON} ${CMAKE_SOURCE_DIR}/bindings/test_estimate.py)
  set_tests_properties(bindings/estimate PROPERTIES ENVIRONMENT
    "M3CORE_LIB=$<TARGET_FILE:m3core_shared>")
else()
  message(STATUS "bindings/python test not added: ${M3_BINDINGS_PYTHON} lacks numpy")
endif()

# ---- the inference shim m3infer (libtorch or torch-free) and its tests ----
include(${CMAKE_CURRENT_LIST_DIR}/torch.cmake)
if(M3_INFER_TORCH AND TEST bindings/estimate)
  set_tests_properties(bindings/estimate PROPERTIES ENVIRONMENT
    "M3CORE_LIB=$<TARGET_FILE:m3core_shared>;M3_INFER_PLUGIN=$<TARGET_FILE:m3infer_torch>")
endif()
# m3 mode's benchmark (prints numbers, asserts nothing; bench/bench-m3.sh
# runs it with the packet-mode comparison)
add_executable(bench-m3 bench/bench-m3.c)
set_target_properties(bench-m3 PROPERTIES C_STANDARD 11 LINKER_LANGUAGE CXX)
target_compile_options(bench-m3 PRIVATE -O2 -Wall -Wextra)
target_link_libraries(bench-m3 m3infer m3core)
# m3 mode across processes (issue 12): tools/m3-mpi.c, when an MPI is found
# (Debian: libopenmpi-dev openmpi-bin); ctest checks that 2 and 4 ranks give
# the single process's result bit for bit.
find_package(MPI COMPONENTS C QUIET)
if(MPI_C_FOUND)
  add_executable(m3-mpi ${M3_MPI_TOOLS})
  set_target_properties(m3-mpi PROPERTIES C_STANDARD 11 LINKER_LANGUAGE CXX)
  target_compile_options(m3-mpi PRIVATE -O2 -Wall -Wextra)
  target_include_directories(m3-mpi PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/tools)
  target_link_libraries(m3-mpi MPI::MPI_C m3infer m3core)
  if(M3_INFER_TORCH AND MPIEXEC_EXECUTABLE)
    add_test(NAME mpi/ranks-equal-one
             COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/test/mpi/test-mpi.sh $<TARGET_FILE:m3-mpi>
                     ${MPIEXEC_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/ckpts/m3-medium.pt)
  endif()
endif()
# the decomposition measurement (gen/path_truth.py, doc/m3.rst "Results")
add_executable(m3-path-dump gen/m3-path-dump.c)
set_target_properties(m3-path-dump PROPERTIES C_STANDARD 11)
target_compile_options(m3-path-dump PRIVATE -O2 -Wall -Wextra)
target_link_libraries(m3-path-dump m3core)

# ---- wscript lists the same files as this build ----
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME build/wscript-sync
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/test/check-wscript.py
                   ${CMAKE_SOURCE_DIR})
  # ... and that the check can fail: a copy with one entry dropped must.
  add_test(NAME build/wscript-sync-selftest
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/test/check-wscript.py
                   --self-test ${CMAKE_SOURCE_DIR})
endif()

# ---- house rules: every source file carries its SPDX licence line
# (test/check-spdx.py), every C and C++ file is formatted
# (test/check-format.sh, with clang-format); each check also proves it
# can fail on a bad copy ----
if(Python3_Interpreter_FOUND)
  add_test(NAME house/spdx
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/test/check-spdx.py ${CMAKE_SOURCE_DIR})
  add_test(NAME house/spdx-selftest
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/test/check-spdx.py --self-test)
endif()
find_program(M3_CLANG_FORMAT clang-format)
if(M3_CLANG_FORMAT)
  add_test(NAME house/format COMMAND bash ${CMAKE_SOURCE_DIR}/test/check-format.sh)
  add_test(NAME house/format-selftest
           COMMAND bash ${CMAKE_SOURCE_DIR}/test/check-format.sh --self-test)
  set_tests_properties(house/format house/format-selftest PROPERTIES
                       ENVIRONMENT "CLANG_FORMAT=${M3_CLANG_FORMAT}")
else()
  message(STATUS "house/format test not added: clang-format not found (Debian: clang-format)")
endif()

# ---- the ns-3 module ----
find_package(ns3 3.37 QUIET COMPONENTS libcore libnetwork)
if(NOT ns3_FOUND)
  find_package(ns3 QUIET)
endif()
if(ns3_FOUND)
  # In-tree ns-3 copies module headers to include/ns3/; do the same so the
  # sources' "ns3/m3-scenario.h" includes work in both builds.
  set(M3_NS3_INCLUDE ${CMAKE_BINARY_DIR}/include)
  foreach(h ${M3_NS3_HEADERS} ${M3_CORE_HEADERS} ${M3_INFER_HEADERS})
    get_filename_component(hname ${h} NAME)
    configure_file(${h} ${M3_NS3_INCLUDE}/ns3/${hname} COPYONLY)
  endforeach()

  add_library(ns3-m3 SHARED ${M3_NS3_SOURCES})
  target_include_directories(ns3-m3 PUBLIC ${M3_NS3_INCLUDE})
  target_compile_definitions(ns3-m3 PUBLIC NS3_LOG_ENABLE NS3_ASSERT_ENABLE)
  target_compile_options(ns3-m3 PRIVATE -Wall)
  # m3infer (torch.cmake): the m3 estimator loads its model through it
  target_link_libraries(ns3-m3 PUBLIC m3core ${M3_INFER_LIBRARIES} ns3::libcore ns3::libnetwork)
  # ns-3 registers TypeIds and TestSuites from static constructors: keep
  # the module library linked even when nothing references it by symbol.
  set(M3_NS3_LINK -Wl,--no-as-needed ns3-m3 -Wl,--as-needed)

  add_executable(m3-test-runner test/test-runner.cc ${M3_NS3_TEST_SOURCES})
  target_compile_definitions(m3-test-runner PRIVATE
                             M3_TEST_DATA_DIR="${CMAKE_SOURCE_DIR}/test/data")
  target_link_libraries(m3-test-runner ${M3_NS3_LINK} ns3::libcore ns3::libnetwork)
  # TestRunner exits non-zero when a suite fails, which fails this test.
  foreach(suite m3-scenario m3-shared-buffer m3-switch m3-cc m3-rdma-nic m3-packet)
    add_test(NAME ns3/${suite} COMMAND m3-test-runner --suite=${suite} --verbose)
  endforeach()
  # the estimators, their helper and M3Result (test/m3-estimator-test-suite.cc; m3suite)
  foreach(m3suite m3-flowsim-estimator m3-packet-estimator m3-model-estimator
                  m3-estimator-helper m3-result)
    add_test(NAME ns3/${m3suite} COMMAND m3-test-runner --suite=${m3suite} --verbose)
  endforeach(m3suite)

  foreach(ex ${M3_EXAMPLES})
    add_executable(${ex} examples/${ex}.cc)
    target_link_libraries(${ex} ${M3_NS3_LINK} ns3::libcore ns3::libnetwork)
  endforeach()
  # The main job end to end on a small scenario, files included.
  add_test(NAME ns3/m3-compare-smoke
           COMMAND m3-compare --mode=flowsim,m3 --parking-lot=5 --workload=cache
                   --num-flows=2000 --out=${CMAKE_BINARY_DIR}/smoke)
  # A counterfactual sweep in m3 mode, sweep.json written.
  add_test(NAME ns3/m3-compare-sweep
           COMMAND m3-compare --mode=m3 --k-ary=4 --num-flows=2000 --cc=hpcc
                   --sweep=hpcc_eta:0.7,0.95 --out=${CMAKE_BINARY_DIR}/smoke-sweep)
  # Both modes on one small scenario: packet mode end to end, one summary.json.
  add_test(NAME ns3/m3-compare-packet-smoke
           COMMAND m3-compare --mode=packet,flowsim --parking-lot=5 --workload=cache
                   --num-flows=300 --out=${CMAKE_BINARY_DIR}/smoke-packet)

  # Path training samples and the gen/ driver end to end (bindings as oracle).
  if(M3_BINDINGS_NUMPY_RC EQUAL 0)
    add_test(NAME ns3/gen-path
             COMMAND ${M3_BINDINGS_PYTHON} ${CMAKE_SOURCE_DIR}/gen/test_generate.py)
    set_tests_properties(ns3/gen-path PROPERTIES ENVIRONMENT
      "M3CORE_LIB=$<TARGET_FILE:m3core_shared>;M3_GEN_PATH=$<TARGET_FILE:m3-gen-path>")
  endif()

  # Packet-mode benchmark (not a test: run it by hand, --quick for a short one).
  add_executable(bench-packet bench/bench-packet.cc)
  target_link_libraries(bench-packet ${M3_NS3_LINK} ns3::libcore ns3::libnetwork)
else()
  message(WARNING "ns-3 not found: building the C core only (install libns3-dev)")
endif()

# ---- the malformed-input suite (test/malformed/): every tool and input
# kind fed the mistakes a user makes, each with its message and exit code ----
if(Python3_Interpreter_FOUND)
  set(M3_MALFORMED_ARGS -j 2)
  if(NOT M3_INFER_TORCH)
    list(APPEND M3_MALFORMED_ARGS --no-torch)
  endif()
  add_test(NAME malformed/suite
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/test/malformed/run.py
                   ${CMAKE_BINARY_DIR} ${M3_MALFORMED_ARGS})
endif()

# ---- fuzzing (test/fuzz/): the libFuzzer harnesses of every parser, built
# with clang in a project of their own (ExternalProject, into fuzz/ of this
# build), and a short run of each as a test. ./m3.sh test turns it on when
# clang is installed. ----
option(M3_FUZZ "build the libFuzzer harnesses with clang and run each briefly (ctest fuzz/*)"
       OFF)
set(M3_FUZZ_SECONDS 20 CACHE STRING "seconds of each harness's short run under ctest")
if(M3_FUZZ)
  find_program(M3_CLANG clang)
  find_program(M3_CLANGXX clang++)
  if(NOT M3_CLANG OR NOT M3_CLANGXX)
    message(FATAL_ERROR "M3_FUZZ needs clang and clang++ (Debian: clang libclang-rt-dev)")
  endif()
  include(ExternalProject)
  string(REPLACE ";" "|" M3_FUZZ_CORE_SOURCES "${M3_CORE_SOURCES}")
  ExternalProject_Add(m3-fuzz
    SOURCE_DIR ${CMAKE_SOURCE_DIR}/test/fuzz
    BINARY_DIR ${CMAKE_BINARY_DIR}/fuzz
    LIST_SEPARATOR |
    CMAKE_ARGS -DCMAKE_C_COMPILER=${M3_CLANG} -DCMAKE_CXX_COMPILER=${M3_CLANGXX}
               -DM3_CORE_SOURCES=${M3_FUZZ_CORE_SOURCES} -DFUZZ_SECONDS=${M3_FUZZ_SECONDS}
    BUILD_ALWAYS ON
    INSTALL_COMMAND "")
  foreach(h topology flows config size-cdf tm numbers ckpt-meta)
    add_test(NAME fuzz/${h}
             COMMAND ${CMAKE_CTEST_COMMAND} --output-on-failure -R ^fuzz/${h}$
             WORKING_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
  endforeach()
endif()

# ---- the tests a sanitizer build runs (ctest -L asan in build-asan, by
# ./m3.sh test): the C core's tests, the tools' and malformed-input suites,
# the ns-3 suites and a packet + flowSim run of m3-compare (m3 mode needs
# libtorch, which this build leaves out). Python tests are left out
# (their interpreter does not load the sanitizer runtime first); so are the
# fuzz runs, which have sanitizers of their own. ----
set(M3_ASAN_TESTS core/test-tools malformed/suite ns3/m3-compare-packet-smoke)
foreach(src ${M3_CORE_TESTS})
  get_filename_component(name ${src} NAME_WE)
  list(APPEND M3_ASAN_TESTS core/${name})
endforeach()
foreach(suite m3-scenario m3-shared-buffer m3-switch m3-cc m3-rdma-nic m3-packet
              m3-flowsim-estimator m3-packet-estimator m3-model-estimator
              m3-estimator-helper m3-result)
  list(APPEND M3_ASAN_TESTS ns3/${suite})
endforeach()
foreach(t ${M3_ASAN_TESTS})
  if(TEST ${t})
    set_property(TEST ${t} APPEND PROPERTY LABELS asan)
    if(M3_SANITIZE)
      # every report stops the program and fails the test (no suppressions)
      set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT
        "ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
        "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
    endif()
  endif()
endforeach()

# A test that hangs fails after 5 minutes instead of blocking CI (the
# whole suite takes well under a minute).
get_property(M3_ALL_TESTS DIRECTORY PROPERTY TESTS)
set_tests_properties(${M3_ALL_TESTS} PROPERTIES TIMEOUT 300)
