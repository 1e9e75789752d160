// Shared by the WebAssembly SIMD kernels (every .c file here is compiled into one module by
// scripts/build-wasm.mjs).
#ifndef CONVLENS_KERNELS_H
#define CONVLENS_KERNELS_H

#include <wasm_simd128.h>

typedef unsigned int u32;

#define EXPORT(name) __attribute__((export_name(#name)))

// The packed layout of a GEMM's left operand (gemm.c's pack_a_full; init.c draws weights
// straight into it): depth blocks of KC, rows in strips of MR.
#define MR 4
#define KC 256

// The outputs ow (0 ≤ ow < oW) whose input position iw = ow·s + off lies inside 0 ≤ iw < n are
// lo ≤ ow < hi (an empty range has lo = hi): the hot loops then need no bounds test.
static inline void inside_range(int off, int s, int n, int oW, int *lo, int *hi) {
  int a = off < 0 ? (-off + s - 1) / s : 0;
  int b = n - 1 - off >= 0 ? (n - 1 - off) / s + 1 : 0;
  if (a > oW) a = oW;
  if (b > oW) b = oW;
  *lo = a;
  *hi = b < a ? a : b;
}

#endif
