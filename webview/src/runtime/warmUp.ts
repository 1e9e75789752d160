// The network the preview's worker runs while the page loads (see worker.ts): small, but it
// goes through every kernel path a resnet uses — the 7×7/2 stem (im2col + GEMM), Winograd 3×3
// convs, 1×1/2 pointwise, batchnorm, relu, max pooling, residual add, global pooling, linear —
// so that V8 has begun compiling them to optimised code before the first real run.
export const WARM_UP_NETWORK = `input: [3, 96, 96]
blocks:
  basic:
    layers:
      - conv: {out: 16, kernel: 3, padding: 1, bias: false}
      - batchnorm:
      - relu:
      - conv: {out: 16, kernel: 3, padding: 1, bias: false}
      - batchnorm:
      - add:
        from: [input, -1]
      - relu:
layers:
  - conv: {out: 16, kernel: 7, stride: 2, padding: 3, bias: false}
  - batchnorm:
  - relu:
  - maxpool: {kernel: 3, stride: 2, padding: 1}
  - basic:
  - basic:
  - conv: {out: 32, kernel: 1, stride: 2}
  - adaptive_avgpool: {size: 1}
  - flatten:
  - linear: {out: 10}
`;
