// The engine in a dedicated module Worker: the model, its KV cache and weights live off the main thread, so
// generation, long prefills and sweeps never freeze the page. Vite bundles engine.worker.ts (offline) from the
// `new Worker(new URL(...), {type: "module"})` pattern below.
import {createHost, type EngineHost, type Transport} from "./client.ts";

/** What the host needs of a Worker (a real one, or a stand-in over a MessagePort in tests). */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: "message" | "messageerror" | "error", listener: (event: any) => void): void;
  terminate(): void;
}

export interface WorkerHostOptions {
  /** starts the engine worker (default: engine.worker.ts as a module Worker) */
  spawn?: () => WorkerLike;
  /**
   * cancel through a shared-memory flag too, so a cancel stops a long forward pass between layers (default: when
   * the page is cross-origin isolated); without it the engine sees a cancel when it yields, between tokens
   */
  sharedMemory?: boolean;
}

export const spawnEngineWorker = (): WorkerLike =>
  new Worker(new URL("./engine.worker.ts", import.meta.url), {type: "module", name: "glassbox-engine"});

/** Function hooks cannot cross to a Worker: this host takes serializable patch specs only (F = never). */
export function createWorkerHost(options: WorkerHostOptions = {}): EngineHost<never> {
  const {spawn = spawnEngineWorker, sharedMemory = canShareMemory()} = options;
  return createHost<never>(() => workerTransport(spawn(), sharedMemory), "engine worker");
}

const canShareMemory = () =>
  typeof SharedArrayBuffer === "function" &&
  (globalThis as {crossOriginIsolated?: boolean}).crossOriginIsolated !== false;

function workerTransport(worker: WorkerLike, sharedMemory: boolean): Transport {
  return {
    sharedMemory,
    post: (message, transfer) => worker.postMessage(message, transfer),
    listen(onMessage, onCrash) {
      worker.addEventListener("message", (event: MessageEvent) => onMessage(event.data));
      worker.addEventListener("messageerror", () => onCrash(new Error("a message from the worker could not be read")));
      worker.addEventListener("error", (event: ErrorEvent) => {
        event.preventDefault?.();
        onCrash(new Error(event.message || "the worker script failed to load or threw outside a request"));
      });
    },
    close: () => worker.terminate()
  };
}
