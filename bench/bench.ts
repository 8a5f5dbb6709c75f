// The benchmark behind `npm run bench` and `glassbox bench`: decode and prefill tok/s on the plain TS kernels, the wasm
// kernels on 1 and 2 threads and the native C baseline, in one run on one machine; the per-step time split; bytes
// read per token and GB/s; matmul GFLOPS at prefill sizes; the weight modes (dequant, cached, fused) through the real
// quant providers on the wasm model; the Q4_0/Q8_0 crossover; the measured thread threshold; the viz heatmap render;
// the roofline (read bandwidth in wasm and natively, and each decode figure as a share of bandwidth ÷ bytes per token).
// Medians over several runs after a warm-up; `quick` runs every path once at a tiny size (a smoke test: it fails if
// any path throws, and asserts nothing about speed).
// D = dim, H = hidden_dim, V = vocab_size, L = n_layers
import {mkdirSync, writeFileSync} from "node:fs";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {referenceKernels} from "../src/engine/backend.ts";
import {readCheckpoint, readCheckpointHeader} from "../src/engine/checkpoint.ts";
import {addHook} from "../src/engine/hooks/hooks.ts";
import {hookNames} from "../src/engine/hooks/names.ts";
import {forward, prefill} from "../src/engine/forward.ts";
import {seededCheckpoint} from "../src/engine/default-model.ts";
import {loadModelFromBytes} from "../src/engine/load.ts";
import {readCheckpointFile} from "../src/engine/load.node.ts";
import {matrixShape} from "../src/engine/matrices.ts";
import {isLayerMatrix, LINEAR_MATRICES} from "../src/model-files/matrix-names.ts";
import type {Config} from "../src/engine/model.ts";
import {argmax} from "../src/engine/sampler.ts";
import {writeTokenizer} from "../src/tokenizers/llama2c.ts";
import {setProfiler, type Transformer} from "../src/engine/transformer.ts";
import {setQuant} from "../src/quant/provider.ts";
import {benchHeatmap} from "./heatmap.node.ts";
import {createArena, createFastModel, createWasmKernels, kernelScratchBytes} from "../src/kernels/index.ts";
import type {WasmKernels} from "../src/kernels/index.ts";
import {spawnNodeWorker} from "../src/kernels/threads.node.ts";
import {q4_0} from "../src/formats/q4_0.ts";
import {q4_1} from "../src/formats/q4_1.ts";
import {q8_0} from "../src/formats/q8_0.ts";
import {quantizeMatrix} from "../src/quant/index.ts";
import {time} from "./measure.ts";
import {isGgufFile, runGgufBench} from "./gguf.ts";
import {fmt, machine, type BenchResult, type BenchRow} from "./report.ts";
import {NATIVE_FLAGS, buildNative, runNative, NATIVE_DIR} from "./native.ts";
import {measureBandwidth, rooflineNote, rooflineTokS} from "./roofline.ts";
import {isModelShape, shapeFile, SHAPES, type BenchShape, type ShapeName} from "./shapes.ts";

export type {BenchResult, BenchRow} from "./report.ts";

export interface BenchOptions {
  shape: BenchShape;
  /** a real model's shape is written in this preset spec (default preset=Q8_0) */
  quant?: string;
  /** a llama2.c checkpoint or a GGUF file (bench/gguf.ts) instead of a random model of `shape` */
  model?: string;
  /** thread counts to measure (default [1, 2]) */
  threads: number[];
  quick: boolean;
}

