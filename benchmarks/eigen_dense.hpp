#pragma once
// <Eigen/Dense> for the suites' Eigen adapters (comparison/bench_eigen.cpp,
// recurrent/bench_rnn_eigen.cpp), single-threaded: EIGEN_DONT_PARALLELIZE.
//
// GCC 12's AVX-512 intrinsics (_mm512_undefined_ps) trip -Wuninitialized and
// -Wmaybe-uninitialized wherever Eigen's packet code is inlined (GCC bug 105593, fixed in GCC 13;
// include/hardwired/sym/intrinsics.hpp explains why pragmas around the include reach them):
// silenced for Eigen only.

#define EIGEN_DONT_PARALLELIZE
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <Eigen/Dense>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
