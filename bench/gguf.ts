// `bench --model X.gguf`: decode tok/s per weight mode on a GGUF file, loaded packed as the CLI loads it (its matrices
// in the file's own types, the spec "as in the file"): fp32 (the dequantized file), dequant (every matrix every step),
// cached (dequantized once), fused (the wasm FUSED_KERNELS on the file's blocks; the formats' scalar dots for a type
// without one), fused with llama.cpp's numerics (--act ggml), and the plain TS kernels' fused path; a prefill per kernel
// set in fused mode; the roofline beside each decode figure (bench/roofline.ts). The native C baseline (run.c) reads
// llama2.c checkpoints only, fp32: it is skipped for a GGUF, and the result says so. Then the peers on the same file
// under one protocol (bench/peers): Glassbox fused on the file's types, llama.cpp native (node-llama-cpp) and llama.cpp
// in wasm (wllama, headless Chromium); a peer that cannot run is reported with its reason, not fatal.
// D = dim, H = hidden_dim, V = vocab_size, L = n_layers
import {open} from "node:fs/promises";
import {basename} from "node:path";
import {forward, prefill} from "../src/engine/forward.ts";
import {ggufPlan, loadGgufModel} from "../src/engine/gguf.ts";
import {argmax} from "../src/engine/sampler.ts";
import {setProfiler, type Transformer} from "../src/engine/transformer.ts";
import {runOnKernels, type RunningEngine} from "../src/kernels/create-model.ts";
import {spawnNodeWorker} from "../src/kernels/threads.node.ts";
import {readGguf} from "../src/model-files/gguf/index.ts";
import {openFileSource} from "../src/model-files/gguf/source.node.ts";
import {quantMatrices, setQuant, type QuantMatrices} from "../src/quant/provider.ts";
import {tokenizerFromGguf} from "../src/tokenizers/gguf-vocab.ts";
import {vocabText} from "../src/tokenizers/text.ts";
import {time} from "./measure.ts";
import {buildNative} from "./native.ts";
import {runLlamaCpp} from "./peers/llama-cpp.ts";
import {PEER_PROTOCOL, peerPrompt, spread, type PeerRun} from "./peers/protocol.ts";
import {runWllama} from "./peers/wllama.ts";
import {fmt, machine, type BenchResult, type BenchRow} from "./report.ts";
import {measureBandwidth, rooflineNote} from "./roofline.ts";

/** Why the C baseline has no figure on a GGUF (printed, and kept in the result's notes). */
export const NATIVE_SKIPPED =
  "native C baseline skipped: bench/run.c reads llama2.c checkpoints (fp32) only, not a GGUF's packed types";

/** Whether the file at `path` starts with GGUF's magic. */
export async function isGgufFile(path: string): Promise<boolean> {
  const handle = await open(path, "r").catch(() => null);
  if (!handle) return false; // the checkpoint reader reports a missing file in its own words
  try {
    const {buffer, bytesRead} = await handle.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && buffer.toString("latin1") === "GGUF";
  } catch {
    return false; // a folder: the checkpoint reader says so
  } finally {
    await handle.close();
  }
}

interface GgufBenchOptions {
  threads: number[];
  quick: boolean;
}

/** The GGUF at `path` packed on a kernel set (`kernels`, `threads`), its KV cache sized for `ctx` positions. */
async function loadPacked(path: string, ctx: number, kernels: "ts" | "wasm", threads: number): Promise<RunningEngine> {
  const source = await openFileSource(path);
  try {
    const {config, extraFloats} = ggufPlan(await readGguf(source), ctx);
    return await runOnKernels(
      config,
      async (o) => (await loadGgufModel(source, {...o, ctx, packed: true, matrices: (h) => quantMatrices(h)})).model,
      {kernels, threads, spawn: spawnNodeWorker, prefillRows: Math.min(64, ctx), extraBytes: 4 * extraFloats}
    );
  } finally {
    await source.close();
  }
}