const FORMATS = [q8_0, q4_0, q4_1];
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Runs the benchmark and returns every figure; `log` gets progress lines. */
export async function runBench(options: BenchOptions, log: (line: string) => void = () => {}): Promise<BenchResult> {
  const {quick} = options;
  if (options.model && (await isGgufFile(options.model))) return runGgufBench(options.model, options, log);
  if (isModelShape(options.shape)) {
    const file = await shapeFile(options.shape, options.quant, NATIVE_DIR, quick ? 1 : undefined);
    log(`shape ${options.shape}: ${file}`);
    return runGgufBench(file, options, log);
  }
  const rows: BenchRow[] = [];
  const add = (section: string, name: string, value: number, unit: string, note?: string) => {
    rows.push({section, name, value, unit, ...(note ? {note} : {})});
    log(`  ${section} | ${name}: ${fmt(value)} ${unit}${note ? `  (${note})` : ""}`);
  };
  const shape: ShapeName = quick ? "stories260K" : (options.shape as ShapeName);
  // a user's file is checked whole (readable, a checkpoint, finite weights) before anything runs on it
  const checkpoint = options.model ? await readCheckpointFile(options.model) : seededCheckpoint(1, SHAPES[shape]);
  const c = options.model ? readCheckpoint(checkpoint).config : readCheckpointHeader(checkpoint, checkpoint.byteLength);
  const runs = quick ? 1 : 5;
  const steps = quick ? 4 : Math.min(128, c.seqLen);
  const T = quick ? 8 : Math.min(64, c.seqLen);
  const threadCounts = quick ? [1, 2] : options.threads;
  log(
    `shape ${options.model ?? shape}: dim ${c.dim}, hidden ${c.hiddenDim}, ${c.nLayers} layers, vocab ${c.vocabSize}`
  );

  // --- native baseline ----------------------------------------------------------------------------------------
  const native = buildNative();
  const matrixBytes = fp32MatrixBytes(c);

  // --- the roofline: read bandwidth in wasm and natively, 1 and N threads --------------------------------------
  const bandwidth = await measureBandwidth({threads: threadCounts, runs, mib: quick ? 4 : 256, native});
  for (const b of bandwidth) add("roofline", `${b.engine} read bandwidth ×${b.threads}`, b.gbS, "GB/s");
  const roofNote = rooflineNote(bandwidth, fmt);

  // the native baseline reads a file: the user's own, or the random model written to build/bench/
  const file = options.model ?? join(NATIVE_DIR, `${shape}.bin`);
  if (!options.model) writeFileSync(file, checkpoint);
  for (const threads of threadCounts) {
    const bin = threads > 1 ? native.runomp : native.run;
    const {tokS: nativeTokS} = runNative(bin, file, steps, runs, threads);
    const roof = rooflineTokS(bandwidth.find((b) => b.engine === "native" && b.threads === threads)!.gbS, matrixBytes);
    add(
      "decode",
      `C ${NATIVE_FLAGS.join(" ")}${threads > 1 ? " -fopenmp" : ""} ×${threads}`,
      nativeTokS,
      "tok/s",
      `${fmt((100 * nativeTokS) / roof)} % of the native ×${threads} roofline (${fmt(roof)} tok/s)`
    );
  }

  // --- decode and prefill on the engine --------------------------------------------------------------------------
  const decode = (model: Transformer) => () => {
    let token = 1;
    for (let pos = 0; pos < steps; pos++) token = argmax(forward(model, token, pos));
  };
  const prefillRun = (model: Transformer) => () =>
    void prefill(
      model,
      Array.from({length: T}, (_, i) => 1 + (i % 100)),
      0
    );
  const tokS = (ms: number, tokens: number) => (1000 * tokens) / ms;

  const reference = loadModelFromBytes(checkpoint, byteTokenizerFor(c)).model;
  add(
    "decode",
    "plain TS kernels fp32 ×1",
    tokS(time(decode(reference), {runs: Math.min(runs, 3)}).ms, steps),
    "tok/s"
  );
  add(
    "prefill",
    `plain TS kernels fp32 ×1, T=${T}`,
    tokS(time(prefillRun(reference), {runs: Math.min(runs, 3)}).ms, T),
    "tok/s"
  );

  const models: {threads: number; model: Transformer; fast: WasmKernels}[] = [];
  for (const threads of threadCounts) {
    const {model, fast} = await createFastModel(checkpoint, {threads, spawn: spawnNodeWorker, prefillRows: T});
    models.push({threads, model, fast});
    const ms = time(decode(model), {runs}).ms;
    add(
      "decode",
      `wasm fp32 ×${threads}`,
      tokS(ms, steps),
      "tok/s",
      `${fmt(matrixBytes / 1e6)} MB of weights per token, ${fmt(matrixBytes / 1e6 / (ms / steps))} GB/s, ` +
        roofNote(tokS(ms, steps), matrixBytes, threads)
    );
    add("prefill", `wasm fp32 ×${threads}, T=${T}`, tokS(time(prefillRun(model), {runs}).ms, T), "tok/s");
  }
  const one = models[0]!;

  // profiler on: the per-step split; hooks on: a no-op hook at every hook point
  const profiler = setProfiler(one.model, true)!;
  const profiledMs = time(decode(one.model), {runs}).ms;
  const report = profiler.report();
  setProfiler(one.model, false);
  add("decode", "wasm fp32 ×1, profiler on", tokS(profiledMs, steps), "tok/s");
  for (const [category, ms] of Object.entries(report.byCategory))
    if (ms > 0) add("split", `${category} per token`, ms / report.tokens, "ms");
  const removers = hookNames(c.nLayers).map((name) => addHook(one.model, name, () => {}));
  add(
    "decode",
    "wasm fp32 ×1, no-op hook at every hook point",
    tokS(time(decode(one.model), {runs}).ms, steps),
    "tok/s"
  );
  for (const remove of removers) remove();

  // --- matmul GFLOPS at prefill sizes (kernels on their own arena, so the models' arenas stay exact) ----------
  const sizes: [string, number, number][] = [
    ["wq D→D", c.dim, c.dim],
    ["w1 D→H", c.dim, c.hiddenDim],
    ["w2 H→D", c.hiddenDim, c.dim],
    ["wcls D→V", c.dim, c.vocabSize]
  ];
  const maxN = Math.max(c.dim, c.hiddenDim);
  const biggest = T * maxN + c.vocabSize * c.dim + T * c.vocabSize;
  const spare: WasmKernels[] = [];
  for (const threads of threadCounts) {
    const fast = await createWasmKernels({
      arena: createArena({bytes: 4 * biggest + kernelScratchBytes(maxN, threads) + 4096, shared: threads > 1}),
      maxN,
      threads,
      spawn: spawnNodeWorker
    });
    spare.push(fast);
    const [x, w, out] = [T * maxN, c.vocabSize * c.dim, T * c.vocabSize].map((n) => fillCos(fast.arena.alloc(n)));
    for (const [name, n, d] of sizes) {
      const ms = time(() => fast.kernels.matmul(out!, x!, w!, T, n, d), {runs, minMs: quick ? 0 : 20}).ms;
      add("matmul", `wasm ×${threads} ${name} T=${T}`, (2 * T * n * d) / ms / 1e6, "GFLOPS");
    }
  }
  {
    const [name, n, d] = sizes[1]!;
    const [x, w, out] = [T * n, n * d, T * d].map((k) => fillCos(new Float32Array(k)));
    const ms = time(() => referenceKernels.matmul(out!, x!, w!, T, n, d), {runs: Math.min(runs, 3)}).ms;
    add("matmul", `plain TS ${name} T=${T}`, (2 * T * n * d) / ms / 1e6, "GFLOPS");
  }

  // --- weight modes through the real quant providers, on the model ----------------------------------------------
  weightModes(one.model, reference, {runs, quick, steps, roofNote}, add);
  await crossover({runs, quick}, add);

  // --- the viz heatmap render (headless chromium) -------------------------------------------------------------
  const heatmap = await benchHeatmap({runs: quick ? 5 : 20});
  add("viz", `${heatmap.name} render, median of ${heatmap.runs}`, heatmap.renderMedianMs, "ms");
  add("viz", "heatmap hover (tooltip lookup + redraw), median", heatmap.hoverMedianMs, "ms");

  // --- the thread threshold ---------------------------------------------------------------------------------
  if (threadCounts.includes(2)) await threadThreshold(c, {runs, quick}, add);

  for (const k of [...models.map((m) => m.fast), ...spare]) k.close();
  return {shape: options.model ?? shape, config: c, quick, when: new Date().toISOString(), machine: machine(), rows};
}

