// streamRead: src (chunks · chunkBytes bytes) -> out (chunks,) i32, the wrapping sum of each chunk's i32 words; chunks
// [r0, r1) only (threads split them). It exists to measure memory bandwidth: a decode step of a model larger than the
// caches reads every weight byte once, so the rate this loop streams bytes at bounds the tok/s any matvec can reach
// (the bench's roofline). Four independent accumulators keep the adds off the critical path; chunkBytes is a
// multiple of 64.
export function streamRead(r0: i32, r1: i32, out: usize, src: usize, chunkBytes: i32): void {
  for (let r = r0; r < r1; r++) {
    let p = src + <usize>r * <usize>chunkBytes;
    const end = p + <usize>chunkBytes;
    let a = i32x4.splat(0), b = i32x4.splat(0), c = i32x4.splat(0), d = i32x4.splat(0);
    for (; p < end; p += 64) {
      a = i32x4.add(a, v128.load(p));
      b = i32x4.add(b, v128.load(p, 16));
      c = i32x4.add(c, v128.load(p, 32));
      d = i32x4.add(d, v128.load(p, 48));
    }
    const s = i32x4.add(i32x4.add(a, b), i32x4.add(c, d));
    const sum = i32x4.extract_lane(s, 0) + i32x4.extract_lane(s, 1) + i32x4.extract_lane(s, 2) + i32x4.extract_lane(s, 3);
    store<i32>(out + (<usize>r << 2), sum);
  }
}
