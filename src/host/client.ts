// The page side of every engine host: request ids, channels (a newer request on a channel cancels the one in
// flight), cancellation (by signal, channel or host.cancel), crash handling and restart. What carries the messages
// is a Transport: a Worker (worker-host.ts) or a direct call in the same thread (in-page.ts).
import {abortError, fromWireError} from "./errors.ts";
import type {FromEngine, OpArgs, OpEvent, OpName, OpResult, ToEngine} from "./protocol.ts";
import {outgoingArgs} from "./transfer.ts";

export interface Transport {
  post(message: ToEngine, transfer: Transferable[]): void;
  listen(onMessage: (message: FromEngine) => void, onCrash: (error: Error) => void): void;
  /** whether a shared-memory cancel flag reaches the engine (then it sees a cancel inside a forward pass) */
  sharedMemory: boolean;
  close(): void;
}

export interface RequestOptions<E> {
  /** a newer request on the same channel (e.g. the input driving one chart) cancels this one */
  channel?: string;
  /** cancels the request; it rejects with signal.reason */
  signal?: AbortSignal;
  /** streamed events (load progress, generated tokens); an onEvent that throws fails its request */
  onEvent?: (event: E) => void;
}

/**
 * An engine behind an async API. F is the hook-function type the host accepts: `HookFn` for the in-page host
 * (hooks run where the engine runs), `never` for a Worker host (patch specs only).
 * A cancelled request rejects with an AbortError (isAbortError), or with its signal's reason.
 *
 * In a notebook cell, with the studio's track() (a newer input re-runs the cell, which cancels the generate):
 *   const host = createWorkerHost();
 *   await host.request("load", {});
 *   const out = await track((signal) => host.request("generate", {prompt, steps: 64}, {signal, onEvent}), {invalidation});
 * Or give every request that drives one chart the same channel: host.request("cache", args, {channel: "heatmap"}).
 */
export interface EngineHost<F = never> {
  request<Op extends OpName>(op: Op, args: OpArgs<Op, F>, options?: RequestOptions<OpEvent<Op>>): Promise<OpResult<Op>>;
  /** cancels the request in flight on a channel, or every pending request */
  cancel(channel?: string): void;
  /** requests not settled yet */
  readonly pending: number;
  /** rejects everything pending and starts a fresh engine on the next request (the model must be loaded again) */
  restart(): void;
  /** rejects everything pending and stops the engine; later requests reject */
  close(): void;
}

interface Pending {
  resolve: (value: any) => void;
  reject: (error: unknown) => void;
  onEvent?: (event: any) => void;
  channel?: string;
  flag: Int32Array | null;
  detach: () => void;
}

/** A host over transports made by `connect` (lazily, on the first request, and again after a restart). */
export function createHost<F>(connect: () => Transport, name: string): EngineHost<F> {
  let transport: Transport | null = null;
  let failure: Error | null = null;
  let nextId = 0;
  const pending = new Map<number, Pending>();
  const channels = new Map<string, number>();

  function open(): Transport {
    const t = connect();
    t.listen(
      (message) => t === transport && receive(message),
      (error) => t === transport && crash(error)
    );
    return t;
  }

  function receive(message: FromEngine) {
    const p = pending.get(message.id);
    if (!p) return; // cancelled: the engine's late answer is dropped
    if (message.type === "event") {
      try {
        p.onEvent?.(message.value);
      } catch (error) {
        cancelRequest(message.id, error);
      }
      return;
    }
    settle(message.id);
    if (message.type === "result") p.resolve(message.value);
    else p.reject(fromWireError(message.error));
  }

  function settle(id: number): Pending {
    const p = pending.get(id)!;
    pending.delete(id);
    if (p.channel !== undefined && channels.get(p.channel) === id) channels.delete(p.channel);
    p.detach();
    return p;
  }

  function cancelRequest(id: number, reason: unknown) {
    if (!pending.has(id)) return;
    const p = settle(id);
    if (p.flag) Atomics.store(p.flag, 0, 1);
    transport?.post({type: "cancel", id}, []);
    p.reject(reason);
  }

  function cancelAll(reason: (id: number) => unknown) {
    for (const id of [...pending.keys()]) cancelRequest(id, reason(id));
  }

  function stop(reason: string) {
    cancelAll(() => abortError(reason));
    transport?.close();
    transport = null;
  }

  function crash(error: Error) {
    failure = new Error(`${name} crashed: ${error.message}; call host.restart() and load the model again`);
    cancelAll(() => failure);
    transport?.close();
    transport = null;
  }

  return {
    request(op, args, options = {}) {
      const {channel, signal, onEvent} = options;
      if (failure) return Promise.reject(failure);
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (channel !== undefined && channels.has(channel))
        cancelRequest(channels.get(channel)!, abortError(`superseded by a newer request on channel ${channel}`));
      let t: Transport;
      try {
        t = transport ??= open();
      } catch (error) {
        return Promise.reject(new Error(`cannot start the ${name}: ${(error as Error).message}`, {cause: error}));
      }
      const id = ++nextId;
      const flag = t.sharedMemory ? new Int32Array(new SharedArrayBuffer(4)) : null;
      const out = outgoingArgs(op, args);
      return new Promise((resolve, reject) => {
        const onAbort = () => cancelRequest(id, signal!.reason);
        signal?.addEventListener("abort", onAbort, {once: true});
        const detach = () => signal?.removeEventListener("abort", onAbort);
        pending.set(id, {resolve, reject, onEvent, channel, flag, detach});
        if (channel !== undefined) channels.set(channel, id);
        try {
          t.post({type: "request", id, op, args: out.args, ...(flag && {cancelFlag: flag})}, out.transfer);
        } catch (error) {
          settle(id);
          reject(sendError(name, op, error));
        }
      });
    },
    cancel(channel) {
      if (channel === undefined) return cancelAll(() => abortError("cancelled"));
      const id = channels.get(channel);
      if (id !== undefined) cancelRequest(id, abortError(`cancelled: channel ${channel}`));
    },
    get pending() {
      return pending.size;
    },
    restart() {
      stop("engine host restarted");
      failure = null;
    },
    close() {
      stop("engine host closed");
      failure = new Error(`${name} is closed: create a new host`);
    }
  };
}

function sendError(name: string, op: string, error: unknown): Error {
  const e = error as Error;
  if (e?.name === "DataCloneError")
    return new Error(
      `cannot send ${op} to the ${name}: ${e.message}; a Worker takes data only (patch specs, not hook functions): ` +
        `use patches, or the in-page host for hook functions`
    );
  return e instanceof Error ? e : new Error(String(error));
}
