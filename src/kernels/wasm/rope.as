// rope: x (nHeads, headSize) -> out: each pair (x[2i], x[2i+1]) of every head rotated by the angle whose cos/sin are
// cos[i], sin[i] (headSize/2 each: this position's row of the per-model tables). out may be x.
export function rope(out: usize, x: usize, cos: usize, sin: usize, nHeads: i32, headSize: i32): void {
  const half = headSize >> 1;
  const half2 = half & ~1;
  const sign = f32x4(-1, 1, -1, 1);
  for (let h = 0; h < nHeads; h++) {
    const head = <usize>(h * headSize) << 2;
    let i = 0;
    for (; i < half2; i += 2) {
      const o = head + (<usize>i << 3);
      const a = v128.load(x + o); // two pairs: x0 x1 x2 x3
      const c = v128.load64_zero(cos + (<usize>i << 2));
      const s = v128.load64_zero(sin + (<usize>i << 2));
      const cc = i32x4.shuffle(c, c, 0, 0, 1, 1);
      const ss = f32x4.mul(i32x4.shuffle(s, s, 0, 0, 1, 1), sign);
      const swapped = i32x4.shuffle(a, a, 1, 0, 3, 2);
      v128.store(out + o, f32x4.add(f32x4.mul(a, cc), f32x4.mul(swapped, ss)));
    }
    for (; i < half; i++) {
      const o = head + (<usize>i << 3);
      const c = load<f32>(cos + (<usize>i << 2));
      const s = load<f32>(sin + (<usize>i << 2));
      const v0 = load<f32>(x + o);
      const v1 = load<f32>(x + o, 4);
      store<f32>(out + o, v0 * c - v1 * s);
      store<f32>(out + o, v0 * s + v1 * c, 4);
    }
  }
}

// ropeNeox: x (nHeads, headSize) -> out: each pair (x[i], x[i + headSize/2]) of every head rotated by the angle whose
// cos/sin are cos[i], sin[i] (NeoX / rotate-half RoPE). out may be x.
export function ropeNeox(out: usize, x: usize, cos: usize, sin: usize, nHeads: i32, headSize: i32): void {
  const half = headSize >> 1;
  const half4 = half & ~3;
  const upper = <usize>half << 2;
  for (let h = 0; h < nHeads; h++) {
    const head = <usize>(h * headSize) << 2;
    let i = 0;
    for (; i < half4; i += 4) {
      const lo = head + (<usize>i << 2);
      const a = v128.load(x + lo); // x[i..i+4)
      const b = v128.load(x + lo + upper); // x[i+half..i+half+4)
      const c = v128.load(cos + (<usize>i << 2));
      const s = v128.load(sin + (<usize>i << 2));
      v128.store(out + lo, f32x4.sub(f32x4.mul(a, c), f32x4.mul(b, s)));
      v128.store(out + lo + upper, f32x4.add(f32x4.mul(a, s), f32x4.mul(b, c)));
    }
    for (; i < half; i++) {
      const lo = head + (<usize>i << 2);
      const c = load<f32>(cos + (<usize>i << 2));
      const s = load<f32>(sin + (<usize>i << 2));
      const v0 = load<f32>(x + lo);
      const v1 = load<f32>(x + lo + upper);
      store<f32>(out + lo, v0 * c - v1 * s);
      store<f32>(out + lo + upper, v0 * s + v1 * c);
    }
  }
}
