# Standalone build against an installed ns-3 (Debian 12: libns3-dev 3.37).
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE Release)
endif()
set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
enable_testing()

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

# ---- the ns-3 module ----
find_package(ns3 3.37 QUIET COMPONENTS libcore libnetwork)
if(NOT ns3_FOUND)
  find_package(ns3 QUIET)
endif()
if(ns3_FOUND)
  add_library(ns3-m3 SHARED ${M3_NS3_SOURCES})
  target_include_directories(ns3-m3 PUBLIC ${CMAKE_SOURCE_DIR}/model ${CMAKE_SOURCE_DIR}/helper)
  target_compile_definitions(ns3-m3 PUBLIC NS3_LOG_ENABLE NS3_ASSERT_ENABLE)
  target_link_libraries(ns3-m3 PUBLIC m3core ns3::libcore ns3::libnetwork)
  # ns-3 registers TypeIds and TestSuites from static constructors: keep
  # the module library linked even when nothing references it by symbol.
  set(M3_NS3_LINK -Wl,--no-as-needed ns3-m3 -Wl,--as-needed)

  add_executable(m3-test-runner test/test-runner.cc ${M3_NS3_TEST_SOURCES})
  target_link_libraries(m3-test-runner ${M3_NS3_LINK} ns3::libcore ns3::libnetwork)
  add_test(NAME ns3/test-runner COMMAND m3-test-runner)

  foreach(ex ${M3_EXAMPLES})
    add_executable(${ex} examples/${ex}.cc)
    target_link_libraries(${ex} ${M3_NS3_LINK} ns3::libcore ns3::libnetwork)
  endforeach()
else()
  message(WARNING "ns-3 not found: building the C core only (install libns3-dev)")
endif()
