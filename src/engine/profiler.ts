// Where the time of a forward pass goes, by op category and by layer, and (reported by matrix providers) the bytes
// each category read or dequantized. Off by default: the engine holds `profiler: Profiler | null` and makes no timing
// call at all when it is null.

export const PROFILE_CATEGORIES = [
  "get_w",
  "matmul",
  "attention",
  "norm",
  "rope",
  "activation",
  "sampling",
  "other"
] as const;
export type ProfileCategory = (typeof PROFILE_CATEGORIES)[number];

const CATEGORY_INDEX: Record<ProfileCategory, number> = Object.fromEntries(
  PROFILE_CATEGORIES.map((c, i) => [c, i])
) as Record<ProfileCategory, number>;

/** A plain, serializable summary of accumulated timings (milliseconds). */
export interface ProfileReport {
  steps: number;
  /** tokens pushed through the forward pass (a prefill of T tokens counts T) */
  tokens: number;
  totalMs: number;
  byCategory: Record<ProfileCategory, number>;
  /** byLayer[l][category]; layer -1 (embedding, final norm, classifier, sampling) is reported as `outside` */
  byLayer: Record<ProfileCategory, number>[];
  outside: Record<ProfileCategory, number>;
  /** smallest step performance.now() showed in this run, an upper bound on the timer's resolution */
  timerResolutionMs: number;
  /**
   * bytes per category as providers reported them (get_w: packed bytes dequantized; matmul: weight bytes the kernels
   * read; other: embedding rows), laid out like byCategory / byLayer / outside; null for a category nobody reported
   */
  bytes: {
    byCategory: Record<ProfileCategory, number | null>;
    byLayer: Record<ProfileCategory, number | null>[];
    outside: Record<ProfileCategory, number | null>;
  };
}

export class Profiler {
  readonly nLayers: number;
  /** ms per (layer + 1) × category; row 0 is "outside any layer" */
  private readonly ms: Float64Array;
  /** bytes per (layer + 1) × category, as ms */
  private readonly byteCounts: Float64Array;
  /** per category: whether any provider reported bytes for it (else its bytes are unknown, not 0) */
  private readonly metered: Uint8Array;
  steps = 0;
  tokens = 0;
  private mark = 0;
  private getWAtMark = 0;
  private getWTotal = 0;
  private resolution = Infinity;

  constructor(nLayers: number) {
    this.nLayers = nLayers;
    this.ms = new Float64Array((nLayers + 1) * PROFILE_CATEGORIES.length);
    this.byteCounts = new Float64Array(this.ms.length);
    this.metered = new Uint8Array(PROFILE_CATEGORIES.length);
  }

  private now(): number {
    const t = performance.now();
    const step = t - this.mark;
    if (step > 0 && step < this.resolution) this.resolution = step;
    return t;
  }

  /** Starts the clock: the next lap measures from here. */
  start(): void {
    this.mark = performance.now();
    this.getWAtMark = this.getWTotal;
  }

  /** Adds `ms` to a category in `layer` (-1 = outside any layer). Providers report their get_w time here. */
  add(category: ProfileCategory, layer: number, ms: number): void {
    this.ms[(layer + 1) * PROFILE_CATEGORIES.length + CATEGORY_INDEX[category]] += ms;
    if (category === "get_w") this.getWTotal += ms;
  }

  /** Adds `bytes` read or dequantized to a category in `layer` (-1 = outside any layer). Providers report here. */
  addBytes(category: ProfileCategory, layer: number, bytes: number): void {
    const c = CATEGORY_INDEX[category];
    this.byteCounts[(layer + 1) * PROFILE_CATEGORIES.length + c] += bytes;
    this.metered[c] = 1;
  }

  /** Books the time since the last lap to `category`. */
  lap(category: ProfileCategory, layer: number): void {
    const t = this.now();
    this.add(category, layer, t - this.mark);
    this.mark = t;
    this.getWAtMark = this.getWTotal;
  }

  /** After a matrix-provider call: the time since the last lap, minus the get_w the provider reported, is matmul. */
  lapMatrix(layer: number): void {
    const t = this.now();
    this.add("matmul", layer, t - this.mark - (this.getWTotal - this.getWAtMark));
    this.mark = t;
    this.getWAtMark = this.getWTotal;
  }

  reset(): void {
    this.ms.fill(0);
    this.byteCounts.fill(0);
    this.steps = 0;
    this.tokens = 0;
    this.getWTotal = 0;
  }

  report(): ProfileReport {
    const row = (table: Float64Array, r: number, metered: boolean) =>
      Object.fromEntries(
        PROFILE_CATEGORIES.map((c, i) => [
          c,
          metered && !this.metered[i] ? null : table[r * PROFILE_CATEGORIES.length + i]!
        ])
      );
    const total = <T extends number | null>(table: Float64Array, metered: boolean) => {
      const byCategory = row(table, 0, metered) as Record<ProfileCategory, T>;
      const byLayer = Array.from(
        {length: this.nLayers},
        (_, l) => row(table, l + 1, metered) as Record<ProfileCategory, T>
      );
      for (const layer of byLayer)
        for (const c of PROFILE_CATEGORIES) if (byCategory[c] !== null) (byCategory[c] as number) += layer[c]!;
      return {byCategory, byLayer, outside: row(table, 0, metered) as Record<ProfileCategory, T>};
    };
    const time = total<number>(this.ms, false);
    const totalMs = PROFILE_CATEGORIES.reduce((sum, c) => sum + time.byCategory[c], 0);
    return {
      steps: this.steps,
      tokens: this.tokens,
      totalMs,
      ...time,
      timerResolutionMs: Number.isFinite(this.resolution) ? this.resolution : 0,
      bytes: total<number | null>(this.byteCounts, true)
    };
  }
}
