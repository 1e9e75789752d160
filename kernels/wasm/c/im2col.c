#include "kernels.h"

// im2col for conv (spatial rank ≤ 3 as 3-D): col[(c, kd, kh, kw), (od, oh, ow)] =
// x[c0 + c, od·sD − pD + kd·dD, oh·sH − pH + kh·dH, ow·sW − pW + kw·dW] (0 outside).

EXPORT(im2col3d)
void im2col3d(const float *x, int c0, int nC, int iD, int iH, int iW, int kD, int kH, int kW,
              int sD, int sH, int sW, int dD, int dH, int dW, int pD, int pH, int pW,
              int oD, int oH, int oW, float *col) {
  float *dst = col;
  for (int c = 0; c < nC; c++) {
    int chan = (c0 + c) * iD;
    for (int a = 0; a < kD; a++) {
      for (int b = 0; b < kH; b++) {
        for (int e = 0; e < kW; e++) {
          int offW = e * dW - pW, owLo, owHi;
          inside_range(offW, sW, iW, oW, &owLo, &owHi);
          for (int od = 0; od < oD; od++) {
            int id = od * sD - pD + a * dD;
            int dOK = id >= 0 && id < iD;
            for (int oh = 0; oh < oH; oh++) {
              int ih = oh * sH - pH + b * dH;
              if (!dOK || ih < 0 || ih >= iH) {
                for (int ow = 0; ow < oW; ow++) dst[ow] = 0.0f;
                dst += oW;
                continue;
              }
              const float *row = x + ((long)(chan + id) * iH + ih) * iW + offW;
              int ow = 0;
              for (; ow < owLo; ow++) dst[ow] = 0.0f;
              if (sW == 1) {
                for (; ow + 4 <= owHi; ow += 4) wasm_v128_store(dst + ow, wasm_v128_load(row + ow));
                for (; ow < owHi; ow++) dst[ow] = row[ow];
              } else if (sW == 2) {
                for (; ow + 4 <= owHi; ow += 4) {
                  v128_t lo = wasm_v128_load(row + 2 * ow), hi = wasm_v128_load(row + 2 * ow + 4);
                  wasm_v128_store(dst + ow, wasm_i32x4_shuffle(lo, hi, 0, 2, 4, 6));
                }
                for (; ow < owHi; ow++) dst[ow] = row[2 * ow];
              } else {
                for (; ow < owHi; ow++) dst[ow] = row[(long)ow * sW];
              }
              for (; ow < oW; ow++) dst[ow] = 0.0f;
              dst += oW;
            }
          }
        }
      }
    }
  }
}
