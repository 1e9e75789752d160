#include "kernels.h"

// Max pooling (spatial rank ≤ 3 as 3-D), the TypeScript loop of ../../pool.ts turned inside out:
// for each output row, every in-bounds tap (in the same order) updates the whole row with
// `v > m || v !== v ? v : m`, so the result is the same, bit for bit (NaN and ±0 included).
EXPORT(maxpool3d)
void maxpool3d(const float *x, float *out, int C, int iD, int iH, int iW, int oD, int oH, int oW,
               int kD, int kH, int kW, int sD, int sH, int sW, int dD, int dH, int dW, int pD, int pH, int pW) {
  const float ninf = -__builtin_inff();
  for (int c = 0; c < C; c++) {
    for (int od = 0; od < oD; od++) {
      for (int oh = 0; oh < oH; oh++) {
        float *o = out + (((long)c * oD + od) * oH + oh) * oW;
        for (int ow = 0; ow < oW; ow++) o[ow] = ninf;
        for (int a = 0; a < kD; a++) {
          int id = od * sD - pD + a * dD;
          if (id < 0 || id >= iD) continue;
          for (int b = 0; b < kH; b++) {
            int ih = oh * sH - pH + b * dH;
            if (ih < 0 || ih >= iH) continue;
            const float *row = x + (((long)c * iD + id) * iH + ih) * iW;
            for (int e = 0; e < kW; e++) {
              int offW = e * dW - pW, owLo, owHi;
              inside_range(offW, sW, iW, oW, &owLo, &owHi);
              int ow = owLo;
              if (sW == 1) {
                for (; ow + 4 <= owHi; ow += 4) {
                  v128_t v = wasm_v128_load(row + ow + offW), m = wasm_v128_load(o + ow);
                  wasm_v128_store(o + ow, wasm_v128_bitselect(v, m, wasm_v128_or(wasm_f32x4_gt(v, m), wasm_f32x4_ne(v, v))));
                }
              } else if (sW == 2) {
                for (; ow + 4 <= owHi; ow += 4) {
                  const float *p = row + 2 * ow + offW;
                  v128_t v = wasm_i32x4_shuffle(wasm_v128_load(p), wasm_v128_load(p + 4), 0, 2, 4, 6);
                  v128_t m = wasm_v128_load(o + ow);
                  wasm_v128_store(o + ow, wasm_v128_bitselect(v, m, wasm_v128_or(wasm_f32x4_gt(v, m), wasm_f32x4_ne(v, v))));
                }
              }
              for (; ow < owHi; ow++) {
                float v = row[(long)ow * sW + offW], m = o[ow];
                if (v > m || v != v) o[ow] = v;
              }
            }
          }
        }
      }
    }
  }
}
