// Node entry of a kernel worker thread (see worker-loop.js).
import {parentPort} from "node:worker_threads";
import {serve} from "./worker-loop.js";

parentPort.once("message", (init) => serve(init, (message) => parentPort.postMessage(message)));
