// Hosts for Node tests: the in-page host, and the Worker host over a stand-in Worker whose engine runs in this
// thread behind a MessageChannel, so every message is structured-cloned and every transfer really moves buffers
// (the same client, serve loop and handler a browser Worker runs; only the thread differs).
import {createHandler, createInPageHost, createWorkerHost, serve, type EngineHost} from "../../src/host/index.ts";
import type {FromEngine, WorkerLike} from "../../src/host/index.ts";

export interface StandInWorker extends WorkerLike {
  /** every message the engine posted, with the buffers it transferred */
  posted: {message: FromEngine; transfer: ArrayBuffer[]}[];
  /** fires the Worker "error" event, as an uncaught error in a real Worker does */
  crash(message: string): void;
  terminated: boolean;
}

export function standInWorker(): StandInWorker {
  const {port1, port2} = new MessageChannel();
  const listeners = new Map<string, ((event: any) => void)[]>();
  const posted: StandInWorker["posted"] = [];
  const receive = serve(createHandler(), (message, transfer) => {
    posted.push({message, transfer});
    port2.postMessage(message, transfer);
  });
  port2.addEventListener("message", (event) => receive(event.data));
  port2.start();
  port1.addEventListener("message", (event) => listeners.get("message")?.forEach((l) => l(event)));
  port1.start();
  const worker: StandInWorker = {
    posted,
    terminated: false,
    postMessage: (message, transfer) => port1.postMessage(message, transfer),
    addEventListener: (type, listener) => listeners.set(type, [...(listeners.get(type) ?? []), listener]),
    terminate() {
      worker.terminated = true;
      port1.close();
      port2.close();
    },
    crash: (message) => listeners.get("error")?.forEach((l) => l({message}))
  };
  return worker;
}

/** A Worker host on stand-in workers; `workers` lists every one it started (restart starts another). */
export function standInWorkerHost(): {host: EngineHost; workers: StandInWorker[]} {
  const workers: StandInWorker[] = [];
  const host = createWorkerHost({spawn: () => workers[workers.push(standInWorker()) - 1]!});
  return {host, workers};
}

export const HOST_KINDS = [
  ["in-page", () => createInPageHost() as EngineHost],
  ["worker", () => standInWorkerHost().host]
] as const;

/** The bits of a float array, so -0, NaN payloads and every last ulp must match. */
export const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
