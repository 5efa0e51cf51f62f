# Optional libtorch part of the standalone build (included by standalone.cmake).
#
# Design: only test/infer/test-ckpt-load links libtorch (Debian's libtorch-dev
# 1.13, found through its TorchConfig.cmake), as its own executable, so the
# rest of the build never depends on libtorch. ctest gets one
# infer/ckpt-load-<NAME> test per checkpoint in ckpts/ that has its
# NAME.check.bin (gen/export.py writes both); the re-scan happens at
# configure time. infer/gen-fake-e2e (test/infer/test_gen_fake.py) trains,
# exports and reloads a model on synthetic data with M3_TORCH_PYTHON (a
# python3 with numpy and torch; Debian's /usr/bin/python3 by default), and
# runs test-ckpt-load on the result when it is built.
# Cost: configure runs one `import torch` (~1 s); the e2e test takes ~30 s
# on 2 cores, each checkpoint test a few seconds.
find_package(Torch QUIET)
if(Torch_FOUND)
  add_executable(test-ckpt-load test/infer/test-ckpt-load.cc)
  target_link_libraries(test-ckpt-load ${TORCH_LIBRARIES})
  file(GLOB M3_CKPT_FILES ${CMAKE_SOURCE_DIR}/ckpts/*.pt)
  foreach(pt ${M3_CKPT_FILES})
    get_filename_component(name ${pt} NAME_WE)
    get_filename_component(dir ${pt} DIRECTORY)
    if(EXISTS ${dir}/${name}.check.bin)
      # Outputs must match Python's; the time for 500 paths is printed (the
      # budget, 0.5 s, is a benchmark number, not a pass/fail criterion).
      add_test(NAME infer/ckpt-load-${name}
               COMMAND test-ckpt-load ${pt} ${dir}/${name}.check.bin)
    endif()
  endforeach()
  set(M3_CKPT_LOADER $<TARGET_FILE:test-ckpt-load>)
else()
  message(STATUS "libtorch not found: no checkpoint load test (install libtorch-dev)")
  set(M3_CKPT_LOADER "")
endif()

set(M3_TORCH_PYTHON /usr/bin/python3 CACHE FILEPATH "python3 with numpy and torch (gen/)")
execute_process(COMMAND ${M3_TORCH_PYTHON} -c "import numpy, torch"
                RESULT_VARIABLE M3_TORCH_PYTHON_RC OUTPUT_QUIET ERROR_QUIET)
if(M3_TORCH_PYTHON_RC EQUAL 0)
  add_test(NAME infer/gen-fake-e2e
           COMMAND ${M3_TORCH_PYTHON} ${CMAKE_SOURCE_DIR}/test/infer/test_gen_fake.py
                   ${CMAKE_BINARY_DIR}/gen-fake-e2e ${M3_CKPT_LOADER})
else()
  message(STATUS "${M3_TORCH_PYTHON} lacks numpy/torch: no gen/ end-to-end test")
endif()
