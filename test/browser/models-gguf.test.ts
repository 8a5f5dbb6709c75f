// GGUF files in the notebooks (issue 22), in a real browser: the shared fixtures picked through the file input and
// dropped on the loader show a preview (metadata, tensor types as the fixture's JSON lists them, memory per weight
// mode), load, and then run in the other notebooks from this browser's storage; a truncated file and a file that is
// not GGUF each get the reader's message and leave the previous model in place.
import {afterAll, beforeAll, describe, expect, inject, it} from "vitest";
import {describeWithFixtures, fixturePath, readFixture, readFixtureJson} from "../helpers/fixtures.ts";
import {join} from "node:path";
import {launchBrowser, openPage, SCREENSHOTS_DIR, type Browser, type WatchedPage} from "./helpers/index.ts";

const devUrl = inject("devUrl");
const siteUrl = inject("siteUrl");

interface FixtureJson {
  metadata: Record<string, unknown>;
  tensors: {type: string}[];
}

/** "32 × Q8_0, 11 × F32, 5 × F16": the fixture's tensor types from its JSON, most tensors first (ties: as listed). */
function typeLine(file: string): string {
  const json = readFixtureJson<FixtureJson>("gguf", file.replace(/\.gguf$/, ".json"));
  const counts = new Map<string, number>();
  for (const t of json.tensors) counts.set(t.type, (counts.get(t.type) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([type, n]) => `${n} × ${type}`)
    .join(", ");
}

const fileSpec = (name: string, bytes: Uint8Array) => ({
  name,
  mimeType: "application/octet-stream",
  buffer: Buffer.from(bytes)
});

/** Drops files on the loader the way a browser does: dragenter, dragover, then drop, with a DataTransfer holding them. */
async function dropFiles(page: WatchedPage, files: [name: string, bytes: Uint8Array][]): Promise<void> {
  await page.page.evaluate(
    (files) => {
      const transfer = new DataTransfer();
      for (const [name, b64] of files)
        transfer.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
      const zone = document.querySelector(".gb-model-drop")!;
      for (const type of ["dragenter", "dragover", "drop"])
        zone.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
    },
    files.map(([name, bytes]) => [name, Buffer.from(bytes).toString("base64")] as const)
  );
}
const dropFile = (page: WatchedPage, name: string, bytes: Uint8Array) => dropFiles(page, [[name, bytes]]);

const picker = (page: WatchedPage) => page.page.locator(".gb-model-picker");

/** test/screenshots/<name>.png of the picker alone, to read its tables at full size */
const pickerShot = (page: WatchedPage, name: string) =>
  picker(page).screenshot({path: join(SCREENSHOTS_DIR, `${name}.png`)});

/** Waits for the preview of `file`, checks it against the fixture, presses Load and waits for the model. */
async function previewAndLoad(page: WatchedPage, file: string, shot: string): Promise<void> {
  const json = readFixtureJson<FixtureJson>("gguf", file.replace(/\.gguf$/, ".json"));
  const preview = page.page.locator(".gb-gguf-preview");
  await preview.waitFor();
  expect(await preview.getAttribute("data-types")).toBe(typeLine(file));
  expect(Number(await preview.getAttribute("data-dim"))).toBe(json.metadata["llama.embedding_length"]);
  const metadata = await page.page.locator("table.gb-gguf-metadata").textContent();
  expect(metadata).toContain(`context length${json.metadata["llama.context_length"]} in the file`);
  expect(metadata).toContain(`vocabulary${(json.metadata["tokenizer.ggml.tokens"] as {n: number}).n} tokens`);
  const modes = await page.page
    .locator("table.gb-gguf-memory tbody tr")
    .evaluateAll((rows) =>
      rows.map((r) => [(r as HTMLElement).dataset.mode, Number((r as HTMLElement).dataset.bytes)] as const)
    );
  expect(modes.map(([m]) => m)).toEqual(["fused", "dequant", "cached", "fp32"]);
  const bytes = Object.fromEntries(modes);
  expect(bytes.fused).toBeLessThan(bytes.cached!);
  expect(bytes.fp32).toBeLessThan(bytes.cached!);
  await page.screenshot(`${shot}-preview`);
  await pickerShot(page, `${shot}-preview-picker`);
  await page.page.locator("button.gb-model-load-preview").click();
  const key = file.replace(/\.gguf$/, "");
  await page.page.locator(`.gb-model-picker[data-model="${key}"]`).waitFor({timeout: 60_000});
  await page.idle();
  expect(await page.page.locator(".gb-model-status").textContent()).toMatch(
    new RegExp(`^loaded ${key.replace(/\./g, "\\.")}; kept in this browser until you press Forget`)
  );
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describeWithFixtures("gguf", "GGUF files in the notebooks", () => {
  const stories = readFixture("gguf", "stories260K.q8_0.gguf");
  const rand = readFixture("gguf", "rand-256.q4_k_m.gguf");

  for (const [where, base] of [
    ["dev", devUrl],
    ["dist", siteUrl]
  ] as const) {
    describe(where, () => {
      it("picked and dropped GGUF files preview, load and run here and in the other notebooks; bad files leave the model", async () => {
        const byom = `${base}notebooks/bring-your-own-model.html`;
        const page = await openPage(browser.context, byom);
        await page.idle();
        const configTable = page.page.locator("table.gb-config");
        const builtInConfig = await configTable.textContent();
        const builtInSample = await page.page.locator("blockquote.gb-sample").textContent();

        // picked: stories260K at Q8_0 (dim 64, 5 layers, vocab 512)
        await page.page
          .locator("input[type=file][name=model-files]")
          .setInputFiles(fileSpec("stories260K.q8_0.gguf", stories));
        await previewAndLoad(page, "stories260K.q8_0.gguf", `${where}-gguf-stories260K`);
        expect(await configTable.getAttribute("data-model")).toBe("stories260K.q8_0");
        expect(await configTable.getAttribute("data-dim")).toBe("64");
        expect(await configTable.textContent()).not.toBe(builtInConfig);
        expect(await configTable.textContent()).toContain("n_layers5");
        expect(await page.page.locator(".gb-gguf-summary").getAttribute("data-types")).toBe(
          typeLine("stories260K.q8_0.gguf")
        );
        expect(await page.page.locator("blockquote.gb-sample").textContent()).not.toBe(builtInSample);
        expect(new URL(page.page.url()).searchParams.get("model")).toBe("stories260K.q8_0");
        await page.screenshot(`${where}-gguf-stories260K-loaded`);
        expect(await page.problems()).toEqual([]);

        // a truncated file, picked: the reader's message, stories260K stays
        const error = page.page.locator(".gb-model-error");
        await page.page
          .locator("input[type=file][name=model-files]")
          .setInputFiles(fileSpec("cut.gguf", rand.subarray(0, 500_000)));
        await error.waitFor({state: "visible"});
        expect(await error.textContent()).toMatch(
          /^could not load the model: cut\.gguf: tensor "[^"]+" at byte \d+: data .* runs past the end of the file \(500000 bytes\); the file is truncated$/
        );
        expect(await page.page.locator(".gb-gguf-preview").count()).toBe(0);
        expect(await picker(page).getAttribute("data-model")).toBe("stories260K.q8_0");

        // a file that is not GGUF, dropped: the same, and the model stays
        await dropFile(page, "notes.gguf", new TextEncoder().encode("these are my notes, not a model"));
        await page.page.locator(".gb-model-error", {hasText: "notes.gguf"}).waitFor();
        expect(await error.textContent()).toBe(
          'could not load the model: notes.gguf: header at byte 0: starts with 74 68 65 73, not "GGUF": this is not a GGUF file'
        );
        expect(await picker(page).getAttribute("data-model")).toBe("stories260K.q8_0");
        expect(await configTable.getAttribute("data-dim")).toBe("64");
        await page.screenshot(`${where}-gguf-bad-file`);
        await pickerShot(page, `${where}-gguf-bad-file-picker`);
        expect(await page.problems()).toEqual([]);

        // dropped: rand-256 at Q4_K_M (dim 256, 2 layers) replaces it
        await dropFile(page, "rand-256.q4_k_m.gguf", rand);
        await previewAndLoad(page, "rand-256.q4_k_m.gguf", `${where}-gguf-rand-256`);
        expect(await configTable.getAttribute("data-dim")).toBe("256");
        expect(await page.problems()).toEqual([]);
        await page.page.close();

        // Another notebook, same browser: the stored file runs there, with rand-256's numbers.
        const glassBox = `${base}notebooks/inside-the-glass-box.html`;
        const builtIn = await openPage(browser.context, glassBox);
        await builtIn.idle();
        const builtInChart = await builtIn.page.locator("svg[data-intervention]").textContent();
        await builtIn.page.close();
        const glass = await openPage(browser.context, `${glassBox}?model=rand-256.q4_k_m`);
        await glass.idle();
        expect(await picker(glass).getAttribute("data-model")).toBe("rand-256.q4_k_m");
        expect(await glass.page.locator(".gb-model-picker select option:checked").textContent()).toContain("width 256");
        expect(await glass.page.locator("svg[data-intervention]").textContent()).not.toBe(builtInChart);
        await glass.screenshot(`${where}-gguf-inside-the-glass-box`);
        expect(await glass.problems()).toEqual([]);
        await glass.page.close();

        for (const notebook of [
          "next-token",
          "quantization-error",
          "cost-of-get-w",
          "performance-lessons",
          "real-models"
        ]) {
          const other = await openPage(browser.context, `${base}notebooks/${notebook}.html?model=rand-256.q4_k_m`);
          await other.idle(120_000);
          expect(await picker(other).getAttribute("data-model")).toBe("rand-256.q4_k_m");
          await other.screenshot(`${where}-gguf-${notebook}`);
          expect(await other.problems()).toEqual([]);
          await other.page.close();
        }

        // the training notebook says plainly that it does not train the loaded model
        const training = await openPage(browser.context, `${base}notebooks/training.html`);
        await training.page.locator(".gb-training-model").waitFor();
        expect(await training.page.locator(".gb-training-model").textContent()).toMatch(
          /^This notebook does not use the model you loaded \(rand-256\.q4_k_m\).*out of scope/
        );
        await training.page.close();

        // Forget, so the next suite starts clean
        const last = await openPage(browser.context, byom);
        await last.idle();
        await last.page.locator("button.gb-model-forget").click();
        await last.page.locator('.gb-model-picker[data-model="built-in"]').waitFor();
        await last.idle();
        expect(await last.problems()).toEqual([]);
        await last.page.close();
      }, 600_000);

      if (where === "dev")
        it("Hugging Face folders, as a directory and as dropped files, load; text cells say which files give a tokenizer", async () => {
          const page = await openPage(browser.context, `${base}notebooks/bring-your-own-model.html`);
          await page.idle();
          const noTokenizer = (name: string) =>
            `the model ${name} has no tokenizer, so this cell cannot turn text into tokens: add the model's tokenizer.json (and tokenizer_config.json) from its Hub page to the folder; the cells that need no text still run`;

          // a directory through the folder input: rand-256-llama-bf16 (21 BF16 tensors, no tokenizer files)
          await page.page
            .locator("input[type=file][name=model-folder]")
            .setInputFiles(fixturePath("hf", "rand-256-llama-bf16"));
          const preview = page.page.locator(".gb-gguf-preview");
          await preview.waitFor();
          expect(await preview.getAttribute("data-format")).toBe("Hugging Face");
          const bf16 = readFixtureJson<{safetensors: {tensors: {dtype: string}[]}}>("hf", "rand-256-llama-bf16.json");
          expect(await preview.getAttribute("data-types")).toBe(`${bf16.safetensors.tensors.length} × BF16`);
          expect(await preview.getAttribute("data-dim")).toBe("256");
          expect(await page.page.locator("table.gb-gguf-metadata").textContent()).toContain(
            "tokenizernone usable: the folder has no tokenizer.json"
          );
          await pickerShot(page, "dev-hf-folder-preview-picker");
          await page.page.locator("button.gb-model-load-preview").click();
          await page.page.locator('.gb-model-picker[data-model="rand-256-llama-bf16"]').waitFor({timeout: 60_000});
          await page.idle();
          expect(await page.page.locator("table.gb-config").getAttribute("data-dim")).toBe("256");
          // the shape and memory cells run; the text cells say what is missing
          const errors = await page.cellErrors();
          expect(errors.length).toBeGreaterThan(0);
          for (const e of errors) expect(e).toContain(noTokenizer("rand-256-llama-bf16"));
          await page.screenshot("dev-hf-folder-loaded");
          await page.page.close();

          // the same through dropped files: qwen2 (q/k/v biases), named hf-model (no folder name comes with files)
          const qwen = await openPage(browser.context, `${base}notebooks/bring-your-own-model.html`);
          await qwen.idle();
          await dropFiles(qwen, [
            ["config.json", readFixture("hf", "rand-256-qwen2", "config.json")],
            ["model.safetensors", readFixture("hf", "rand-256-qwen2", "model.safetensors")]
          ]);
          await qwen.page.locator('.gb-gguf-preview[data-format="Hugging Face"]').waitFor();
          expect(await qwen.page.locator(".gb-gguf-title").textContent()).toMatch(
            /^hf-model\/ \(2 files\): Hugging Face Qwen2ForCausalLM/
          );
          await qwen.page.locator("button.gb-model-load-preview").click();
          await qwen.page.locator('.gb-model-picker[data-model="hf-model"]').waitFor({timeout: 60_000});
          await qwen.idle();
          for (const e of await qwen.cellErrors()) expect(e).toContain(noTokenizer("hf-model"));

          // a folder without config.json is refused with what a folder needs; the model stays
          await dropFiles(qwen, [
            ["model.safetensors", readFixture("hf", "rand-256-qwen2", "model.safetensors")],
            ["notes.txt", new TextEncoder().encode("notes")]
          ]);
          await qwen.page.locator(".gb-model-error", {hasText: "config.json"}).waitFor();
          expect(await qwen.page.locator(".gb-model-error").textContent()).toBe(
            "could not load the model: 2 files were given without a config.json (model.safetensors, notes.txt): a Hugging Face folder needs config.json and model.safetensors; a GGUF model is one .gguf file"
          );
          expect(await picker(qwen).getAttribute("data-model")).toBe("hf-model");
          await qwen.page.close();

          // stored: another notebook runs on it; what needs no text shows
          const glass = await openPage(browser.context, `${base}notebooks/quantization-error.html?model=hf-model`);
          await glass.idle(120_000);
          expect(await picker(glass).getAttribute("data-model")).toBe("hf-model");
          for (const e of await glass.cellErrors()) expect(e).toContain(noTokenizer("hf-model"));
          await glass.screenshot("dev-hf-quantization-error");
          await glass.page.locator(".gb-model-loader summary").click();
          await glass.page.locator("button.gb-model-forget").click();
          await glass.page.locator('.gb-model-picker[data-model="built-in"]').waitFor();
          await glass.page.close();
        }, 600_000);

      if (where === "dev")
        it("too large for the budget is refused up front; Cancel stops a load; a full quota keeps it on the page only", async () => {
          const page = await openPage(browser.context, `${base}notebooks/bring-your-own-model.html`);
          await page.idle();
          const error = page.page.locator(".gb-model-error");
          const status = page.page.locator(".gb-model-status");
          const input = page.page.locator("input[type=file][name=model-files]");

          // a tab with 3 MB to spare: rand-256 decodes to 7 MB of float32, its Q4_K_M tensors are 1.1 MB
          await page.page.evaluate(() =>
            Object.defineProperty(performance, "memory", {
              configurable: true,
              get: () => ({jsHeapSizeLimit: 3_000_000, usedJSHeapSize: 0})
            })
          );
          await input.setInputFiles(fileSpec("rand-256.q4_k_m.gguf", rand));
          await page.page.locator(".gb-gguf-preview").waitFor();
          await error.waitFor({state: "visible"});
          expect(await error.textContent()).toMatch(
            /^not enough memory for the model rand-256\.q4_k_m\.gguf: loading it here needs [\d.]+ MiB \(float32 weights decoded from the file and its packed tensors\), about 2\.9 MiB available \(browser heap headroom\); modes that would fit once the weights stay packed: fused \([\d.]+ MiB\), dequant \([\d.]+ MiB\); close other tabs or pick a smaller or more strongly quantized file$/
          );
          expect(await page.page.locator("button.gb-model-load-preview").isDisabled()).toBe(true);
          const fits = await page.page
            .locator("table.gb-gguf-memory tbody tr")
            .evaluateAll((rows) => rows.map((r) => [(r as HTMLElement).dataset.mode, (r as HTMLElement).dataset.fits]));
          expect(fits).toEqual([
            ["fused", "true"],
            ["dequant", "true"],
            ["cached", "false"],
            ["fp32", "false"]
          ]);
          await pickerShot(page, "dev-gguf-too-large-picker");
          await page.page.evaluate(() => delete (performance as unknown as {memory?: unknown}).memory);

          // storage that never answers: Cancel ends the load and the built-in model stays
          await page.page.evaluate(() => {
            navigator.storage.estimate = () => new Promise(() => {});
          });
          await input.setInputFiles(fileSpec("rand-256.q4_k_m.gguf", rand));
          await page.page.locator("button.gb-model-load-preview:not([disabled])").click();
          await page.page.locator("button.gb-model-cancel:visible").click();
          await page.page.locator(".gb-model-status", {hasText: "cancelled"}).waitFor();
          expect(await status.textContent()).toBe(
            "cancelled loading rand-256.q4_k_m.gguf; the model you had stays selected"
          );
          expect(await picker(page).getAttribute("data-model")).toBe("built-in");
          expect(await page.page.locator("button.gb-model-cancel").isHidden()).toBe(true);

          // a site quota of 1000 bytes: the model runs on this page, and the page says why it is not kept
          await page.page.evaluate(() => {
            navigator.storage.estimate = async () => ({quota: 1000, usage: 0});
          });
          await page.page.locator("button.gb-model-load-preview").click();
          await page.page.locator('.gb-model-picker[data-model="rand-256.q4_k_m"]').waitFor();
          await page.idle();
          expect(await status.textContent()).toBe(
            "loaded rand-256.q4_k_m; used on this page only (cannot keep rand-256.q4_k_m in this browser: it needs 1.1 MiB of storage, and this site may store about 1000 B more; free disk space or this site's other data (browser settings → site data), or use the model on this page only (it stays loaded until you leave))"
          );
          expect(await page.page.locator("table.gb-config").getAttribute("data-dim")).toBe("256");
          await pickerShot(page, "dev-gguf-quota-picker");
          expect(await page.problems()).toEqual([]);
          await page.page.close();
        }, 300_000);
    });
  }
});
