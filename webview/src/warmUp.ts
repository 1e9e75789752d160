// The network the preview's worker runs while the page loads (see worker.ts): small, but it
// goes through every kernel path a resnet uses — the 7×7/2 stem (im2col + GEMM), Winograd 3×3
// convs, 1×1/2 pointwise, batchnorm, relu, max pooling, residual add, global pooling, linear —
// so that V8 has begun compiling them to optimised code before the first real run. It is
// written the way the example networks are (blocks with parameters, a block inside a block,
// names, a projected shortcut, comments) so that analysing it warms the engine's parser and
// resolver too: cold, they took ~20 ms of resnet18's first run.
export const WARM_UP_NETWORK = `# warm-up
name: warm-up
input: [3, 96, 96]
blocks:
  # a basic block
  basic:
    params: {out: 16, stride: 1}
    layers:
      - conv: {out: $out, kernel: 3, stride: $stride, padding: 1, bias: false}
        name: conv1
      - batchnorm:
        name: bn1
      - relu:
        name: relu
      - conv: {out: $out, kernel: 3, padding: 1, bias: false}
        name: conv2
      - batchnorm:
        name: bn2
      - add:
        from: [input, bn2]
      - relu:
        name: out
  shortcut:
    params: {out: 32, stride: 2}
    layers:
      - conv: {out: $out, kernel: 1, stride: $stride, bias: false}
        name: conv
      - batchnorm:
        name: bn
  down:
    params: {out: 32}
    layers:
      - conv: {out: $out, kernel: 3, stride: 2, padding: 1, bias: false}
        name: conv1
      - relu:
      - shortcut: {out: $out}
        name: proj
        from: input
      - add:
        from: [proj, conv1]
layers:
  - conv: {out: 16, kernel: 7, stride: 2, padding: 3, bias: false}
    name: stem
  - batchnorm:
  - relu:
  - maxpool: {kernel: 3, stride: 2, padding: 1}
  - basic: {out: 16}
    name: stage1a
  - basic: {out: 16}
    name: stage1b
  - down: {out: 32}
    name: stage2
  - adaptive_avgpool: {size: 1}
  - flatten:
  - linear: {out: 10}
    name: fc
`;
