// Browser entry of a kernel worker (a module Worker; see worker-loop.js).
import {serve} from "./worker-loop.js";

self.onmessage = (event) => serve(event.data, (message) => self.postMessage(message));
