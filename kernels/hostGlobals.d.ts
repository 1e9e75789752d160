// The few globals the kernels use that every JavaScript host has (Node, browser pages, workers)
// but that the ES2022 library does not declare. kernels/tsconfig.json compiles the kernels with
// only ES2022 and these, so a DOM or Node API cannot creep in.
declare function setTimeout(callback: () => void, ms?: number): unknown;
declare const performance: { now(): number } | undefined;

declare namespace WebAssembly {
  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  interface Global {
    value: unknown;
  }
  class Module {
    constructor(bytes: BufferSource);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, unknown>);
    readonly exports: Record<string, unknown>;
  }
  function validate(bytes: BufferSource): boolean;
}
type BufferSource = ArrayBufferView | ArrayBuffer;
