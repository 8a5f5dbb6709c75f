/** The index of the first differing byte of a and b, -1 when they are equal (a shorter one differs where it ends). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  return a.findIndex((v, i) => v !== b[i]);
}
