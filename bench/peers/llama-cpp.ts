// llama.cpp native, through node-llama-cpp (a dev dependency pinned at 3.21.1, its CPU binary package only: the GPU
// packages are replaced by bench/peers/gpu-stub, and its install script does not run). It runs offline: no build, no
// download, no GPU. On a 2-core machine its 2-thread figures are distorted by Node's own main thread, which polls
// the native threads while they run; the bench says so beside them.
import type {Token} from "node-llama-cpp";
import {PEER_PROTOCOL, peerPrompt, spread, type PeerRun} from "./protocol.ts";

export const LLAMA_CPP_VERSION = "3.21.1";

async function importNodeLlamaCpp() {
  try {
    return await import("node-llama-cpp");
  } catch (error) {
    throw new Error(
      `node-llama-cpp is not installed (npm ci installs it as a dev dependency, ${LLAMA_CPP_VERSION}): ${String(error)}`,
      {cause: error}
    );
  }
}

/** The protocol on `file` for each thread count and KV-cache type. */
export async function runLlamaCpp(
  file: string,
  o: {
    vocabSize: number;
    threads: readonly number[];
    kv: readonly ("F32" | "F16")[];
    repeats?: number;
    decodeTokens?: number;
  }
): Promise<PeerRun[]> {
  const {getLlama} = await importNodeLlamaCpp();
  const llama = await getLlama({
    gpu: false,
    build: "never",
    skipDownload: true,
    usePrebuiltBinaries: true,
    logLevel: "error" as never,
    progressLogs: false
  });
  const model = await llama.loadModel({modelPath: file});
  const prompt = peerPrompt(o.vocabSize);
  const repeats = o.repeats ?? PEER_PROTOCOL.repeats;
  const decodeTokens = o.decodeTokens ?? PEER_PROTOCOL.decodeTokens;
  const runs: PeerRun[] = [];
  try {
    for (const threads of o.threads) {
      for (const kv of o.kv) {
        const context = await model.createContext({
          contextSize: PEER_PROTOCOL.ctx,
          batchSize: PEER_PROTOCOL.ctx,
          threads,
          experimentalKvCacheKeyType: kv,
          experimentalKvCacheValueType: kv
        });
        const sequence = context.getSequence();
        const prefill: number[] = [];
        const decode: number[] = [];
        for (let r = -1; r < repeats; r++) {
          await sequence.clearHistory();
          const t0 = performance.now();
          let first = 0;
          const generated: Token[] = [];
          for await (const token of sequence.evaluate(prompt as Token[], {temperature: 0})) {
            if (generated.push(token) === 1) first = performance.now();
            if (generated.length > decodeTokens) break;
          }
          const t1 = performance.now();
          if (r < 0) continue; // warm-up
          prefill.push((1000 * prompt.length) / (first - t0));
          decode.push((1000 * decodeTokens) / (t1 - first));
        }
        await context.dispose();
        runs.push({
          engine: `llama.cpp native (node-llama-cpp ${LLAMA_CPP_VERSION})`,
          threads,
          kv,
          prefill: spread(prefill),
          decode: spread(decode),
          ...(threads > 1 ? {note: "Node's main thread shares the 2 cores with llama.cpp's threads"} : {})
        });
      }
    }
  } finally {
    await model.dispose();
    await llama.dispose();
  }
  return runs;
}
