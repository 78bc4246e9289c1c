/**
 * Which kernels run: the TypeScript kernels ('js') or the WebAssembly SIMD ones ('wasm').
 * Code above lib/kernels never asks: gemm.ts takes the wasm path for Float32Array operands
 * when the backend is wasm, and the TypeScript path otherwise (float64 always stays in
 * TypeScript, where sums are exact to float64 rounding).
 *
 * The choice, first that applies: `setBackend(name)`; the environment variable
 * RNNKIT_BACKEND=js|wasm|auto (read once, where a `process.env` is readable); 'auto'.
 * 'auto' is wasm where the runtime validates and compiles the module, else js, silently.
 * Asking for 'wasm' where it cannot run is an error that names the operation.
 */
import { loadGemmKernel, resetGemmKernel, wasmFailure } from './wasm/gemm-wasm.js';

export type BackendName = 'auto' | 'js' | 'wasm';

let requested: BackendName | null = null;
/** The resolved backend: null until the first kernel call or getBackend(). */
let active: 'js' | 'wasm' | null = null;

function fromEnvironment(): BackendName {
  let value: string | undefined;
  try {
    value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.RNNKIT_BACKEND;
  } catch {
    value = undefined; // Deno without --allow-env throws
  }
  if (value === undefined || value === '') return 'auto';
  if (value === 'auto' || value === 'js' || value === 'wasm') return value;
  throw new RangeError(`RNNKIT_BACKEND must be 'auto', 'js' or 'wasm', got '${value}'`);
}

function cannotRun(op: string, how: string): Error {
  return new Error(`${op}: ${how} asks for the WebAssembly backend, but it cannot run here: ${wasmFailure()}`);
}

function resolve(op: string): 'js' | 'wasm' {
  const how = requested ?? fromEnvironment();
  if (how === 'js') return (active = 'js');
  if (loadGemmKernel()) return (active = 'wasm');
  if (how === 'wasm') throw cannotRun(op, requested ? `setBackend('wasm')` : 'RNNKIT_BACKEND=wasm');
  return (active = 'js');
}

/**
 * Chooses the kernels: 'wasm' (throws if this runtime cannot compile WebAssembly SIMD),
 * 'js', or 'auto' (wasm where it runs, else js).
 */
export function setBackend(name: BackendName): void {
  if (name !== 'auto' && name !== 'js' && name !== 'wasm') {
    throw new RangeError(`setBackend: name must be 'auto', 'js' or 'wasm', got ${String(name)}`);
  }
  requested = name;
  active = null;
  resolve('setBackend');
}

/** The backend the kernels use now: 'js' or 'wasm'. */
export function getBackend(): 'js' | 'wasm' {
  return active ?? resolve('getBackend');
}

/** True when `op` should take the WebAssembly path (resolves the backend on first use). */
export function wasmActive(op: string): boolean {
  return (active ?? resolve(op)) === 'wasm';
}

/**
 * For tests: forgets the choice and the compiled module, as in a fresh process, so that a
 * test can remove globalThis.WebAssembly and see what a runtime without it does.
 */
export function resetBackend(): void {
  requested = null;
  active = null;
  resetGemmKernel();
}
