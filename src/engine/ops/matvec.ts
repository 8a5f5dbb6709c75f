/** W (d,n) @ x (n,) -> out (d,). W row-major: row i is w[i*n .. i*n+n). */
export function matvec(out: Float32Array, x: Float32Array, w: Float32Array, n: number, d: number): void {
  // by far the most time of a decode step is spent in this little loop
  for (let i = 0; i < d; i++) {
    const row = i * n;
    let sum = 0;
    for (let j = 0; j < n; j++) sum += w[row + j]! * x[j]!;
    out[i] = sum;
  }
}
