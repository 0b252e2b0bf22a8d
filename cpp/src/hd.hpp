#pragma once
// SNN_HD marks inline functions compiled for host and device: always inlined under g++
// (a call left in a loop stops it vectorising), __host__ __device__ under nvcc. Headers
// that use it are the single home of the model math.
#if defined(__CUDACC__)
#define SNN_HD __host__ __device__ __forceinline__
#elif defined(__GNUC__)
#define SNN_HD inline __attribute__((always_inline))
#else
#define SNN_HD inline
#endif
