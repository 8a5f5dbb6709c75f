// The roofline: a decode step of a model larger than the caches reads every weight byte once, so its tok/s cannot
// pass (memory bandwidth) ÷ (bytes read per token). The bandwidth is measured by the same kind of loop twice — in wasm
// (the kernels' streamRead, 1 and N threads over one shared memory) and natively (bench/bandwidth.c, OpenMP) — on a
// buffer far larger than the caches, so the bench can print achieved ÷ roofline beside every decode figure.
import {createArena, createWasmKernels} from "../src/kernels/index.ts";
import {spawnNodeWorker} from "../src/kernels/threads.node.ts";
import {time} from "./measure.ts";
import {nativeBandwidth, type NativeBinaries} from "./native.ts";

/** Streamed in chunks of this many bytes, the unit the threads split. */
const CHUNK = 1 << 16;

export interface Bandwidth {
  /** "wasm" or "native" */
  engine: string;
  threads: number;
  /** median GB/s (1e9 bytes) over the runs */
  gbS: number;
}

/** Read bandwidth in wasm and natively per thread count, on a `mib` MiB buffer (256 MiB leaves any cache). */
export async function measureBandwidth(o: {
  threads: number[];
  runs: number;
  mib: number;
  native: NativeBinaries;
}): Promise<Bandwidth[]> {
  const bytes = o.mib << 20;
  const out: Bandwidth[] = [];
  for (const threads of o.threads) {
    const chunks = bytes / CHUNK;
    const arena = createArena({bytes: bytes + 4 * chunks + 4096, shared: threads > 1});
    const k = await createWasmKernels({arena, maxN: 64, threads, spawn: spawnNodeWorker});
    const src = arena.allocBytes(bytes);
    for (let i = 0; i < src.length; i += 4096) src[i] = i >>> 12; // every page touched, so it is real memory
    const sums = new Int32Array(arena.buffer, arena.allocBytes(4 * chunks).byteOffset, chunks);
    const ms = time(() => k.streamRead(sums, src, CHUNK), {runs: o.runs}).ms;
    k.close();
    out.push({engine: "wasm", threads, gbS: bytes / ms / 1e6});
  }
  for (const threads of o.threads) {
    const bin = threads > 1 ? o.native.bandwidthomp : o.native.bandwidth;
    out.push({engine: "native", threads, gbS: nativeBandwidth(bin, o.mib, o.runs, threads)});
  }
  return out;
}

/** tok/s the bandwidth allows at `bytesPerToken`. */
export const rooflineTokS = (gbS: number, bytesPerToken: number) => (gbS * 1e9) / bytesPerToken;

/**
 * The note beside a wasm decode figure: "X % of the ×t roofline (R tok/s); ×t' roofline R' tok/s" for `tokPerS` at
 * `threads` reading `bytes` of weights per token, against the measured wasm bandwidth of every thread count.
 */
export function rooflineNote(bandwidth: readonly Bandwidth[], fmt: (v: number) => string) {
  const wasm = bandwidth.filter((b) => b.engine === "wasm");
  const at = (threads: number) => rooflineTokS(wasm.find((b) => b.threads === threads)!.gbS, 1);
  return (tokPerS: number, bytes: number, threads: number): string =>
    `${fmt((100 * tokPerS * bytes) / at(threads))} % of the ×${threads} roofline (${fmt(at(threads) / bytes)} tok/s)` +
    wasm
      .filter((b) => b.threads !== threads)
      .map((b) => `; ×${b.threads} roofline ${fmt(at(b.threads) / bytes)} tok/s`)
      .join("");
}
