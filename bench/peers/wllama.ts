// llama.cpp compiled to WebAssembly, through @wllama/wllama (a dev dependency), in the same headless Chromium the
// notebooks run in. A local server (127.0.0.1, cross-origin isolated so wllama can use its threads) serves wllama's
// own module and wasm from node_modules and the GGUF file; nothing leaves the machine, and a request for anything
// else fails the run. wllama reports llama-server's timings (prompt and predicted tokens per second) per completion.
// Its completion takes the prompt as text only (token ids make it fail), so the caller passes the protocol's prompt
// ids decoded to text, and the note says how many tokens wllama made of it.
import {createReadStream, statSync} from "node:fs";
import {createServer, type Server} from "node:http";
import {dirname, join, normalize} from "node:path";
import {createRequire} from "node:module";
import {chromium} from "playwright-core";
import {CHROMIUM_FLAGS, CHROMIUM_PATH} from "../../src/viz/chromium.node.ts";
import {PEER_PROTOCOL, spread, type PeerRun} from "./protocol.ts";

const MIME: Record<string, string> = {".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html"};

function wllamaRoot(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve("@wllama/wllama/package.json")), "esm");
  } catch (error) {
    throw new Error(`@wllama/wllama is not installed (npm ci installs it as a dev dependency): ${String(error)}`, {
      cause: error
    });
  }
}

/** The page: loads the model once per thread count and runs the protocol, reporting through window.__result. */
const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import {Wllama} from "/wllama/index.js";
window.runPeer = async ({threads, kv, prompt, decodeTokens, repeats, ctx}) => {
  const wllama = new Wllama({default: "/wllama/wasm/wllama.wasm"}, {suppressNativeLog: true, allowOffline: true});
  const blob = await (await fetch("/model.gguf")).blob();
  await wllama.loadModel([blob], {n_ctx: ctx, n_batch: ctx, n_threads: threads, n_gpu_layers: 0,
    cache_type_k: kv, cache_type_v: kv, warmup: false});
  const runs = [];
  for (let r = -1; r < repeats; r++) {
    const out = await wllama.createCompletion({prompt, max_tokens: decodeTokens + 1, temperature: 0,
      ignore_eos: true, cache_prompt: false});
    if (r >= 0) runs.push(out.timings);
  }
  const info = {multithread: wllama.isMultithread(), threads: wllama.getNumThreads()};
  await wllama.exit();
  return {runs, info};
};
window.peerReady = true;
</script>`;

async function serve(file: string): Promise<{server: Server; url: string; refused: string[]}> {
  const root = wllamaRoot();
  const refused: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const headers = {
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
      "Cross-Origin-Resource-Policy": "same-origin"
    };
    const local = path.startsWith("/wllama/") ? normalize(join(root, path.slice("/wllama/".length))) : null;
    const target = path === "/model.gguf" ? file : local && local.startsWith(root) ? local : null;
    if (path === "/") {
      res.writeHead(200, {...headers, "Content-Type": MIME[".html"]}).end(PAGE);
      return;
    }
    const stats = target ? statSync(target, {throwIfNoEntry: false}) : undefined;
    if (!target || !stats?.isFile()) {
      refused.push(path);
      res.writeHead(404, headers).end();
      return;
    }
    const type = MIME[target.slice(target.lastIndexOf("."))] ?? "application/octet-stream";
    res.writeHead(200, {...headers, "Content-Type": type, "Content-Length": stats.size});
    createReadStream(target).pipe(res);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("wllama peer: no port");
  return {server, url: `http://127.0.0.1:${address.port}/`, refused};
}

interface Timings {
  prompt_n: number;
  prompt_per_second: number;
  predicted_n: number;
  predicted_per_second: number;
}

/** The protocol on `file` in headless Chromium, per thread count and KV-cache type. */
export async function runWllama(
  file: string,
  o: {
    /** the prompt as text: wllama's completion takes no token ids (the note gives the count it tokenized to) */
    prompt: string;
    threads: readonly number[];
    kv: readonly ("F32" | "F16")[];
    repeats?: number;
    decodeTokens?: number;
  }
): Promise<PeerRun[]> {
  const {server, url, refused} = await serve(file);
  const browser = await chromium.launch({executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS});
  const runs: PeerRun[] = [];
  try {
    const page = await browser.newPage();
    const offsite: string[] = [];
    await page.route("**/*", (route) => {
      const u = new URL(route.request().url());
      if (u.hostname === "127.0.0.1") return route.continue();
      offsite.push(u.href);
      return route.abort();
    });
    await page.goto(url);
    await page.waitForFunction(() => (window as {peerReady?: boolean}).peerReady === true);
    for (const threads of o.threads) {
      for (const kv of o.kv) {
        const args = {
          threads,
          kv: kv.toLowerCase(),
          prompt: o.prompt,
          decodeTokens: o.decodeTokens ?? PEER_PROTOCOL.decodeTokens,
          repeats: o.repeats ?? PEER_PROTOCOL.repeats,
          ctx: PEER_PROTOCOL.ctx
        };
        const result = (await page.evaluate(
          (a) => (window as unknown as {runPeer: (a: unknown) => Promise<unknown>}).runPeer(a),
          args
        )) as {runs: Timings[]; info: {multithread: boolean; threads: number}};
        if (offsite.length || refused.length)
          throw new Error(`wllama peer asked for ${[...offsite, ...refused].join(", ")}: the run must stay local`);
        const t = result.runs;
        runs.push({
          engine: "llama.cpp wasm (@wllama/wllama, headless Chromium)",
          threads: result.info.threads,
          kv,
          prefill: spread(t.map((x) => x.prompt_per_second)),
          decode: spread(t.map((x) => x.predicted_per_second)),
          note: `${t[0]?.prompt_n} prompt, ${t[0]?.predicted_n} predicted tokens${result.info.multithread ? "" : ", single-thread build"}`
        });
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  return runs;
}
