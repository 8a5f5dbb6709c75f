import {describe, expect, it} from "vitest";
import {
  attentionBackward,
  attentionForward,
  crossEntropyBackward,
  crossEntropyForward,
  embeddingBackward,
  embeddingForward,
  matmulBackward,
  matmulForward,
  rmsnormBackward,
  rmsnormForward,
  rope,
  ropeTables,
  swigluBackward,
  swigluForward
} from "../../src/train/index.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {checkGradient, project, seeded} from "./gradcheck.ts";

const ROPE_ATOL = 1e-12;

describe("training ops: backward against finite differences in float64", () => {
  it("matmulBackward(dx, dw, dout, x, w, N, n, d) gives ∂/∂x and ∂/∂w of X Wᵀ", () => {
    const [N, n, d] = [5, 7, 6]; // odd sizes exercise the 4-wide blocks and their remainders
    const [x, w, r] = [seeded(N * n, 1), seeded(d * n, 2), seeded(N * d, 3)];
    const out = new Float64Array(N * d);
    const loss = () => (matmulForward(out, x, w, N, n, d), project(out, r));
    const [dx, dw] = [new Float64Array(N * n), new Float64Array(d * n)];
    matmulBackward(dx, dw, r, x, w, N, n, d);
    checkGradient("dx", x, dx, loss);
    checkGradient("dw", w, dw, loss);
  });

  it("embeddingBackward(dtable, dout, tokens, N, D) scatter-adds rows, repeated tokens included", () => {
    const [V, N, D] = [5, 6, 4];
    const tokens = Int32Array.of(0, 3, 3, 1, 4, 3);
    const [table, r] = [seeded(V * D, 4), seeded(N * D, 5)];
    const out = new Float64Array(N * D);
    const dtable = new Float64Array(V * D);
    embeddingBackward(dtable, r, tokens, N, D);
    checkGradient("dtable", table, dtable, () => (embeddingForward(out, tokens, table, N, D), project(out, r)));
  });

  it("rmsnormBackward(dx, dw, dout, x, w, rstd, N, D) gives ∂/∂x and ∂/∂w", () => {
    const [N, D] = [3, 8];
    const [x, w, r] = [seeded(N * D, 6), seeded(D, 7), seeded(N * D, 8)];
    const [out, rstd] = [new Float64Array(N * D), new Float64Array(N)];
    const loss = () => (rmsnormForward(out, rstd, x, w, N, D), project(out, r));
    loss();
    const [dx, dw] = [new Float64Array(N * D), new Float64Array(D)];
    rmsnormBackward(dx, dw, r, x, w, rstd, N, D);
    checkGradient("dx", x, dx, loss);
    checkGradient("dw", w, dw, loss);
  });

  it("rope(x, tables, N, T, width, headSize, inverse) backward is the inverse rotation", () => {
    const [N, T, width, hs] = [6, 3, 8, 4];
    const tables = ropeTables(T, hs);
    const [x, r] = [seeded(N * width, 9), seeded(N * width, 10)];
    const grad = Float64Array.from(r);
    rope(grad, tables, N, T, width, hs, true);
    checkGradient("dx", x, grad, () => {
      const y = Float64Array.from(x);
      rope(y, tables, N, T, width, hs, false);
      return project(y, r);
    });
    const back = Float64Array.from(x);
    rope(back, tables, N, T, width, hs, false);
    rope(back, tables, N, T, width, hs, true);
    expectClose(back, x, {atol: ROPE_ATOL}, "rope then inverse rope");
  });

  it("rope(x, …) turns pair (2i, 2i+1) of each head by pos·10000^(−2i/head_size), as run.c", () => {
    const hs = 4;
    const tables = ropeTables(3, hs);
    const x = Float64Array.of(1, 0, 1, 0, 1, 0, 1, 0); // two heads of 4 at position 2 (row 2 of T = 3)
    const rows = new Float64Array(3 * 8);
    rows.set(x, 16);
    rope(rows, tables, 3, 3, 8, hs, false);
    const angles = [2, 2 / 100]; // pos 2 × θ^(0/4), pos 2 × θ^(−2/4)
    const expected = [0, 1].flatMap(() => angles.flatMap((a) => [Math.cos(a), Math.sin(a)]));
    expectClose(rows.subarray(16), expected, {atol: ROPE_ATOL}, "rotated");
  });

  it("attentionBackward(dq, dk, dv, dz, att, q, k, v, shape) gives ∂/∂q, ∂/∂k, ∂/∂v with GQA", () => {
    const shape = {B: 2, T: 4, H: 4, K: 2, hs: 3};
    const N = shape.B * shape.T;
    const [q, k, v] = [seeded(N * 12, 11), seeded(N * 6, 12), seeded(N * 6, 13)];
    const r = seeded(N * 12, 14);
    const z = new Float64Array(N * 12);
    const att = new Float64Array(shape.B * shape.H * shape.T * shape.T);
    const loss = () => (attentionForward(z, att, q, k, v, shape), project(z, r));
    loss();
    const [dq, dk, dv] = [new Float64Array(N * 12), new Float64Array(N * 6), new Float64Array(N * 6)];
    attentionBackward(dq, dk, dv, r, att, q, k, v, shape);
    checkGradient("dq", q, dq, loss);
    checkGradient("dk", k, dk, loss);
    checkGradient("dv", v, dv, loss);
  });

  it("attentionForward(…) is causal: each row of att sums to 1 over positions 0..t", () => {
    const shape = {B: 1, T: 5, H: 2, K: 1, hs: 2};
    const [q, k, v] = [seeded(5 * 4, 15), seeded(5 * 2, 16), seeded(5 * 2, 17)]; // (T, H·hs), (T, K·hs)
    const att = new Float64Array(2 * 25);
    attentionForward(new Float64Array(5 * 4), att, q, k, v, shape);
    for (let row = 0; row < 10; row++) {
      const t = row % 5;
      const sum = att.subarray(row * 5, row * 5 + t + 1).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 12);
    }
  });

  it("swigluBackward(dh1, dh3, dg, h1, h3, size) gives ∂/∂h1 and ∂/∂h3 of silu(h1)·h3", () => {
    const size = 10;
    const [h1, h3, r] = [seeded(size, 18, 2), seeded(size, 19), seeded(size, 20)];
    const g = new Float64Array(size);
    const loss = () => (swigluForward(g, h1, h3, size), project(g, r));
    const [dh1, dh3] = [new Float64Array(size), new Float64Array(size)];
    swigluBackward(dh1, dh3, r, h1, h3, size);
    checkGradient("dh1", h1, dh1, loss);
    checkGradient("dh3", h3, dh3, loss);
  });

  it("crossEntropyBackward(dlogits, probs, targets, N, V) gives ∂/∂logits of the mean loss", () => {
    const [N, V] = [4, 7];
    const logits = seeded(N * V, 21, 3);
    const targets = Int32Array.of(0, 6, 3, 3);
    const probs = new Float64Array(N * V);
    const loss = () => crossEntropyForward(probs, logits, targets, N, V);
    const value = loss();
    const dlogits = new Float64Array(N * V);
    crossEntropyBackward(dlogits, probs, targets, N, V);
    checkGradient("dlogits", logits, dlogits, loss);
    expect(value).toBeGreaterThan(0);
  });
});
