# Warnings for our code: -Wall -Wextra, and -Werror unless TOBACCO_WERROR is
# OFF (the clang presets turn it off and hold only the checks they exist for,
# e.g. -Werror=thread-safety). Generated protobuf/gRPC code and system headers
# come in through SYSTEM include directories, so only our code is held to it.
option(TOBACCO_WERROR "Treat compiler warnings in our code as errors" ON)

# -Wno-missing-field-initializers: g++ 12 also warns when a designated
# initializer leaves out a member that has a default, which is how STYLE.md
# builds option structs.
add_compile_options(-Wall -Wextra -Wno-missing-field-initializers)
if(TOBACCO_WERROR)
  add_compile_options(-Werror)
endif()

# Generated sources are not ours to fix: compile them without warnings.
# In the sanitizer trees (build type Sanitize) also at -O0: protobuf's
# generated code was the slowest part of the clang ASan build (29 files,
# about 540 CPU s at -O1), and the sanitizers check it as well at -O0.
function(tobacco_generated_code target)
  target_compile_options(${target} PRIVATE -w $<$<CONFIG:Sanitize>:-O0>)
endfunction()

# Keeps a target's warnings visible but not fatal. Only for code being
# rewritten elsewhere at the moment; every use carries a TODO to remove it.
function(tobacco_warnings_not_errors target)
  if(TARGET ${target})
    target_compile_options(${target} PRIVATE -Wno-error)
  endif()
endfunction()
