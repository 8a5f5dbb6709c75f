// The engine side of the protocol: takes requests and cancels, runs each request through the handler with its
// context (AbortSignal, the shared cancel flag when there is one, an event stream), and posts back exactly one
// result or error per request, every typed array in it moved rather than copied.
import {abortError, toWireError} from "./errors.ts";
import type {Handler} from "./handler.ts";
import type {FromEngine, ToEngine} from "./protocol.ts";
import {prepareTransfer} from "./transfer.ts";

export type PostToPage = (message: FromEngine, transfer: ArrayBuffer[]) => void;

/** Returns the function to call with each message from the page. */
export function serve(handler: Handler, post: PostToPage): (message: ToEngine) => void {
  const running = new Map<number, AbortController>();
  return (message) => {
    if (message?.type === "cancel") return void running.get(message.id)?.abort(abortError("cancelled"));
    if (message?.type !== "request") return;
    const {id, op, args, cancelFlag} = message;
    const controller = new AbortController();
    running.set(id, controller);
    const check = () => {
      if (cancelFlag && Atomics.load(cancelFlag, 0) !== 0 && !controller.signal.aborted)
        controller.abort(abortError("cancelled"));
      controller.signal.throwIfAborted();
    };
    const send = (type: "event" | "result", result: unknown) => {
      const {value, transfer} = prepareTransfer(result);
      post({type, id, value}, transfer);
    };
    const emit = (event: unknown) => {
      if (!controller.signal.aborted) send("event", event);
    };
    const ctx = {signal: controller.signal, emit, check, checksMidRun: cancelFlag !== undefined};
    handler
      .handleRequest(op, args, ctx)
      .then((result) => send("result", result))
      .catch((error) => post({type: "error", id, error: toWireError(error)}, []))
      .finally(() => running.delete(id));
  };
}