/** Runs the GGUF benchmark and returns every figure; `log` gets progress lines. */
export async function runGgufBench(
  path: string,
  options: GgufBenchOptions,
  log: (line: string) => void = () => {}
): Promise<BenchResult> {
  const {quick} = options;
  const rows: BenchRow[] = [];
  const add = (section: string, name: string, value: number, unit: string, note?: string) => {
    rows.push({section, name, value, unit, ...(note ? {note} : {})});
    log(`  ${section} | ${name}: ${fmt(value)} ${unit}${note ? `  (${note})` : ""}`);
  };
  const runs = quick ? 1 : 5;
  const steps = quick ? 4 : 64;
  const T = quick ? 8 : 64;
  const ctx = Math.max(steps, T);
  const threadCounts = quick ? [1] : options.threads;
  log(NATIVE_SKIPPED);
  const bandwidth = await measureBandwidth({threads: threadCounts, runs, mib: quick ? 4 : 256, native: buildNative()});
  for (const b of bandwidth) add("roofline", `${b.engine} read bandwidth ×${b.threads}`, b.gbS, "GB/s");
  const roofNote = rooflineNote(bandwidth, fmt);

  const decode = (model: Transformer, n: number) => () => {
    let token = 1;
    for (let pos = 0; pos < n; pos++) token = argmax(forward(model, token, pos));
  };
  const prefillRun = (model: Transformer) => () =>
    void prefill(
      model,
      Array.from({length: T}, (_, i) => 1 + (i % 100)),
      0
    );
  /** decode tok/s in one weight mode, with get_w's share of a profiled step and the weight bytes held and read */
  const measure = (label: string, model: Transformer, weights: string, act = "fp32", threads = 1) => {
    // dequant and the TS kernels are slow: fewer steps keep the run short, the per-token figure is the same
    const n = (weights === "dequant" || label.includes("plain TS")) && !quick ? Math.min(steps, 16) : steps;
    const provider = setQuant(model, {weights, act});
    decode(model, 2)(); // cached: the first step dequantizes; fused: blocks are placed
    const ms = time(decode(model, n), {runs}).ms;
    provider.resetCounters();
    const profiler = setProfiler(model, true)!;
    decode(model, n)();
    const report = profiler.report();
    setProfiler(model, false);
    const r = provider.residency();
    // the spec is the file's: its packed matrices are the file's blocks (fileBytes), nothing re-quantized
    const held = r.fp32Bytes + r.fileBytes + r.cachedFloatBytes;
    const bytes = provider.counters().bytesRead / report.tokens;
    add(
      "modes",
      `${label} ${weights}${act === "fp32" ? "" : ` act ${act}`}`,
      1000 / (ms / n),
      "tok/s",
      `get_w ${fmt((100 * report.byCategory.get_w) / report.totalMs)} % of the step; ` +
        `${fmt(bytes / 1e6)} MB of weights read per token; ${fmt(held / 1e6)} MB held; ` +
        roofNote(1000 / (ms / n), bytes, threads)
    );
  };

  let config: BenchResult["config"] | null = null;
  for (const threads of threadCounts) {
    const engine = await loadPacked(path, ctx, "wasm", threads);
    try {
      const {model} = engine;
      config ??= model.config;
      if (threads === threadCounts[0]) {
        const c = model.config;
        log(`GGUF ${path}: dim ${c.dim}, hidden ${c.hiddenDim}, ${c.nLayers} layers, vocab ${c.vocabSize}`);
        log(`weights ${(model.matrices as QuantMatrices).specText}`);
      }
      const label = `wasm ×${threads}`;
      for (const weights of ["fp32", "dequant", "cached", "fused"]) measure(label, model, weights, "fp32", threads);
      measure(label, model, "fused", "ggml", threads);
      setQuant(model, {weights: "fused", act: "fp32"});
      add("prefill", `${label} fused, T=${T}`, (1000 * T) / time(prefillRun(model), {runs}).ms, "tok/s");
    } finally {
      engine.close();
    }
  }
  const ts = await loadPacked(path, ctx, "ts", 1);
  measure("plain TS ×1", ts.model, "fused");
  setQuant(ts.model, {weights: "fused"});
  add(
    "prefill",
    `plain TS ×1 fused, T=${T}`,
    (1000 * T) / time(prefillRun(ts.model), {runs: Math.min(runs, 3)}).ms,
    "tok/s"
  );
  ts.close();
  const notes = [NATIVE_SKIPPED];
  for (const run of await peers(path, {threads: threadCounts, quick}, notes, log))
    add(
      "peers",
      `${run.engine} ×${run.threads}, KV ${run.kv}`,
      run.decode.median,
      "tok/s decode",
      `min–max ${fmt(run.decode.min)}–${fmt(run.decode.max)}; prefill ${fmt(run.prefill.median)} tok/s ` +
        `(${fmt(run.prefill.min)}–${fmt(run.prefill.max)})${run.note ? `; ${run.note}` : ""}`
    );
  // one table section each, in this order (the rows were measured per kernel set)
  const sections = ["roofline", "modes", "prefill", "peers"];
  rows.sort((a, b) => sections.indexOf(a.section) - sections.indexOf(b.section));
  return {
    shape: basename(path),
    config: config!,
    quick,
    when: new Date().toISOString(),
    machine: machine(),
    rows,
    notes
  };
}

