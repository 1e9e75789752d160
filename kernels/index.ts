// Pure tensor kernels for the feature-map preview (no DOM, Node or vscode APIs: they run in a
// Web Worker and in Node tests alike).
export * from './tensor';
export * from './gemm';
export * from './pad';
export * from './conv';
export * from './convStages';
export * from './convTranspose';
export * from './pool';
export * from './linear';
export * from './elementwise';
export * from './norm';
export * from './upsample';
export * from './init';
export * from './channels';
export * from './attention';
export { setKernelBackend, kernelBackend, wasmUnavailableReason } from './wasm/backend';
export type { KernelBackend } from './wasm/backend';
export * from './tensorOps';
