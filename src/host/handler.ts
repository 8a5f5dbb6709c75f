// The one place requests are executed, whatever carried them: a Worker's message loop and the in-page host both
// call handleRequest. Requests run one at a time, in arrival order (they share the model's KV cache); one cancelled
// while waiting never starts.
import type {HookFn} from "../engine/index.ts";
import {generate, profile} from "./ops/generate.ts";
import {load, tokenize} from "./ops/model.ts";
import {quant, stats} from "./ops/quant.ts";
import {cache, run} from "./ops/run.ts";
import {sweep} from "./ops/sweep.ts";
import type {EngineOps, OpName} from "./protocol.ts";
import type {OpContext, Session} from "./session.ts";

type Op<Name extends OpName> = (
  session: Session,
  args: EngineOps<HookFn>[Name]["args"],
  ctx: OpContext<EngineOps[Name]["event"]>
) => EngineOps[Name]["result"] | Promise<EngineOps[Name]["result"]>;

/** Every operation of the protocol, by name. */
export const OPS: {[Name in OpName]: Op<Name>} = {load, tokenize, quant, stats, run, cache, sweep, generate, profile};

export interface Handler {
  handleRequest(op: string, args: unknown, ctx: OpContext): Promise<unknown>;
}

/** A fresh engine session (no model loaded) and its request queue. */
export function createHandler(): Handler {
  const session: Session = {loaded: null};
  let queue: Promise<unknown> = Promise.resolve();
  return {
    handleRequest(op, args, ctx) {
      const run = queue.then(() => {
        if (!Object.hasOwn(OPS, op)) throw new Error(`invalid op: ${op} (one of ${Object.keys(OPS).join(", ")})`);
        ctx.check();
        return (OPS[op as OpName] as Op<OpName>)(session, args as never, ctx as never);
      });
      queue = run.catch(() => undefined);
      return run;
    }
  };
}
