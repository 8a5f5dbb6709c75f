// Giving the page back between pieces of work: a macrotask, so input events, the busy indicator and the charts get a
// turn before the next step runs.

/** Resolves on the next macrotask; rejects with the signal's reason when it is aborted. */
export function nextTurn(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    setTimeout(() => {
      if (signal?.aborted) reject(signal.reason);
      else resolve();
    }, 0);
  });
}
