// Node worker_threads for the kernel thread pool (see threads.ts). Node-only: the browser uses threads.browser.ts.
import {Worker} from "node:worker_threads";
import type {KernelWorker} from "./threads.ts";

export function spawnNodeWorker(): KernelWorker {
  const worker = new Worker(new URL("./worker.node.js", import.meta.url));
  worker.unref(); // an idle pool never keeps the process alive
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.on("message", listener),
    onError: (listener) => worker.on("error", listener),
    terminate: () => void worker.terminate()
  };
}
