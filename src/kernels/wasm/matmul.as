// matmul: X (T,n) @ W(d,n)^T -> out (T,d), output columns [r0, r1) only (threads split the W rows; rows come first
// in every row-split kernel so a worker can pass the same trailing arguments to any of them).
// Prefill form: eight W rows are packed k-major into `panel` (8·n floats of scratch), then a 4-token × 8-column tile
// of outputs stays in eight registers while k runs: one broadcast of x per token and two panel loads per k.

/** Stores the first nc (< 8) lanes of a pair of f32x4 (an 8-column tile row cut short at the matrix edge). */
function storePartial(p: usize, lo: v128, hi: v128, nc: i32): void {
  for (let c = 0; c < nc; c++) {
    const v = c < 4 ? lo : hi;
    const lane = c & 3;
    const f = lane == 0 ? f32x4.extract_lane(v, 0) : lane == 1 ? f32x4.extract_lane(v, 1) : lane == 2 ? f32x4.extract_lane(v, 2) : f32x4.extract_lane(v, 3);
    store<f32>(p + (<usize>c << 2), f);
  }
}

@inline function storeRow(p: usize, lo: v128, hi: v128, nc: i32): void {
  if (nc == 8) {
    v128.store(p, lo);
    v128.store(p, hi, 16);
  } else {
    storePartial(p, lo, hi, nc);
  }
}

/** panel[k·8 + c] = W[j + c, k] for c < nc, 0 beyond (k-major, so one 32-byte load gives eight rows' weight k). */
function packPanel(panel: usize, w: usize, n: i32, j: i32, nc: i32): void {
  const rowBytes = <usize>n << 2;
  for (let c = 0; c < 8; c++) {
    const dst = panel + (<usize>c << 2);
    if (c >= nc) {
      for (let k = 0; k < n; k++) store<f32>(dst + (<usize>k << 5), 0);
      continue;
    }
    const src = w + <usize>(j + c) * rowBytes;
    for (let k = 0; k < n; k++) store<f32>(dst + (<usize>k << 5), load<f32>(src + (<usize>k << 2)));
  }
}

export function matmul(r0: i32, r1: i32, out: usize, x: usize, w: usize, T: i32, n: i32, d: i32, panel: usize): void {
  const xRow = <usize>n << 2;
  const outRow = <usize>d << 2;
  for (let j = r0; j < r1; j += 8) {
    const nc = min(8, r1 - j);
    packPanel(panel, w, n, j, nc);
    const outCol = out + (<usize>j << 2);
    let t = 0;
    for (; t + 4 <= T; t += 4) {
      const x0 = x + <usize>t * xRow;
      const x1 = x0 + xRow;
      const x2 = x1 + xRow;
      const x3 = x2 + xRow;
      let c0a = f32x4.splat(0), c0b = f32x4.splat(0), c1a = f32x4.splat(0), c1b = f32x4.splat(0);
      let c2a = f32x4.splat(0), c2b = f32x4.splat(0), c3a = f32x4.splat(0), c3b = f32x4.splat(0);
      for (let k = 0; k < n; k++) {
        const p = panel + (<usize>k << 5);
        const wa = v128.load(p);
        const wb = v128.load(p, 16);
        const o = <usize>k << 2;
        const v0 = v128.load32_splat(x0 + o);
        c0a = f32x4.add(c0a, f32x4.mul(v0, wa));
        c0b = f32x4.add(c0b, f32x4.mul(v0, wb));
        const v1 = v128.load32_splat(x1 + o);
        c1a = f32x4.add(c1a, f32x4.mul(v1, wa));
        c1b = f32x4.add(c1b, f32x4.mul(v1, wb));
        const v2 = v128.load32_splat(x2 + o);
        c2a = f32x4.add(c2a, f32x4.mul(v2, wa));
        c2b = f32x4.add(c2b, f32x4.mul(v2, wb));
        const v3 = v128.load32_splat(x3 + o);
        c3a = f32x4.add(c3a, f32x4.mul(v3, wa));
        c3b = f32x4.add(c3b, f32x4.mul(v3, wb));
      }
      const o0 = outCol + <usize>t * outRow;
      storeRow(o0, c0a, c0b, nc);
      storeRow(o0 + outRow, c1a, c1b, nc);
      storeRow(o0 + 2 * outRow, c2a, c2b, nc);
      storeRow(o0 + 3 * outRow, c3a, c3b, nc);
    }
    for (; t < T; t++) {
      const x0 = x + <usize>t * xRow;
      let c0a = f32x4.splat(0), c0b = f32x4.splat(0);
      for (let k = 0; k < n; k++) {
        const p = panel + (<usize>k << 5);
        const v0 = v128.load32_splat(x0 + (<usize>k << 2));
        c0a = f32x4.add(c0a, f32x4.mul(v0, v128.load(p)));
        c0b = f32x4.add(c0b, f32x4.mul(v0, v128.load(p, 16)));
      }
      storeRow(outCol + <usize>t * outRow, c0a, c0b, nc);
    }
  }
}
