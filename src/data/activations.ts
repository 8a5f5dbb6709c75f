// Activation cache -> Arrow table: one row per hook × position (× head for per-head hooks), the rest of the activation
// as a List<Float32>, since its length differs by hook (d_model, d_head, k_pos, d_vocab, 1...). Rows are cut into
// record batches of about maxBatchValues floats, built only when the consumer pulls them, so exporting a large cache
// needs the cache plus one batch.
//
// Row axes come from each activation's symbolic dims (src/engine/hooks/names.ts): "pos" is the position axis (absent
// in decode, where the position is pos0), "n_heads" / "n_kv_heads" the head axis; the remaining axes must follow
// them and become the values, row-major. glassbox.hooks in the schema metadata records both for every hook.
import {Table, type RecordBatch, type Schema} from "apache-arrow";
import {hookDims, parseHookName} from "../engine/hooks/names.ts";
import type {ActivationCache} from "../engine/hooks/run.ts";
import {float32ListColumn, int32Column, recordBatch, utf8Column} from "./columns.ts";
import type {BatchSource} from "./ipc.ts";
import {META, toSchemaMetadata, type RunInfo} from "./metadata.ts";
import {tableSchema} from "./schemas.ts";

/** One cached activation, as the engine's activation cache holds it. */
export interface CachedActivation {
  /** TransformerLens name, "blocks.0.attn.hook_q" */
  name: string;
  /** block index; -1 or null outside the blocks */
  layer: number | null;
  /** numeric shape, matching dims */
  shape: readonly number[];
  /** symbolic dims, e.g. ["pos", "n_heads", "d_head"] */
  dims: readonly (string | number)[];
  /** position of the first token of the call that produced it */
  pos0: number;
  /** row-major values, shape */
  data: Float32Array;
}

export interface ActivationTrace {
  /** token ids by absolute position (prompt and generated tokens) */
  tokens: ArrayLike<number>;
  /** each token's text by absolute position; omit for a null token column */
  text?: readonly string[];
  /** the cache of the engine's runWithCache, or entries that carry their own dims */
  activations: ActivationCache | readonly CachedActivation[];
}

/** runWithCache's cache as entries with layer and dims (from hooks/names.ts), in the cache's hook order. */
export function cacheEntries(cache: ActivationCache): CachedActivation[] {
  return Object.entries(cache).flatMap(([name, calls]) => {
    const {key, layer} = parseHookName(name);
    const prefillRank = hookDims(key, "prefill").length;
    // a decode call has no "pos" axis, so its shape is one shorter
    return calls.map(({shape, data, pos0}) => {
      const dims = hookDims(key, shape.length === prefillRank ? "prefill" : "decode");
      return {name, layer, shape, dims, pos0, data};
    });
  });
}

export interface ActivationTableOptions {
  /** about how many floats a record batch holds (a single longer row gets a batch of its own); default 2^20 */
  maxBatchValues?: number;
}

const POSITION_DIM = "pos";
const HEAD_DIMS = new Set(["n_heads", "n_kv_heads"]);

/** How an activation splits into rows: the position and head axes, and the value axes that follow them. */
interface RowLayout {
  positions: number; // rows along the position axis (1 in decode)
  heads: number; // rows along the head axis (1 when there is none)
  hasHead: boolean;
  positionStride: number;
  headStride: number;
  valueCount: number; // floats per row
  valueDims: (string | number)[];
}

function rowLayout(a: CachedActivation): RowLayout {
  const {name, shape, dims, data} = a;
  const size = shape.reduce((n, d) => n * d, 1);
  if (shape.length !== dims.length || size !== data.length) {
    throw new Error(`invalid activation ${name}: shape [${shape}], dims [${dims}] and ${data.length} values disagree`);
  }
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((n, d) => n * d, 1));
  const posAxis = dims.indexOf(POSITION_DIM);
  const headAxis = dims.findIndex((d) => HEAD_DIMS.has(String(d)));
  const firstValueAxis = Math.max(posAxis, headAxis) + 1;
  const valueDims = dims.filter((_, i) => i !== posAxis && i !== headAxis);
  if (valueDims.length !== dims.length - firstValueAxis) {
    // a value axis before the position or head axis would need a strided gather; no hook is laid out that way
    throw new Error(`unsupported dims for ${name}: [${dims}]; value axes must follow the pos and head axes`);
  }
  return {
    positions: posAxis < 0 ? 1 : shape[posAxis]!,
    heads: headAxis < 0 ? 1 : shape[headAxis]!,
    hasHead: headAxis >= 0,
    positionStride: posAxis < 0 ? 0 : strides[posAxis]!,
    headStride: headAxis < 0 ? 0 : strides[headAxis]!,
    valueCount: firstValueAxis === 0 ? size : strides[firstValueAxis - 1]!,
    valueDims
  };
}

