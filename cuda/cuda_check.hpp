#pragma once
// Every CUDA call is checked and turned into snn::cuda_error naming the call, file and line;
// nothing aborts the process.
#include <cuda_runtime_api.h>

#include <string>

#include "snn/errors.hpp"

#define SNN_CUDA_CHECK(call)                                                                    \
  do {                                                                                          \
    const cudaError_t snn_err_ = (call);                                                        \
    if (snn_err_ != cudaSuccess)                                                                \
      throw ::snn::cuda_error(std::string(#call) + " failed at " + __FILE__ + ":" +             \
                              std::to_string(__LINE__) + ": " + cudaGetErrorString(snn_err_)); \
  } while (0)