const fillCos = (a: Float32Array) => {
  for (let i = 0; i < a.length; i++) a[i] = Math.cos(i * 0.37) * 0.1;
  return a;
};

type Add = (section: string, name: string, value: number, unit: string, note?: string) => void;

/**
 * The weight modes as the product runs them: setQuant(model, {quant, weights}) on the one-thread wasm model, so the
 * real quant provider does get_w (dequant: every matrix every step; cached: once; fused: the wasm fused kernels on
 * blocks placed in the arena; fused-int: Q8_0 activations, integer block dots), and the plain TS model for the TS
 * kernels' fused path. Per mode: decode tok/s, get_w's share of a profiled step, and weight bytes read per token.
 */
function weightModes(
  model: Transformer,
  reference: Transformer,
  o: {
    runs: number;
    quick: boolean;
    steps: number;
    roofNote: (tokPerS: number, bytes: number, threads: number) => string;
  },
  add: Add
) {
  const run = (m: Transformer, steps: number) => () => {
    let token = 1;
    for (let pos = 0; pos < steps; pos++) token = argmax(forward(m, token, pos));
  };
  const measure = (label: string, m: Transformer, quant: string, weights: string, act = "fp32") => {
    // dequant and the TS kernels are slow: fewer steps keep the run short, the per-token figure is the same
    const slow = weights === "dequant" || m === reference;
    const steps = slow && !o.quick ? Math.min(o.steps, 16) : o.steps;
    const provider = setQuant(m, {quant, weights, act});
    run(m, 2)(); // cached: the first step dequantizes; fused: blocks are placed
    const ms = time(run(m, steps), {runs: o.runs}).ms;
    provider.resetCounters();
    const profiler = setProfiler(m, true)!;
    run(m, steps)();
    const report = profiler.report();
    setProfiler(m, false);
    const bytes = provider.counters().bytesRead / report.tokens;
    const getW = (100 * report.byCategory.get_w) / report.totalMs;
    const msPerToken = ms / steps;
    add(
      "modes",
      label,
      1000 / msPerToken,
      "tok/s",
      `get_w ${fmt(getW)} % of the step; ${fmt(bytes / 1e6)} MB of weights per token, ` +
        `${fmt(bytes / 1e6 / msPerToken)} GB/s, ${o.roofNote(1000 / msPerToken, bytes, 1)}`
    );
  };
  for (const codec of FORMATS) {
    for (const weights of ["dequant", "cached", "fused"])
      measure(`${codec.name} ${weights} wasm ×1`, model, codec.name, weights);
    measure(`${codec.name} fused-int (act q8_0) wasm ×1`, model, codec.name, "fused", "q8_0");
    measure(`${codec.name} fused plain TS ×1`, reference, codec.name, "fused");
  }
  setQuant(model, {weights: "fp32", act: "fp32"});
  setQuant(reference, {weights: "fp32", act: "fp32"});
}

