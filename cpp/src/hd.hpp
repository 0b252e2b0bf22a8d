#pragma once
// SNN_HD marks inline functions compiled for host and device: empty under g++,
// __host__ __device__ under nvcc. Headers that use it are the single home of the model math.
#if defined(__CUDACC__)
#define SNN_HD __host__ __device__ __forceinline__
#else
#define SNN_HD inline
#endif
