// Tensor error metrics, all with the argument order (ref, approx): ref is the float32 original, approx its
// reconstruction. Sums in float64. Definitions as torch.ao.ns (compute_sqnr, compute_normalized_l2_error,
// compute_cosine_similarity): SQNR dB = 20·log10(‖ref‖ / ‖ref − approx‖) = −20·log10(normalized L2).

type Vec = ArrayLike<number>;

function sums(ref: Vec, approx: Vec, from = 0, to = ref.length): {ss: number; se: number; sa: number; dot: number} {
  let ss = 0;
  let se = 0;
  let sa = 0;
  let dot = 0;
  for (let i = from; i < to; i++) {
    const r = ref[i]!;
    const a = approx[i]!;
    ss += r * r;
    se += (r - a) * (r - a);
    sa += a * a;
    dot += r * a;
  }
  return {ss, se, sa, dot};
}

function checkLengths(ref: Vec, approx: Vec): void {
  if (ref.length !== approx.length) throw new Error(`invalid lengths: ${ref.length} vs ${approx.length}`);
}

function sqnrOf(ss: number, se: number): number {
  if (se === 0) return Infinity;
  return 10 * Math.log10(ss / se);
}

function cosineOf(ss: number, sa: number, dot: number): number {
  return ss === 0 && sa === 0 ? 1 : dot / Math.sqrt(ss * sa);
}

/** 20·log10(‖ref‖/‖ref − approx‖) in dB; Infinity when identical. */
export function sqnrDb(ref: Vec, approx: Vec): number {
  checkLengths(ref, approx);
  const {ss, se} = sums(ref, approx);
  return sqnrOf(ss, se);
}

/** ‖ref − approx‖ / ‖ref‖. */
export function normalizedL2(ref: Vec, approx: Vec): number {
  checkLengths(ref, approx);
  const {ss, se} = sums(ref, approx);
  return Math.sqrt(se / ss);
}

/** ref·approx / (‖ref‖‖approx‖); 1 when both are all zero. */
export function cosine(ref: Vec, approx: Vec): number {
  checkLengths(ref, approx);
  const {ss, sa, dot} = sums(ref, approx);
  return cosineOf(ss, sa, dot);
}

/** max |ref − approx|. */
export function maxAbsError(ref: Vec, approx: Vec): number {
  checkLengths(ref, approx);
  let m = 0;
  for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(ref[i]! - approx[i]!));
  return m;
}

export interface ErrorHistogram {
  /** (bins + 1,) bin edges of the error approx − ref, symmetric around 0 */
  edges: Float64Array;
  /** (bins,) counts */
  counts: Uint32Array;
}

/** Histogram of approx − ref over [−m, m], m = max |error| (a zero-width error puts everything in the middle bin). */
export function errorHistogram(ref: Vec, approx: Vec, bins = 41): ErrorHistogram {
  checkLengths(ref, approx);
  if (!(Number.isInteger(bins) && bins > 0)) throw new Error(`invalid bins: ${bins}`);
  const m = maxAbsError(ref, approx) || 1;
  const edges = Float64Array.from({length: bins + 1}, (_, i) => -m + (2 * m * i) / bins);
  const counts = new Uint32Array(bins);
  for (let i = 0; i < ref.length; i++) {
    const e = approx[i]! - ref[i]!;
    counts[Math.min(bins - 1, Math.floor(((e + m) / (2 * m)) * bins))]!++;
  }
  return {edges, counts};
}

/** SQNR of each consecutive chunk of `size` values (a block or a row; the last chunk may be shorter): (ceil(n/size),). */
export function chunkSqnrDb(ref: Vec, approx: Vec, size: number): Float64Array {
  checkLengths(ref, approx);
  if (!(Number.isInteger(size) && size > 0)) throw new Error(`invalid chunk size: ${size}`);
  const out = new Float64Array(Math.ceil(ref.length / size));
  for (let c = 0; c < out.length; c++) {
    const {ss, se} = sums(ref, approx, c * size, Math.min(ref.length, (c + 1) * size));
    out[c] = sqnrOf(ss, se);
  }
  return out;
}

export interface TensorMetrics {
  sqnrDb: number;
  normalizedL2: number;
  cosine: number;
  maxAbsError: number;
}

/** The four scalar metrics in one pass. */
export function tensorMetrics(ref: Vec, approx: Vec): TensorMetrics {
  checkLengths(ref, approx);
  const {ss, se, sa, dot} = sums(ref, approx);
  return {
    sqnrDb: sqnrOf(ss, se),
    normalizedL2: Math.sqrt(se / ss),
    cosine: cosineOf(ss, sa, dot),
    maxAbsError: maxAbsError(ref, approx)
  };
}
