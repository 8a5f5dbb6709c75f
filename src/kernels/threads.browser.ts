// Browser Workers for the kernel thread pool (see threads.ts); usable only on cross-origin isolated pages.
import type {KernelWorker} from "./threads.ts";

export function spawnBrowserWorker(): KernelWorker {
  const worker = new Worker(new URL("./worker.browser.js", import.meta.url), {type: "module"});
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.addEventListener("message", (e) => listener(e.data)),
    onError: (listener) => worker.addEventListener("error", (e) => listener(new Error(e.message))),
    terminate: () => worker.terminate()
  };
}