/**
 * The peers' protocol (bench/peers/protocol.ts) on the file: Glassbox fused on the file's own types (KV F32), then
 * llama.cpp native and in wasm with KV F32 and llama.cpp's default F16. A quick run does one short repeat of each.
 */
async function peers(
  path: string,
  o: {threads: number[]; quick: boolean},
  notes: string[],
  log: (line: string) => void
): Promise<PeerRun[]> {
  const repeats = o.quick ? 1 : PEER_PROTOCOL.repeats;
  const decodeTokens = o.quick ? 4 : PEER_PROTOCOL.decodeTokens;
  const kv = o.quick ? (["F32"] as const) : (["F32", "F16"] as const);
  const source = await openFileSource(path);
  const metadata = (await readGguf(source)).metadata;
  await source.close();
  if (metadata.get("tokenizer.ggml.model") === undefined) {
    notes.push("peers skipped: the file has no vocabulary (llama.cpp loads a model with one only)");
    return [];
  }
  const tokenizer = tokenizerFromGguf(metadata);
  const text = vocabText(tokenizer);
  const vocabSize = tokenizer.size;
  const prompt = peerPrompt(vocabSize);
  const runs: PeerRun[] = [];
  for (const threads of o.threads) runs.push(await glassboxRun(path, prompt, threads, repeats, decodeTokens));
  const peer = async (name: string, run: () => Promise<PeerRun[]>) => {
    try {
      runs.push(...(await run()));
    } catch (error) {
      const why = `${name} did not run: ${(error as Error).message.split("\n")[0]}`;
      notes.push(why);
      log(why);
    }
  };
  await peer("llama.cpp native", () => runLlamaCpp(path, {vocabSize, threads: o.threads, kv, repeats, decodeTokens}));
  const stream = text.stream();
  const promptText = prompt.map((id, i) => stream.push(prompt[i - 1] ?? -1, id)).join("") + stream.flush();
  await peer("wllama", () => runWllama(path, {prompt: promptText, threads: o.threads, kv, repeats, decodeTokens}));
  return runs;
}

/** Glassbox under the peers' protocol: the prompt prefilled, then greedy decode, fused on the file's own types. */
async function glassboxRun(
  path: string,
  prompt: number[],
  threads: number,
  repeats: number,
  decodeTokens: number
): Promise<PeerRun> {
  const engine = await loadPacked(path, PEER_PROTOCOL.ctx, "wasm", threads);
  try {
    const {model} = engine;
    setQuant(model, {weights: "fused"});
    const V = model.config.vocabSize;
    const prefillRates: number[] = [];
    const decodeRates: number[] = [];
    for (let r = -1; r < repeats; r++) {
      const t0 = performance.now();
      const logits = prefill(model, prompt, 0);
      const t1 = performance.now();
      let token = argmax(logits.subarray((prompt.length - 1) * V));
      for (let i = 0; i < decodeTokens; i++) token = argmax(forward(model, token, prompt.length + i));
      const t2 = performance.now();
      if (r < 0) continue; // warm-up
      prefillRates.push((1000 * prompt.length) / (t1 - t0));
      decodeRates.push((1000 * decodeTokens) / (t2 - t1));
    }
    return {
      engine: "Glassbox fused wasm",
      threads,
      kv: "F32",
      prefill: spread(prefillRates),
      decode: spread(decodeRates),
      note: (model.matrices as QuantMatrices).specText
    };
  } finally {
    engine.close();
  }
}
