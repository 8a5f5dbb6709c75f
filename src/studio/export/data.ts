// A cell's value as data files: Arrow IPC (written by src/data, provenance in the schema metadata), CSV (plain, so any
// tool parses it; CSV has no place for metadata) and JSON ({provenance, columns, rows}). A value qualifies when it
// is an Arrow table, an array of records (plain objects) or a typed array (one column named "value").
import {RecordBatch, Schema, Table, tableFromArrays, tableFromJSON} from "apache-arrow";
import {csvFormat} from "d3";
import {ipcBlob, IPC_MIME} from "../../data/ipc.ts";
import type {Provenance} from "./provenance.ts";

export const PROVENANCE_KEY = "glassbox.provenance";

function isArrowTable(value: unknown): value is Table {
  const v = value as Partial<Table> | null;
  return !!v && typeof v === "object" && !!v.schema && Array.isArray(v.batches) && typeof v.toArray === "function";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The value as an Arrow table, or null when it is not tabular data. */
export function asTable(value: unknown): Table | null {
  if (isArrowTable(value)) return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return tableFromArrays({value: value as Float32Array});
  }
  if (Array.isArray(value) && value.length > 0 && value.every(isRecord)) return tableFromJSON(value);
  return null;
}

/** A plain JavaScript value of an Arrow cell: BigInt becomes a number when exact, else a string. */
function plain(value: unknown): unknown {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, plain);
  return value;
}

export function tableRows(table: Table): Record<string, unknown>[] {
  const names = table.schema.fields.map((f) => f.name);
  const columns = names.map((n) => table.getChild(n)!);
  return Array.from({length: table.numRows}, (_, i) =>
    Object.fromEntries(names.map((n, j) => [n, plain(columns[j]!.get(i))]))
  );
}

export function arrowBlob(table: Table, provenance: Provenance): Blob {
  const metadata = new Map(table.schema.metadata);
  metadata.set(PROVENANCE_KEY, JSON.stringify(provenance));
  const schema = new Schema(table.schema.fields, metadata);
  const tagged = new Table(
    schema,
    table.batches.map((b) => new RecordBatch(schema, b.data))
  );
  return new Blob([ipcBlob(tagged)], {type: IPC_MIME.file});
}

export function csvBlob(table: Table): Blob {
  const columns = table.schema.fields.map((f) => f.name);
  const rows = tableRows(table).map((row) =>
    Object.fromEntries(columns.map((c) => [c, Array.isArray(row[c]) ? JSON.stringify(row[c]) : row[c]]))
  );
  return new Blob([csvFormat(rows as {[key: string]: string}[], columns)], {type: "text/csv"});
}

export function jsonBlob(table: Table, provenance: Provenance): Blob {
  const body = {provenance, columns: table.schema.fields.map((f) => f.name), rows: tableRows(table)};
  return new Blob([JSON.stringify(body, null, 1)], {type: "application/json"});
}
