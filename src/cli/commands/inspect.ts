// glassbox inspect X.gguf | DIR [--json]: what a model file holds, like llama.cpp's gguf-dump: for a GGUF the header,
// the metadata (long arrays summarized by their first values) and the tensor table (name, type, shape in ggml's ne
// order, bytes, offset); for a Hugging Face folder its config as the engine reads it and every safetensors tensor
// with its GGUF name. Nothing is run, so a vocabulary-only GGUF inspects too.
import {stat} from "node:fs/promises";
import {readGguf, type GgufArray, type GgufValue} from "../../model-files/gguf/index.ts";
import {openFileSource} from "../../model-files/gguf/source.node.ts";
import {openDirectory} from "../../model-files/hf/folder.node.ts";
import {ggufNameOf, readFolderConfig} from "../../model-files/hf/index.ts";
import {readSafetensors} from "../../model-files/safetensors/index.ts";
import type {Command, Io} from "../command.ts";

/** array values shown before "…" */
const ARRAY_HEAD = 8;

function isArray(v: GgufValue): v is GgufArray {
  return typeof v === "object" && v !== null && "itemType" in v;
}

/** A metadata value for printing: scalars as they are, arrays as {type, count, head}. */
function summarize(v: GgufValue): unknown {
  if (typeof v === "bigint") return v.toString();
  if (!isArray(v)) return v;
  const values = Array.from(v.values as ArrayLike<unknown>);
  return {
    array: v.itemType,
    count: values.length,
    head: values
      .slice(0, ARRAY_HEAD)
      .map((x) => (typeof x === "bigint" ? x.toString() : isArray(x as GgufValue) ? summarize(x as GgufValue) : x))
  };
}

function text(v: unknown): string {
  if (typeof v === "object" && v !== null && "array" in v) {
    const a = v as {array: string; count: number; head: unknown[]};
    const more = a.count > a.head.length ? ", …" : "";
    return `[${a.array} × ${a.count}] ${a.head.map((x) => JSON.stringify(x)).join(", ")}${more}`;
  }
  return JSON.stringify(v);
}

/** columns before `left` are text (left-aligned), the rest numbers */
function table(io: Io, left: number, header: string[], rows: (string | number)[][]) {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  for (const r of cells)
    io.out(r.map((c, i) => (i < left ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ") + "\n");
}

async function inspectGguf(path: string, json: boolean, io: Io) {
  const source = await openFileSource(path);
  try {
    const gguf = await readGguf(source);
    const metadata = gguf.metadata.entries.map((e) => ({key: e.key, type: e.type, value: summarize(e.value)}));
    const tensors = gguf.tensors.map((t) => ({
      name: t.name,
      type: t.type.name,
      shape: [...t.shape],
      bytes: t.size,
      offset: t.fileOffset
    }));
    if (json) {
      io.out(
        JSON.stringify({
          format: "gguf",
          version: gguf.version,
          alignment: gguf.alignment,
          size: gguf.size,
          metadata,
          tensors
        }) + "\n"
      );
      return;
    }
    io.out(
      `${path}: GGUF v${gguf.version}, ${gguf.size} bytes, alignment ${gguf.alignment}, ${metadata.length} keys, ${tensors.length} tensors\n\n`
    );
    for (const m of metadata) io.out(`${m.key} (${m.type}) = ${text(m.value)}\n`);
    if (tensors.length === 0) {
      io.out("\nno tensors: a vocabulary-only file\n");
      return;
    }
    io.out("\n");
    table(
      io,
      2,
      ["name", "type", "shape", "bytes", "offset"],
      tensors.map((t) => [t.name, t.type, t.shape.join(" × "), t.bytes, t.offset])
    );
  } finally {
    await source.close();
  }
}

async function inspectFolder(path: string, json: boolean, io: Io) {
  const folder = await openDirectory(path);
  try {
    const config = await readFolderConfig(folder);
    const tensors: {
      file: string;
      name: string;
      gguf: string | null;
      dtype: string;
      shape: number[];
      bytes: number;
      offset: number;
    }[] = [];
    for (const file of folder.files.filter((f) => f.endsWith(".safetensors")).sort()) {
      const st = await readSafetensors(await folder.open(file));
      for (const t of st.tensors)
        tensors.push({
          file,
          name: t.name,
          gguf: ggufNameOf(t.name) ?? null,
          dtype: t.dtype,
          shape: t.shape,
          bytes: t.size,
          offset: t.fileOffset
        });
    }
    const {ropeFreqs, ...shown} = config;
    const summary = {...shown, ropeFreqs: ropeFreqs ? Array.from(ropeFreqs) : null};
    if (json) {
      io.out(JSON.stringify({format: "hf", files: folder.files, config: summary, tensors}) + "\n");
      return;
    }
    io.out(`${path}: Hugging Face ${config.architecture} folder (${folder.files.join(", ")})\n\n`);
    for (const [key, value] of Object.entries(summary)) io.out(`${key} = ${JSON.stringify(value)}\n`);
    io.out("\n");
    table(
      io,
      3,
      ["name", "gguf name", "dtype", "shape", "bytes", "offset"],
      tensors.map((t) => [
        t.name,
        t.gguf ?? "(unknown)",
        t.dtype,
        t.shape.join(" × "),
        t.bytes,
        `${t.file}:${t.offset}`
      ])
    );
  } finally {
    await folder.close();
  }
}

export const inspectCommand: Command = {
  name: "inspect",
  summary: "what a GGUF file or a Hugging Face folder holds: metadata and the tensor table (like gguf-dump)",
  modelOptions: false,
  positional: "model",
  options: [
    {name: "model", type: "string", arg: "M", help: "a GGUF file or a Hugging Face folder (or give it bare)"},
    {name: "json", type: "boolean", help: "print one JSON object"}
  ],
  async run(raw, io) {
    const path = raw.model;
    if (typeof path !== "string") throw new Error("invalid model: missing (glassbox inspect X.gguf, or a folder)");
    const isDirectory = await stat(path).then(
      (s) => s.isDirectory(),
      (error: NodeJS.ErrnoException) => {
        throw new Error(
          `cannot read ${path}: ${error.code === "ENOENT" ? "no such file or folder" : error.message}; check the path`,
          {cause: error}
        );
      }
    );
    await (isDirectory ? inspectFolder : inspectGguf)(path, raw.json === true, io);
  }
};
