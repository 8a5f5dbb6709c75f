// The one keyword check of every option normalizer (Spec -> toX()): on the bottom floor, so viz, quant and the
// rest share it without importing each other.

/** `value` as one of `allowed` (trimmed, case-insensitive), else throws `invalid <name>: <value>`. */
export function keyword<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  const v = `${value}`.trim().toLowerCase();
  const found = allowed.find((a) => a === v);
  if (found === undefined) throw new Error(`invalid ${name}: ${value}`);
  return found;
}
