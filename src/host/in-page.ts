// The engine in the page's own thread (or in Node): the same protocol, handler and client as the Worker host, with
// messages passed by direct call (no copy). For small experiments, and for hook functions, which run only here.
import type {HookFn} from "../engine/index.ts";
import {createHost, type EngineHost} from "./client.ts";
import {createHandler} from "./handler.ts";
import type {FromEngine} from "./protocol.ts";
import {serve} from "./serve.ts";

export function createInPageHost(): EngineHost<HookFn> {
  return createHost<HookFn>(() => {
    let toPage: (message: FromEngine) => void = () => undefined;
    const receive = serve(createHandler(), (message) => toPage(message));
    return {
      sharedMemory: false,
      post: (message) => receive(message),
      listen: (onMessage) => void (toPage = onMessage),
      close: () => void (toPage = () => undefined)
    };
  }, "in-page engine");
}
