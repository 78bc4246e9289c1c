export * from './tensor.js';
export * from './param.js';
export * from './random.js';
export { gemm } from './kernels/gemm.js';
