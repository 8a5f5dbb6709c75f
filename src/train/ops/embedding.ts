// Token embedding lookup and its backward (a scatter-add into the table rows of the tokens seen).
import type {Vec} from "./vec.ts";

export function embeddingForward(out: Vec, tokens: Int32Array, table: Vec, N: number, D: number): void {
  // table (V,D), tokens (N,) -> out (N,D)
  for (let t = 0; t < N; t++) out.set(table.subarray(tokens[t]! * D, tokens[t]! * D + D), t * D);
}

export function embeddingBackward(dtable: Vec, dout: Vec, tokens: Int32Array, N: number, D: number): void {
  // dout (N,D) -> dtable (V,D) += rows scattered by token
  for (let t = 0; t < N; t++) {
    const row = tokens[t]! * D;
    for (let j = 0; j < D; j++) dtable[row + j] += dout[t * D + j]!;
  }
}
