# Start-order hints for ctest -j2 on a clean clone. With no
# Testing/Temporary/CTestCostData.txt yet (every CI run), ctest starts tests in
# the order they were declared, so a 20-60 s test declared last runs alone at
# the end while the other slot idles. A test's COST is its wall time in
# seconds under ASan (build/asan, 2026-12-01); ctest starts the costliest
# first. Only order changes: nothing here skips or shortens a test. After one
# run, ctest's own cost data takes over.
set(TOBACCO_TEST_COSTS
  integration_access_matrix_test=63
  integration_fhir_listener_limits_test=29
  integration_delivery_crash_test=25
  integration_safety_loop_test=24
  integration_server_sent_events_test=20
  integration_crash_recovery_test=17
  integration_audit_chain_test=16
  integration_engagement_test=14
  integration_listener_limits_test=13
  integration_fhir_process_message_test=10
  integration_referrer_visibility_test=10
  integration_delivery_test=9
  integration_outcome_rules_test=9
  integration_console_serving_test=8
  integration_console_identity_test=8
  http_server_test=8)

# tobacco_test_cost(<test>): sets COST from the table above, if listed.
function(tobacco_test_cost test)
  foreach(entry ${TOBACCO_TEST_COSTS})
    if(entry MATCHES "^${test}=([0-9]+)$")
      set_tests_properties(${test} PROPERTIES COST ${CMAKE_MATCH_1})
    endif()
  endforeach()
endfunction()
