// The owner of the integration tests' precompiled header
// (tests/integration/CMakeLists.txt, tobacco_integration_pch): CMake needs a
// target with a source file to compile the header with the tests' flags.
