// The three glassbox tables: their columns (what we write) and the check a table read back must pass. Column names
// are snake_case so they read the same in Polars, DuckDB, pandas and Observable. Reading is lenient on physical types
// (Int64 for Int32, LargeUtf8 for Utf8, LargeList for List...) so a file re-saved by another Arrow tool still loads.
import {DataType, Field, Float32, Float64, Int32, List, Schema, Utf8} from "apache-arrow";
import {ArrowDataError} from "./errors.ts";
import {META, SCHEMA_VERSION, type TableKind} from "./metadata.ts";

/** What a column must hold when read back; the exact type we write is in `type`. */
type Family = "string" | "int" | "float" | "list<float>";

interface ColumnSpec {
  name: string;
  type: DataType;
  nullable: boolean;
}

interface TableSpec {
  kind: TableKind;
  columns: ColumnSpec[];
  /** what writes this table, for error messages */
  writer: string;
}

const column = (name: string, type: DataType, nullable = false): ColumnSpec => ({name, type, nullable});

/** List<Float32> with the conventional child name "item" (what pyarrow and polars write). */
export const float32List = () => new List(new Field("item", new Float32(), false));

export const TABLES: Record<TableKind, TableSpec> = {
  activations: {
    kind: "activations",
    writer: "glassbox trace --activations, or activationsToTable()",
    columns: [
      column("hook", new Utf8()), // TransformerLens name, "blocks.0.attn.hook_q"
      column("layer", new Int32(), true), // block index; null for hook_embed, ln_final.*, unembed.*
      column("position", new Int32()), // absolute position in the sequence (the query position for attention)
      column("token_id", new Int32()), // the token at that position
      column("token", new Utf8(), true), // its text; null when no tokenizer was given
      column("head", new Int32(), true), // head (or kv head) index for per-head hooks, null otherwise
      column("values", float32List()) // the remaining axes, row-major (see glassbox.hooks for their names)
    ]
  },
  timings: {
    kind: "timings",
    writer: "glassbox trace --timings, or timingsToTable()",
    columns: [
      column("step", new Int32()), // the decode step (prefill is step 0 when it is profiled)
      column("layer", new Int32(), true), // block index; null for work outside the blocks (embed, classifier, sampling)
      column("category", new Utf8()), // get_w, matmul, attention, norm, rope, activation, sampling, other
      column("duration_ms", new Float64()),
      column("bytes", new Float64(), true) // bytes read or produced (weights for get_w/matmul); null when not measured
    ]
  },
  metrics: {
    kind: "metrics",
    writer: "glassbox eval --metrics, or metricsToTable()",
    columns: [
      column("tensor", new Utf8()), // matrix name (wq, w1, ...), or a model-level label such as "logits"
      column("layer", new Int32(), true), // null for tensors outside the blocks and model-level rows
      column("spec", new Utf8()), // the quantization spec, as text
      column("bits_per_weight", new Float64()),
      column("sqnr_db", new Float64(), true),
      column("cosine", new Float64(), true),
      column("max_abs_error", new Float64(), true),
      column("normalized_l2", new Float64(), true), // sqrt(Σ(a−b)² / Σa²)
      column("kld", new Float64(), true) // mean KL divergence of the output distribution, model-level rows
    ]
  }
};

export const TABLE_KINDS = Object.keys(TABLES) as TableKind[];

/** The schema we write for a table kind, with its run metadata and any extra columns. */
export function tableSchema(kind: TableKind, metadata: Map<string, string>, extra: Field[] = []): Schema {
  const fields = TABLES[kind].columns.map((c) => new Field(c.name, c.type, c.nullable));
  return new Schema([...fields, ...extra], metadata);
}

function familyOf(type: DataType): Family | null {
  if (DataType.isDictionary(type)) return familyOf(type.dictionary) === "string" ? "string" : null;
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isUtf8View(type)) return "string";
  if (DataType.isInt(type)) return "int";
  if (DataType.isFloat(type)) return "float";
  if ((DataType.isList(type) || DataType.isLargeList(type)) && DataType.isFloat(type.children[0]?.type)) {
    return "list<float>";
  }
  return null;
}

const familyOfSpec = (c: ColumnSpec) => familyOf(c.type)!;

const describe = (fields: readonly {name: string; type: DataType}[]) =>
  fields.map((f) => `${f.name}: ${f.type}`).join(", ");

/** Why `schema` is not a `kind` table, or null when it is. */
function mismatch(schema: Schema, kind: TableKind): string | null {
  const spec = TABLES[kind];
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  const missing = spec.columns.filter((c) => !byName.has(c.name)).map((c) => c.name);
  if (missing.length > 0) return `missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`;
  for (const c of spec.columns) {
    const got = byName.get(c.name)!;
    if (familyOf(got.type) !== familyOfSpec(c)) return `column ${c.name} is ${got.type}, expected ${c.type}`;
  }
  return null; // further columns are welcome: metrics carry extra metrics, a user may add a column in Polars
}

/** "glassbox": any of our tables; "any": any Arrow table, no check. */
export type Expect = TableKind | "glassbox" | "any";

/**
 * Check that `schema` is the table asked for and return its kind (null for expect "any"). A table that names its kind
 * in metadata is checked against that kind; one without metadata (re-saved by another tool) by its columns.
 */
export function checkSchema(schema: Schema, expect: Expect, source: string): TableKind | null {
  if (expect === "any") return null;
  const declared = schema.metadata.get(META.table);
  const version = Number(schema.metadata.get(META.schemaVersion) ?? SCHEMA_VERSION);
  if (version > SCHEMA_VERSION) {
    throw new ArrowDataError(
      "newer-version",
      `${source}: written with glassbox table schema version ${version}, this glassbox reads up to ` +
        `${SCHEMA_VERSION}; update glassbox to read it`
    );
  }
  if (expect !== "glassbox" && declared !== undefined && declared !== expect) {
    throw unknownSchema(source, schema, expect, `it is a glassbox ${declared} table`);
  }
  const kind = expect !== "glassbox" ? expect : declared && declared in TABLES ? (declared as TableKind) : null;
  if (kind) {
    const reason = mismatch(schema, kind);
    if (reason) throw unknownSchema(source, schema, kind, reason);
    return kind;
  }
  const match = TABLE_KINDS.find((k) => mismatch(schema, k) === null);
  if (match) return match;
  throw unknownSchema(source, schema, expect, "its columns match none of them");
}

function unknownSchema(source: string, schema: Schema, expect: Expect, why: string): ArrowDataError {
  const wanted =
    expect === "glassbox"
      ? `a glassbox table (${TABLE_KINDS.join(", ")})`
      : `a glassbox ${expect} table (${describe(TABLES[expect as TableKind].columns)})`;
  const howTo =
    expect === "glassbox"
      ? "write it with glassbox trace or eval"
      : `write it with ${TABLES[expect as TableKind].writer}`;
  return new ArrowDataError(
    "unknown-schema",
    `${source}: unknown schema: expected ${wanted} but ${why}; columns are (${describe(schema.fields)}). ` +
      `To load any Arrow table without this check pass {expect: "any"}; to get a glassbox table, ${howTo}`
  );
}
