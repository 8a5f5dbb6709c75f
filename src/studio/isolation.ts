// Whether this page may use threads: SharedArrayBuffer (and so the multi-threaded kernels) needs a cross-origin
// isolated page, which only a server sending COOP/COEP headers gives (`glassbox serve` does; most static servers
// do not, and then everything still works on one thread).

export interface ThreadingMode {
  threads: boolean;
  /** what the page tells the user */
  label: string;
}

export function threadingMode(scope: {crossOriginIsolated?: boolean} = globalThis): ThreadingMode {
  const threads = scope.crossOriginIsolated === true && typeof SharedArrayBuffer === "function";
  return threads
    ? {threads, label: "cross-origin isolated: threads available"}
    : {threads, label: "single-threaded (not cross-origin isolated; serve with `glassbox serve` for threads)"};
}