function hooksMetadata(activations: readonly CachedActivation[], layouts: RowLayout[]): string {
  const hooks: Record<string, {dims: (string | number)[]; values: (string | number)[]}> = {};
  activations.forEach((a, i) => (hooks[a.name] ??= {dims: [...a.dims], values: layouts[i]!.valueDims}));
  return JSON.stringify(hooks);
}

/** Rows collected for the next record batch; values are views into the cache until the batch is built. */
class PendingRows {
  hook: string[] = [];
  layer: (number | null)[] = [];
  position: number[] = [];
  tokenId: number[] = [];
  token: (string | null)[] = [];
  head: (number | null)[] = [];
  values: Float32Array[] = [];
  valueCount = 0;

  toBatch(schema: Schema): RecordBatch {
    const offsets = new Int32Array(this.values.length + 1);
    const flat = new Float32Array(this.valueCount);
    this.values.forEach((v, i) => {
      flat.set(v, offsets[i]);
      offsets[i + 1] = offsets[i]! + v.length;
    });
    return recordBatch(schema, [
      utf8Column(this.hook),
      int32Column(this.layer),
      int32Column(this.position),
      int32Column(this.tokenId),
      utf8Column(this.token),
      int32Column(this.head),
      float32ListColumn(schema.fields[6]!.type, offsets, flat)
    ]);
  }
}

/** The activation table as a schema plus a lazy generator of record batches (write it with ipcChunks / toIPC). */
export function activationBatches(
  trace: ActivationTrace,
  run: RunInfo,
  options: ActivationTableOptions = {}
): BatchSource {
  const {tokens, text} = trace;
  const activations = Array.isArray(trace.activations)
    ? (trace.activations as readonly CachedActivation[])
    : cacheEntries(trace.activations as ActivationCache);
  const {maxBatchValues = 2 ** 20} = options;
  if (!(maxBatchValues >= 1)) throw new Error(`invalid maxBatchValues: ${maxBatchValues}`);
  if (text && text.length !== tokens.length) {
    throw new Error(`invalid text: ${text.length} entries for ${tokens.length} tokens`);
  }
  const layouts = activations.map(rowLayout);
  activations.forEach((a, i) => {
    const last = a.pos0 + layouts[i]!.positions - 1;
    if (!(a.pos0 >= 0) || last >= tokens.length) {
      throw new Error(`invalid tokens: ${a.name} covers positions ${a.pos0}..${last} but ${tokens.length} tokens`);
    }
  });
  const schema = tableSchema(
    "activations",
    toSchemaMetadata("activations", run, {[META.hooks]: hooksMetadata(activations, layouts)})
  );

  function* batches(): Generator<RecordBatch> {
    let rows = new PendingRows();
    for (let i = 0; i < activations.length; i++) {
      const a = activations[i]!;
      const l = layouts[i]!;
      const layer = a.layer === null || a.layer < 0 ? null : a.layer;
      for (let p = 0; p < l.positions; p++) {
        const position = a.pos0 + p;
        for (let h = 0; h < l.heads; h++) {
          if (rows.valueCount > 0 && rows.valueCount + l.valueCount > maxBatchValues) {
            yield rows.toBatch(schema);
            rows = new PendingRows();
          }
          const start = p * l.positionStride + h * l.headStride;
          rows.hook.push(a.name);
          rows.layer.push(layer);
          rows.position.push(position);
          rows.tokenId.push(tokens[position]!);
          rows.token.push(text ? text[position]! : null);
          rows.head.push(l.hasHead ? h : null);
          rows.values.push(a.data.subarray(start, start + l.valueCount));
          rows.valueCount += l.valueCount;
        }
      }
    }
    if (rows.values.length > 0) yield rows.toBatch(schema);
  }
  // re-iterable: each pass (a second write, a retry) starts from the first row
  return {schema, batches: {[Symbol.iterator]: batches}};
}

/** The whole activation table in memory (small caches, notebooks); large ones: activationBatches + ipcChunks. */
export function activationsToTable(trace: ActivationTrace, run: RunInfo, options: ActivationTableOptions = {}): Table {
  const {schema, batches} = activationBatches(trace, run, options);
  return new Table(schema, [...batches]);
}
