// The peers' protocol (issue #24): every engine runs the same GGUF file the same way — a prompt of 16 token ids, then
// 128 tokens decoded greedily, in a context of 512, repeated 5 times after a discarded warm-up, at 1 and 2 threads —
// and reports the median with the min–max of each figure.
import {median} from "../measure.ts";

export const PEER_PROTOCOL = {promptTokens: 16, decodeTokens: 128, ctx: 512, repeats: 5} as const;

/** The prompt: fixed token ids spread over the vocabulary (no text, so every engine sees the same ids). */
export function peerPrompt(vocabSize: number, length: number = PEER_PROTOCOL.promptTokens): number[] {
  return Array.from({length}, (_, i) => 1 + ((i * 7919) % (vocabSize - 1)));
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export const spread = (xs: number[]): Spread => ({median: median(xs), min: Math.min(...xs), max: Math.max(...xs)});

export interface PeerRun {
  engine: string;
  threads: number;
  /** the KV cache type, "F32" or "F16" */
  kv: string;
  /** prompt tokens per second (the prompt's evaluation up to the first new token) */
  prefill: Spread;
  /** new tokens per second after the first */
  decode: Spread;
  note?: string;
}
