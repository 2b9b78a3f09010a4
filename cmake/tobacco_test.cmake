# tobacco_add_test(NAME <name> SOURCES <files...> DEPS <targets...> LABELS <labels...>)
# One executable per _test.cc, registered with ctest under the given labels.
find_package(GTest REQUIRED)
include(${CMAKE_CURRENT_LIST_DIR}/tobacco_test_costs.cmake)

function(tobacco_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  set(_skip OFF)
  if(TOBACCO_TSAN_ONLY AND NOT T_NAME MATCHES "${TOBACCO_TSAN_TEST_REGEX}")
    set(_skip ON)
  endif()
  foreach(_label ${T_LABELS})
    if(_label IN_LIST TOBACCO_LABELS_NOT_BUILT)
      set(_skip ON)
    endif()
  endforeach()
  if(_skip)
    # Not a test of this tree (a ThreadSanitizer tree, or CI's default tree
    # whose unit and integration tests run in the asan tree only,
    # TOBACCO_LABELS_NOT_BUILT): the target
    # exists (so the folder's CMakeLists can still set its properties) but
    # is never built or run.
    add_executable(${T_NAME} EXCLUDE_FROM_ALL ${T_SOURCES})
    target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} GTest::gmock
                          GTest::gtest GTest::gtest_main)
    return()
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} GTest::gmock GTest::gtest
                        GTest::gtest_main)
  # The test's own files at -O0 in every build: the code under test, in the
  # libraries, keeps the preset's optimisation (-O2, or -O1 with the
  # sanitizers). Measured on an integration test file: g++ -O2 15.7 CPU s,
  # -O0 11.5; clang ASan+UBSan -O1 14.8, -O0 8.0 (gtest's, gRPC's and
  # protobuf's templates). The sanitizers catch the same at -O0.
  target_compile_options(${T_NAME} PRIVATE -O0)
  # The integration tests' precompiled header (tests/integration/
  # CMakeLists.txt), for those with the same usage requirements as its owner.
  if("integration" IN_LIST T_LABELS AND "tobacco_server" IN_LIST T_DEPS AND
     TARGET tobacco_integration_pch)
    target_precompile_headers(${T_NAME} REUSE_FROM tobacco_integration_pch)
  endif()
  if(TOBACCO_TSAN_ONLY)
    set_property(GLOBAL APPEND PROPERTY TOBACCO_TSAN_TEST_TARGETS ${T_NAME})
    list(APPEND T_LABELS tsan)
  endif()
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}"
                       TIMEOUT ${T_TIMEOUT})
  tobacco_test_cost(${T_NAME})
  # The development PKI, made once per ctest run by the fixture test
  # dev_certs_template (tests/CMakeLists.txt); DevCerts() copies it.
  set_property(TEST ${T_NAME} APPEND PROPERTY FIXTURES_REQUIRED dev_certs)
  set_property(TEST ${T_NAME} APPEND PROPERTY ENVIRONMENT_MODIFICATION
    "TOBACCO_DEV_CERTS_TEMPLATE=set:${PROJECT_BINARY_DIR}/tests/dev_certs_template")
endfunction()

# tobacco_rerun_on_postgres(<test>): runs <test>'s executable a second time
# on PostgreSQL (issue 16) as <test>_on_postgres, label postgres: its store
# comes from tests/testing/test_store_config.h, which reads
# TOBACCO_TEST_STORE, on the fixture's server (tests/unit/store). Only in a
# tree that builds both the unit and the postgres tests.
function(tobacco_rerun_on_postgres test)
  if(TOBACCO_TSAN_ONLY OR "unit" IN_LIST TOBACCO_LABELS_NOT_BUILT OR
     "postgres" IN_LIST TOBACCO_LABELS_NOT_BUILT)
    return()
  endif()
  set(_name ${test}_on_postgres)
  add_test(NAME ${_name} COMMAND ${test})
  set_tests_properties(${_name} PROPERTIES LABELS postgres TIMEOUT 300
                       FIXTURES_REQUIRED "postgres;dev_certs")
  set_property(TEST ${_name} APPEND PROPERTY ENVIRONMENT
    "TOBACCO_TEST_STORE=postgres"
    "TOBACCO_PG_DIR=${PROJECT_BINARY_DIR}/tests/unit/store/pg")
  set_property(TEST ${_name} APPEND PROPERTY ENVIRONMENT_MODIFICATION
    "TOBACCO_DEV_CERTS_TEMPLATE=set:${PROJECT_BINARY_DIR}/tests/dev_certs_template")
endfunction()
