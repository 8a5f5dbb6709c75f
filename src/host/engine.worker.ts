// The engine Worker's entry: one engine session serving the host protocol (see worker-host.ts).
import {createHandler} from "./handler.ts";
import type {ToEngine} from "./protocol.ts";
import {serve} from "./serve.ts";

const scope = self as unknown as {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent<ToEngine>) => void): void;
};

const receive = serve(createHandler(), (message, transfer) => scope.postMessage(message, transfer));
scope.addEventListener("message", (event) => receive(event.data));
