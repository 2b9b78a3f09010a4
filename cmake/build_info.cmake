# The build's identity for gateway/common/build_info.h: the project() version
# and the git commit at configure time. Configure time, not build time: a
# custom command that runs git on every build would make every build do work
# (and relink both binaries) even when nothing changed. A tree without .git
# or without git (a source tarball, a container build context that leaves
# .git out) gets "unknown".
# -DTOBACCO_GIT_COMMIT=<commit> names it where .git is absent but the commit
# is known (the Dockerfile's GIT_COMMIT build argument).
set(TOBACCO_GIT_COMMIT "" CACHE STRING
    "Commit to report when the source tree has no .git (empty: ask git)")
set(TOBACCO_BUILD_COMMIT "unknown")
find_package(Git QUIET)
if(TOBACCO_GIT_COMMIT)
  set(TOBACCO_BUILD_COMMIT "${TOBACCO_GIT_COMMIT}")
elseif(GIT_FOUND AND EXISTS "${PROJECT_SOURCE_DIR}/.git")
  execute_process(
    COMMAND "${GIT_EXECUTABLE}" rev-parse --short=12 HEAD
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
    OUTPUT_VARIABLE _tobacco_commit
    OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE _tobacco_git_result
    ERROR_QUIET)
  if(_tobacco_git_result EQUAL 0 AND _tobacco_commit)
    set(TOBACCO_BUILD_COMMIT "${_tobacco_commit}")
    # Tracked files changed since that commit: say so, or a local build
    # passes for the commit it is not.
    execute_process(
      COMMAND "${GIT_EXECUTABLE}" status --porcelain --untracked-files=no
      WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
      OUTPUT_VARIABLE _tobacco_changes
      ERROR_QUIET)
    if(_tobacco_changes)
      string(APPEND TOBACCO_BUILD_COMMIT "-dirty")
    endif()
  endif()
endif()
configure_file("${CMAKE_CURRENT_LIST_DIR}/build_info_values.h.in"
               "${PROJECT_BINARY_DIR}/generated/gateway/common/build_info_values.h"
               @ONLY)
message(STATUS "tobacco-gateway ${PROJECT_VERSION}, commit ${TOBACCO_BUILD_COMMIT}")
