// Timing: warm-up runs discarded, then the median of several runs (the machines are shared and noisy).

export interface Timing {
  /** median milliseconds per run */
  ms: number;
  /** every run, in milliseconds */
  samples: number[];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Times fn: `warmup` discarded calls, then `runs` timed calls (each repeated until it lasts at least minMs). */
export function time(fn: () => void, {warmup = 1, runs = 5, minMs = 0} = {}): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    let reps = 0;
    const t0 = performance.now();
    let t: number;
    do {
      fn();
      reps++;
      t = performance.now();
    } while (t - t0 < minMs);
    samples.push((t - t0) / reps);
  }
  return {ms: median(samples), samples};
}
