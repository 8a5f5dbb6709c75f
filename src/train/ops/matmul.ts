// Linear layer over N rows: X (N,n) @ W(d,n)ᵀ -> out (N,d), and its backward. Sums run in float64 in a fixed order,
// four rows (or four outputs) per pass so each weight load serves four multiply-adds.
import type {Vec} from "./vec.ts";

export function matmulForward(out: Vec, x: Vec, w: Vec, N: number, n: number, d: number): void {
  // X (N,n) @ W(d,n)ᵀ -> out (N,d)
  let t = 0;
  for (; t + 4 <= N; t += 4) {
    const x0 = t * n;
    const [x1, x2, x3] = [x0 + n, x0 + 2 * n, x0 + 3 * n];
    const o = t * d;
    for (let i = 0; i < d; i++) {
      const wo = i * n;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < n; j++) {
        const wj = w[wo + j]!;
        s0 += x[x0 + j]! * wj;
        s1 += x[x1 + j]! * wj;
        s2 += x[x2 + j]! * wj;
        s3 += x[x3 + j]! * wj;
      }
      out[o + i] = s0;
      out[o + d + i] = s1;
      out[o + 2 * d + i] = s2;
      out[o + 3 * d + i] = s3;
    }
  }
  for (; t < N; t++) {
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += x[t * n + j]! * w[i * n + j]!;
      out[t * d + i] = s;
    }
  }
}

export function matmulBackward(dx: Vec | null, dw: Vec, dout: Vec, x: Vec, w: Vec, N: number, n: number, d: number) {
  // dout (N,d) -> dx (N,n) += dout @ W, dw (d,n) += doutᵀ @ X; dx null skips the input gradient
  const acc = new Float64Array(n);
  if (dx) {
    for (let t = 0; t < N; t++) {
      acc.fill(0);
      const g = t * d;
      let i = 0;
      for (; i + 4 <= d; i += 4) {
        const [g0, g1, g2, g3] = [dout[g + i]!, dout[g + i + 1]!, dout[g + i + 2]!, dout[g + i + 3]!];
        const w0 = i * n;
        const [w1, w2, w3] = [w0 + n, w0 + 2 * n, w0 + 3 * n];
        for (let j = 0; j < n; j++) acc[j] += g0 * w[w0 + j]! + g1 * w[w1 + j]! + g2 * w[w2 + j]! + g3 * w[w3 + j]!;
      }
      for (; i < d; i++) for (let j = 0; j < n; j++) acc[j] += dout[g + i]! * w[i * n + j]!;
      for (let j = 0; j < n; j++) dx[t * n + j] += acc[j]!;
    }
  }
  for (let i = 0; i < d; i++) {
    acc.fill(0);
    let t = 0;
    for (; t + 4 <= N; t += 4) {
      const [g0, g1, g2, g3] = [
        dout[t * d + i]!,
        dout[(t + 1) * d + i]!,
        dout[(t + 2) * d + i]!,
        dout[(t + 3) * d + i]!
      ];
      const x0 = t * n;
      const [x1, x2, x3] = [x0 + n, x0 + 2 * n, x0 + 3 * n];
      for (let j = 0; j < n; j++) acc[j] += g0 * x[x0 + j]! + g1 * x[x1 + j]! + g2 * x[x2 + j]! + g3 * x[x3 + j]!;
    }
    for (; t < N; t++) for (let j = 0; j < n; j++) acc[j] += dout[t * d + i]! * x[t * n + j]!;
    for (let j = 0; j < n; j++) dw[i * n + j] += acc[j]!;
  }
}
