// What a GGUF file is before it is loaded: its header, metadata and tensor table only (the reader never reads tensor
// data for this), checked the way the loader checks it, so a truncated file, a file that is not GGUF, absurd counts,
// another architecture or a tensor type the engine cannot decode is refused before a byte of weights is read. The
// memory plan says what each weight mode would hold, against what the browser can give.
import {DECODABLE_GGML_TYPES} from "../../formats/ggml-codecs.ts";
import {GgufError, readGguf, readLlamaModel, type ByteSource, type GgufFile} from "../../model-files/gguf/index.ts";
import {ggufPlan, modelBytes, weightsFloats, type Config} from "../../engine/index.ts";
import {tokenizerFromGguf} from "../../tokenizers/gguf-vocab.ts";
import type {Tokenizer} from "../../tokenizers/tokenizer.ts";
import type {MemoryBudget} from "../../studio/memory-guard.ts";

export interface TypeCount {
  /** ggml type name: Q4_K, F32, … */
  type: string;
  tensors: number;
  /** bytes as stored */
  bytes: number;
}

/** What the picker shows of a model on disk before loading it, whatever its format. */
export interface ModelPreview {
  format: "GGUF" | "Hugging Face";
  /** general.architecture (llama, qwen2) or config.json's architectures[0] (LlamaForCausalLM …) */
  architecture: string;
  /** general.name, when the file has one */
  name: string | null;
  /** the shape, with a KV cache of min(context length, 2048) positions */
  config: Config;
  /** the context length the file declares */
  contextLength: number;
  /** floats of the tensors Config does not count (q/k/v biases, rope_freqs) */
  extraFloats: number;
  /** per tensor type, most tensors first */
  types: TypeCount[];
  /** bytes of all tensors as stored: what the packed weight modes hold */
  tensorBytes: number;
  /** the file's own tokenizer, or null with the reason in `tokenizerProblem` */
  tokenizer: Tokenizer | null;
  tokenizerProblem: string | null;
}

export interface GgufPreview extends ModelPreview {
  gguf: GgufFile;
}

/** Reads and checks a GGUF file's header and tensor table (no tensor data) and describes the model in it. */
export async function previewGgufSource(source: ByteSource): Promise<GgufPreview> {
  return previewGguf(await readGguf(source));
}

/** Describes the llama model a read GGUF file holds; throws the reader's GgufError when it cannot run here. */
export function previewGguf(gguf: GgufFile): GgufPreview {
  const llama = readLlamaModel(gguf);
  for (const t of gguf.tensors)
    if (!DECODABLE_GGML_TYPES.includes(t.type.name))
      throw new GgufError(
        gguf.file,
        t.infoOffset,
        `tensor "${t.name}"`,
        `has type ${t.type.name}, which this engine cannot decode (it decodes ${DECODABLE_GGML_TYPES.join(", ")}); convert the model to one of these, e.g. llama-quantize … Q4_K_M`
      );
  const {config, extraFloats} = ggufPlan(gguf);
  let tokenizer: Tokenizer | null = null;
  let tokenizerProblem: string | null = null;
  try {
    tokenizer = tokenizerFromGguf(gguf.metadata);
  } catch (error) {
    tokenizerProblem = (error as Error).message;
  }
  const name = gguf.metadata.has("general.name") ? gguf.metadata.getString("general.name") : null;
  return {
    format: "GGUF",
    gguf,
    architecture: llama.params.architecture,
    name,
    config,
    contextLength: llama.params.contextLength,
    extraFloats,
    types: typeCounts(gguf),
    tensorBytes: gguf.tensors.reduce((sum, t) => sum + t.size, 0),
    tokenizer,
    tokenizerProblem
  };
}

/** Tensors per ggml type, most tensors first (ties by bytes). */
export function typeCounts(gguf: Pick<GgufFile, "tensors">): TypeCount[] {
  const byType = new Map<string, TypeCount>();
  for (const t of gguf.tensors) {
    const row = byType.get(t.type.name) ?? {type: t.type.name, tensors: 0, bytes: 0};
    row.tensors++;
    row.bytes += t.size;
    byType.set(t.type.name, row);
  }
  return [...byType.values()].sort((a, b) => b.tensors - a.tensors || b.bytes - a.bytes);
}

/** "13 × Q4_K, 5 × F32, 3 × Q6_K" */
export function formatTypeCounts(types: readonly TypeCount[]): string {
  return types.map((t) => `${t.tensors} × ${t.type}`).join(", ");
}

export const WEIGHT_MODES = ["fused", "dequant", "cached", "fp32"] as const;
export type WeightMode = (typeof WEIGHT_MODES)[number];

export interface MemoryRow {
  mode: WeightMode;
  /** what the mode keeps */
  holds: string;
  /** weights + the run state (KV cache, activations, RoPE tables) */
  bytes: number;
  fits: boolean;
}

export interface MemoryPlan {
  rows: MemoryRow[];
  /** KV cache of config.seqLen positions, one row of activations, the RoPE tables */
  runStateBytes: number;
  budget: MemoryBudget;
  /** what loading it on this page takes today: float32 weights decoded from the file plus its packed tensors */
  loadBytes: number;
  loadFits: boolean;
}

/**
 * What each weight mode would hold for a model of `config` whose tensors take `tensorBytes` as stored: the packed
 * modes (fused reads the blocks, dequant unpacks one matrix at a time into a float32 scratch) hold about the file's
 * bytes; cached adds a float32 copy of every matrix; fp32 holds float32 weights only.
 */
export function memoryPlan(
  preview: Pick<ModelPreview, "config" | "extraFloats" | "tensorBytes">,
  budget: MemoryBudget
): MemoryPlan {
  const {config: c, extraFloats, tensorBytes} = preview;
  const fp32 = 4 * (weightsFloats(c) + extraFloats);
  const runStateBytes = modelBytes(c) - 4 * weightsFloats(c);
  const largest = 4 * c.dim * Math.max(c.vocabSize, c.hiddenDim, c.dim); // the biggest matrix, in float32
  const row = (mode: WeightMode, holds: string, weights: number): MemoryRow => ({
    mode,
    holds,
    bytes: weights + runStateBytes,
    fits: weights + runStateBytes <= budget.bytes
  });
  const loadBytes = fp32 + tensorBytes + runStateBytes;
  return {
    rows: [
      row("fused", "the packed blocks, read as they are", tensorBytes),
      row("dequant", "the packed blocks + one matrix unpacked at a time", tensorBytes + largest),
      row("cached", "the packed blocks + a float32 copy of every matrix", tensorBytes + fp32),
      row("fp32", "float32 weights only", fp32)
    ],
    runStateBytes,
    budget,
    loadBytes,
    loadFits: loadBytes <= budget.bytes
  };
}

/** "1000 B", "1.1 MiB", "4.4 GiB" */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (bytes >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** The refusal when even loading does not fit: how much, and which modes would. */
export function memoryRefusal(plan: MemoryPlan, what: string): string | null {
  if (plan.loadFits) return null;
  const fitting = plan.rows.filter((r) => r.fits).map((r) => `${r.mode} (${formatBytes(r.bytes)})`);
  return (
    `not enough memory for ${what}: loading it here needs ${formatBytes(plan.loadBytes)} (float32 weights decoded ` +
    `from the file and its packed tensors), about ${formatBytes(plan.budget.bytes)} available (${plan.budget.source}); ` +
    (fitting.length
      ? `modes that would fit once the weights stay packed: ${fitting.join(", ")}; `
      : "no weight mode fits; ") +
    "close other tabs or pick a smaller or more strongly quantized file"
  );
}
