# ThreadSanitizer build (TOBACCO_TSAN_ONLY, the "tsan" preset). Everything is
# compiled with -fsanitize=thread; Abseil must be the instrumented one that
# deploy/build_absl_tsan.sh installs (its prefix in CMAKE_PREFIX_PATH), or
# TSan cannot see absl::Mutex and reports a race on every lock.

# The unit tests of the threaded components that run on fakes: the delivery
# dispatcher, the event hub, the MLLP listener (and its limits), the
# connection caps and the HTTP server. Only tests whose name matches are
# built (tobacco_add_test) and they get the ctest label "tsan".
set(TOBACCO_TSAN_TEST_REGEX
    "mllp_listener|event_hub|delivery_dispatcher|net_connection_caps|http_server|net_tls_context_holder")

add_compile_options(-fsanitize=thread)
add_link_options(-fsanitize=thread)

# Refuse Debian's uninstrumented Abseil: it would build and then report
# nothing but false races.
find_package(absl CONFIG REQUIRED)
get_target_property(_absl_base_location absl::base LOCATION)
if(_absl_base_location MATCHES "^/usr/")
  message(FATAL_ERROR
    "TOBACCO_TSAN_ONLY needs Abseil built with -fsanitize=thread, found "
    "${_absl_base_location}. Run deploy/build_absl_tsan.sh and pass the "
    "folder it prints as -DCMAKE_PREFIX_PATH=<folder>.")
endif()
message(STATUS "ThreadSanitizer build against ${_absl_base_location}")

# All the ThreadSanitizer tests, so CI builds just them:
#   cmake --build --preset tsan --target tobacco_tsan_tests
function(tobacco_add_tsan_tests_target)
  get_property(_tests GLOBAL PROPERTY TOBACCO_TSAN_TEST_TARGETS)
  if(NOT _tests)
    message(FATAL_ERROR "TOBACCO_TSAN_ONLY: no test matches "
                        "${TOBACCO_TSAN_TEST_REGEX}")
  endif()
  add_custom_target(tobacco_tsan_tests DEPENDS ${_tests})
endfunction()
