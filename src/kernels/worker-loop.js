// The body of a kernel worker thread (Node worker_threads and browser Workers run this same file).
// It instantiates the kernel module on the shared memory, says "ready", then serves jobs until told to stop: the
// caller writes a job into the control block, bumps GEN and notifies; the worker runs its part of the rows of a
// row-split kernel, bumps DONE and notifies. Plain JavaScript so both runtimes load it as a worker without a
// TypeScript loader; the control block layout comes in the init message (defined once, in threads.ts).
/* global WebAssembly */

/**
 * @param {{module: WebAssembly.Module, memory: WebAssembly.Memory, control: SharedArrayBuffer, index: number,
 *   scratch: number, ops: string[], layout: Record<string, number>, spin: number}} init
 * @param {(message: unknown) => void} post
 */
export function serve(init, post) {
  const {module, memory, control, index, scratch, ops, layout, spin} = init;
  const {GEN, DONE, OP, BOUNDS, SCRATCH, ARGS, MAX_ARGS} = layout;
  let fns;
  try {
    const {exports} = new WebAssembly.Instance(module, {env: {memory}});
    fns = ops.map((name) => exports[name]);
  } catch (error) {
    post({error: String(error)});
    return;
  }
  const c = new Int32Array(control);
  const a = new Int32Array(MAX_ARGS);
  let gen = Atomics.load(c, GEN);
  post("ready");
  for (;;) {
    // poll a while before sleeping: a decode step issues jobs microseconds apart and a wake-up costs tens of µs
    for (let i = 0; i < spin && Atomics.load(c, GEN) === gen; i++);
    Atomics.wait(c, GEN, gen);
    gen = Atomics.load(c, GEN);
    const op = c[OP];
    if (op < 0) return;
    for (let i = 0; i < MAX_ARGS; i++) a[i] = c[ARGS + i];
    if (c[SCRATCH]) a[6] = scratch;
    fns[op](c[BOUNDS + index], c[BOUNDS + index + 1], a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
    Atomics.add(c, DONE, 1);
    Atomics.notify(c, DONE);
  }
}
