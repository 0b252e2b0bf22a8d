#pragma once
// The CPU engine is compiled once per instruction set; SNN_CPU_VARIANT names the namespace
// of each build (snn::cpu_generic, cpu_avx2, cpu_avx512), so that no inline function built
// for one instruction set stands in for another's at link time.
#ifndef SNN_CPU_VARIANT
#define SNN_CPU_VARIANT generic
#endif
#define SNN_CAT2(a, b) a##b
#define SNN_CAT(a, b) SNN_CAT2(a, b)
#define SNN_CPU_NS SNN_CAT(cpu_, SNN_CPU_VARIANT)
