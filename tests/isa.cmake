# SIMD tests built once per instruction set: the host's native set where it has AVX-512,
# AVX2+FMA, and the x86-64 baseline SSE2. Each build asserts that xsimd picked the expected
# architecture (HARDWIRED_EXPECT_ARCH), so a flag that silently does nothing fails the test. A
# variant is added only when the host can run it. On x86-64 the sse2 variant is the baseline the plain
# build targets, so tests/CMakeLists.txt does not build these sources plainly as well
# (HARDWIRED_ISA_VARIANTS).
set(HARDWIRED_ISA_TEST_SOURCES test_sym_simd.cpp test_isa_bounds.cpp test_kernels.cpp
                               test_chunk_kernels.cpp test_sequence_lanes.cpp)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
    include(CheckCXXSourceRuns)
    set(CMAKE_REQUIRED_FLAGS "-mavx2 -mfma")
    check_cxx_source_runs("
        #include <immintrin.h>
        int main() { __m256 a = _mm256_set1_ps(1.f); a = _mm256_fmadd_ps(a, a, a);
                     return _mm256_cvtss_f32(a) == 2.f ? 0 : 1; }" HARDWIRED_HOST_HAS_AVX2)
    unset(CMAKE_REQUIRED_FLAGS)
    set(isa_variants "sse2|-mno-avx|sse2")
    set(HARDWIRED_ISA_VARIANTS ON)
    if(HARDWIRED_HOST_HAS_AVX2)
        list(APPEND isa_variants "avx2|-mavx2,-mfma|fma3+avx2")
        # The native variant only where it reaches past AVX2 + FMA (AVX-512): elsewhere xsimd
        # picks the same architecture for it as for the avx2 variant, which would run again.
        include(CheckCXXSourceCompiles)
        set(CMAKE_REQUIRED_FLAGS "-march=native")
        check_cxx_source_compiles("
            #ifndef __AVX512F__
            #error no AVX-512
            #endif
            int main() { return 0; }" HARDWIRED_NATIVE_HAS_AVX512)
        unset(CMAKE_REQUIRED_FLAGS)
        if(HARDWIRED_NATIVE_HAS_AVX512)
            list(APPEND isa_variants "native|-march=native|")
        endif()
    endif()
    # AVX-512 without optimization, compiled on any x86-64 host, not run: a debug build with
    # -march=native on an AVX-512 machine (avx512_unoptimized.cpp).
    add_library(avx512_unoptimized OBJECT avx512_unoptimized.cpp)
    target_compile_options(avx512_unoptimized PRIVATE -O0 -mavx512f -mavx512bw -mavx512dq
                                                      -mavx512vl -mavx512cd)
    target_link_libraries(avx512_unoptimized PRIVATE hardwired::hardwired hardwired_warnings)
    foreach(variant IN LISTS isa_variants)
        string(REPLACE "|" ";" parts "${variant}")
        list(GET parts 0 isa)
        list(GET parts 1 flags)
        list(GET parts 2 expect)
        string(REPLACE "," ";" flags "${flags}")
        foreach(src IN LISTS HARDWIRED_ISA_TEST_SOURCES)
            get_filename_component(stem ${src} NAME_WE)
            hardwired_add_test(${stem}_${isa} ${src})
            target_compile_options(${stem}_${isa} PRIVATE ${flags})
            if(expect)
                target_compile_definitions(${stem}_${isa} PRIVATE HARDWIRED_EXPECT_ARCH="${expect}")
            endif()
        endforeach()
    endforeach()
endif()
