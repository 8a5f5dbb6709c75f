// Counting allocations while a function runs, two ways, for the "decode allocates nothing per token" tests.
//
// 1. typedArraysMade(fn): exact count of typed arrays constructed (the global constructors wrapped in a Proxy) or cut
//    from another (subarray / slice patched on the shared prototype).
// 2. heapBytesPerStep(run): bytes per step that run(steps) leaves in V8's young generation (new space), where every
//    JS allocation lands first: objects, arrays, closures, boxed numbers, typed-array headers. The fill level is read
//    with v8.getHeapSpaceStatistics() right after a forced minor GC (so no GC runs meanwhile unless run allocates a
//    semispace's worth, which is caught) and again after run. The reading has a fixed cost and a granularity of a few
//    hundred bytes, so run goes twice, for a short and a long window, and the figure is their difference over the
//    extra steps. Code still warming up allocates (feedback, tier-up), so the pair is repeated and the smallest figure
//    returned. The smallest heap object is 12 bytes: any per-step allocation gives >= 12, a clean loop ~0.
import {getHeapSpaceStatistics, setFlagsFromString} from "node:v8";
import {runInNewContext} from "node:vm";

setFlagsFromString("--expose-gc");
// V8 moves allocation sites whose objects keep surviving into the old generation ("pretenuring"), where this reading
// would not see them; every allocation stays young with this off
setFlagsFromString("--no-allocation-site-pretenuring");
const gc = runInNewContext("gc") as (options?: {type: "minor" | "major"}) => void;

/** Counts typed arrays constructed (through the globals) or cut (subarray/slice) while fn runs. */
export function typedArraysMade(fn: () => void): number {
  const kinds = [
    "Float32Array",
    "Float64Array",
    "Int8Array",
    "Uint8Array",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array"
  ] as const;
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = kinds.map((k) => g[k]);
  const proto = Object.getPrototypeOf(Int8Array.prototype) as {subarray: unknown; slice: unknown};
  const {subarray, slice} = proto;
  let made = 0;
  for (const k of kinds)
    g[k] = new Proxy(g[k] as object, {
      construct(target, args, newTarget) {
        made++;
        return Reflect.construct(target as new (...a: unknown[]) => object, args, newTarget);
      }
    });
  proto.subarray = function (this: Int8Array, ...args: number[]) {
    made++;
    return (subarray as (...a: number[]) => Int8Array).apply(this, args);
  };
  proto.slice = function (this: Int8Array, ...args: number[]) {
    made++;
    return (slice as (...a: number[]) => Int8Array).apply(this, args);
  };
  try {
    fn();
  } finally {
    kinds.forEach((k, i) => (g[k] = saved[i]));
    Object.assign(proto, {subarray, slice});
  }
  return made;
}

const newSpaceUsed = () => getHeapSpaceStatistics().find((s) => s.space_name === "new_space")!.space_used_size;

/** Young-generation bytes fn allocates, once; Infinity when a GC ran meanwhile (fn allocated too much to tell). */
function heapBytesOnce(fn: () => void): number {
  gc({type: "minor"});
  const before = newSpaceUsed();
  fn();
  const after = newSpaceUsed();
  return after < before ? Infinity : after - before;
}

/** Young-generation bytes per step of run(steps) (see the header): (long window − short window) / extra steps. */
export function heapBytesPerStep(run: (steps: number) => void, {short = 100, long = 500, attempts = 30} = {}): number {
  let least = Infinity;
  for (let a = 0; a < attempts && least >= 1; a++) {
    const longBytes = heapBytesOnce(() => run(long));
    const shortBytes = heapBytesOnce(() => run(short));
    // a GC inside either window (Infinity) says nothing about this pair: −Infinity would pass any "allocates" check
    if (longBytes === Infinity || shortBytes === Infinity) continue;
    least = Math.min(least, (longBytes - shortBytes) / (long - short));
  }
  return least;
}
