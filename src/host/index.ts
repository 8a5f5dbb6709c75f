export {createInPageHost} from "./in-page.ts";
export {createWorkerHost, spawnEngineWorker, type WorkerHostOptions, type WorkerLike} from "./worker-host.ts";
export {createHost, type EngineHost, type RequestOptions, type Transport} from "./client.ts";
export {createHandler, OPS, type Handler} from "./handler.ts";
export {serve, type PostToPage} from "./serve.ts";
export {abortError, isAbortError} from "./errors.ts";
export {prepareTransfer} from "./transfer.ts";
export type * from "./protocol.ts";
