// The compiled kernel module, from the bytes scripts/build-wasm.js generated (base64 in kernels-wasm.gen.ts, so Node
// and every bundler load it the same way, offline). Compiled once per variant: plain memory or shared memory.
import {decodeBase64} from "../engine/base64.ts";
import {KERNELS_WASM_PLAIN, KERNELS_WASM_SHARED} from "./kernels-wasm.gen.ts";

const compiled = new Map<boolean, Promise<WebAssembly.Module>>();

/** The kernel module for a plain (one thread) or shared (worker threads) memory. */
export function kernelModule(shared: boolean): Promise<WebAssembly.Module> {
  let module = compiled.get(shared);
  if (!module) {
    const bytes = decodeBase64(shared ? KERNELS_WASM_SHARED : KERNELS_WASM_PLAIN);
    if (!WebAssembly.validate(bytes))
      throw new Error("this runtime lacks WebAssembly SIMD128; the reference kernels stay in use");
    module = WebAssembly.compile(bytes);
    compiled.set(shared, module);
  }
  return module;
}