/** Q4_0 / Q8_0 fused vs fp32 on square matrices growing past the caches (one matvec): where fused starts to win. */
async function crossover(o: {runs: number; quick: boolean}, add: Add) {
  const timed = (fn: () => void) => time(fn, {runs: o.runs, minMs: o.quick ? 0 : 10}).ms;
  const sides = o.quick ? [64, 128] : [288, 768, 1536, 2048, 3072, 4096];
  for (const side of sides) {
    const k = await createWasmKernels({
      arena: createArena({bytes: 4 * (side * side * 2 + 2 * side) + kernelScratchBytes(side) + 4096}),
      maxN: side
    });
    const w = fillCos(k.arena.alloc(side * side));
    const xs = fillCos(k.arena.alloc(side));
    const ys = k.arena.alloc(side);
    const f = timed(() => k.kernels.matvec(ys, xs, w, side, side));
    for (const codec of [q8_0, q4_0]) {
      const q = k.quant.place!(quantizeMatrix(codec, w, side, side), (n) => k.arena.allocBytes(n));
      const ms = timed(() => k.quant.matvecQuant(ys, xs, q));
      add(
        "crossover",
        `${codec.name} fused vs fp32, ${side}×${side} (${fmt((4 * side * side) / 2 ** 20)} MiB fp32)`,
        f / ms,
        "× fp32 speed"
      );
    }
    k.close();
  }
}

/**
 * 1 vs 2 threads on matvec (n = D, d growing) and matmul (D→H, T growing): the speedup of handing half the rows to a
 * worker, and the smallest FLOP count from which two threads stay faster.
 */
