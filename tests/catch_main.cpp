// Provides main() for all hardwired test executables (linked via hardwired_catch_main).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
