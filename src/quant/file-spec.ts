// The spec of a GGUF model "as in the file": every matrix in the type the file stores it in, written as the shortest
// spec of the grammar (spec.ts) that says so — the most frequent type as the base, then a matrix's override where all
// its layers agree on another type, then one override per layer that differs (Q4_K_M's attn_v and ffn_down in Q6_K
// on some layers). Reports show it as "as in the file: 13 × Q4_K, 3 × Q6_K, 5 × F32" (provider.ts).
import type {MatrixHost} from "../engine/matrices.ts";
import {isLayerMatrix, MATRIX_NAMES, type MatrixName} from "../model-files/matrix-names.ts";
import {formatOfGgmlType, targetOf, type QuantOverride, type QuantSpec} from "./spec.ts";

/** The most frequent of `values` (the first seen wins a tie). */
function mostFrequent(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].reduce((best, next) => (next[1] > best[1] ? next : best))[0];
}

/** The spec that runs every matrix of a GGUF model in its stored type. */
export function fileSpec(host: MatrixHost): QuantSpec {
  const file = host.file;
  if (!file) throw new Error("fileSpec needs a GGUF model (host.file)");
  const formats = new Map<MatrixName, string[]>();
  for (const name of MATRIX_NAMES) {
    const layers = isLayerMatrix(name) ? host.config.nLayers : 1;
    formats.set(
      name,
      Array.from({length: layers}, (_, l) => formatOfGgmlType(file.matrix(name, l).type))
    );
  }
  const base = mostFrequent([...formats.values()].flat());
  const overrides: QuantOverride[] = [];
  for (const [name, perLayer] of formats) {
    const own = mostFrequent(perLayer);
    if (own !== base) overrides.push({target: name, format: own});
    perLayer.forEach((format, l) => {
      if (format !== own) overrides.push({target: targetOf(name, l), format});
    });
  }
  return {base, overrides};
}