async function threadThreshold(c: Config, o: {runs: number; quick: boolean}, add: Add) {
  const n = c.dim;
  const ds = o.quick ? [32, 256] : [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, c.vocabSize];
  const Ts = o.quick ? [4] : [4, 8, 16, 32, 64];
  const floats = n * Math.max(...ds, c.hiddenDim) + 64 * n + 64 * Math.max(...ds, c.hiddenDim);
  const maxN = Math.max(n, c.hiddenDim);
  const fast = await createWasmKernels({
    arena: createArena({bytes: 4 * floats + kernelScratchBytes(maxN, 2) + 4096, shared: true}),
    maxN,
    threads: 2,
    spawn: spawnNodeWorker
  });
  const w = fillCos(fast.arena.alloc(Math.max(n * Math.max(...ds), c.hiddenDim * n)));
  const x = fillCos(fast.arena.alloc(Math.max(n, 64 * n)));
  const out = fast.arena.alloc(Math.max(...ds, 64 * c.hiddenDim));
  const saved = fast.minParallelFlops;
  const speedup = (fn: () => void) => {
    fast.minParallelFlops = Infinity;
    const t1 = time(fn, {runs: o.runs, minMs: o.quick ? 0 : 20}).ms;
    fast.minParallelFlops = 0;
    const t2 = time(fn, {runs: o.runs, minMs: o.quick ? 0 : 20}).ms;
    return t1 / t2;
  };
  const points: [number, number][] = [];
  for (const d of ds) {
    const s = speedup(() => fast.kernels.matvec(out, x, w, n, d));
    points.push([2 * n * d, s]);
    add("threads", `matvec ${d}×${n} (${fmt(2 * n * d)} FLOPs) 2 threads vs 1`, s, "×");
  }
  for (const T of Ts) {
    const s = speedup(() => fast.kernels.matmul(out, x, w, T, n, c.hiddenDim));
    points.push([2 * T * n * c.hiddenDim, s]);
    add("threads", `matmul T=${T} ${c.hiddenDim}×${n} (${fmt(2 * T * n * c.hiddenDim)} FLOPs) 2 threads vs 1`, s, "×");
  }
  fast.minParallelFlops = saved;
  points.sort((a, b) => a[0] - b[0]);
  // smallest FLOP count from which every larger job is faster on two threads
  let threshold = Infinity;
  for (let i = points.length - 1; i >= 0 && points[i]![1] > 1; i--) threshold = points[i]![0];
  add("threads", "measured threshold: 2 threads win from", threshold, "FLOPs", `kernels use ${fmt(saved)}`);
  fast.close();
}

/** Bytes of every weight matrix a decode step reads once (fp32): L·(the block's matrices) + output. */
function fp32MatrixBytes(c: Config): number {
  return (
    4 *
    LINEAR_MATRICES.reduce(
      (sum, name) => sum + matrixShape(c, name).reduce((a, b) => a * b) * (isLayerMatrix(name) ? c.nLayers : 1),
      0
    )
  );
}

/** A tokenizer the engine accepts for this vocab size (the benchmark never decodes text). */
function byteTokenizerFor(c: Config): Uint8Array {
  const pieces = Array.from({length: c.vocabSize}, (_, i) => new TextEncoder().encode(`<${i}>`));
  return writeTokenizer(pieces, new Float32Array(c.vocabSize));
}

/** The table: one line per figure, grouped by section. */
export function formatTable(result: BenchResult): string {
  const lines = [
    `glassbox bench: ${result.shape} (${result.machine}), ${result.when}${result.quick ? ", QUICK (smoke run, not figures)" : ""}`,
    ...(result.notes ?? []).map((note) => `note: ${note}`)
  ];
  let section = "";
  for (const r of result.rows) {
    if (r.section !== section) lines.push(`\n[${(section = r.section)}]`);
    lines.push(`  ${r.name.padEnd(64)} ${fmt(r.value).padStart(10)} ${r.unit}${r.note ? `   ${r.note}` : ""}`);
  }
  return lines.join("\n");
}

/** Writes the result as JSON under bench/out/ and returns the path. */
export function writeResult(result: BenchResult, dir = join(ROOT, "bench/out")): string {
  mkdirSync(dir, {recursive: true});
  const path = join(dir, `${result.shape.replace(/[^\w.-]+/g, "_")}-${result.when.replace(/[:.]/g, "-")}.json`);
  writeFileSync(path, JSON.stringify(result, null, 2) + "\n");
  return path;
}
