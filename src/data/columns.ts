// Column builders straight onto Arrow buffers (one Data chunk each, so a record batch is exactly the rows we give it),
// and the record batch that joins them under a schema.
import {Field, Float32, Float64, Int32, List, makeData, RecordBatch, Schema, Struct, Utf8} from "apache-arrow";
import type {Data, DataType} from "apache-arrow";

/** Validity bitmap (bit i set = row i valid), or undefined when no value is null. */
function validity(values: ArrayLike<unknown>): {nullBitmap?: Uint8Array; nullCount: number} {
  let nullCount = 0;
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++) {
    if (values[i] == null) nullCount++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return nullCount === 0 ? {nullCount} : {nullCount, nullBitmap: bitmap};
}

export function int32Column(values: ArrayLike<number | null | undefined>): Data<Int32> {
  return makeData({
    type: new Int32(),
    length: values.length,
    data: Int32Array.from(values as ArrayLike<number>, (v) => v ?? 0),
    ...validity(values)
  });
}

export function float64Column(values: ArrayLike<number | null | undefined>): Data<Float64> {
  return makeData({
    type: new Float64(),
    length: values.length,
    data: Float64Array.from(values as ArrayLike<number>, (v) => v ?? 0),
    ...validity(values)
  });
}

const encoder = new TextEncoder();

export function utf8Column(values: ArrayLike<string | null | undefined>): Data<Utf8> {
  const encoded = Array.from(values, (v) => encoder.encode(v ?? ""));
  const valueOffsets = new Int32Array(values.length + 1);
  for (let i = 0; i < encoded.length; i++) valueOffsets[i + 1] = valueOffsets[i]! + encoded[i]!.length;
  const data = new Uint8Array(valueOffsets[values.length]!);
  encoded.forEach((bytes, i) => data.set(bytes, valueOffsets[i]!));
  return makeData({type: new Utf8(), length: values.length, valueOffsets, data, ...validity(values)});
}

/** List<Float32>: row i is values[offsets[i] .. offsets[i + 1]). offsets (rows + 1,), values (offsets[rows],) */
export function float32ListColumn(type: List<Float32>, offsets: Int32Array, values: Float32Array): Data<List<Float32>> {
  const child = makeData({type: new Float32(), length: values.length, data: values});
  return makeData({type, length: offsets.length - 1, nullCount: 0, valueOffsets: offsets, child});
}

/** One record batch from columns given in schema order. */
export function recordBatch(schema: Schema, columns: Data[]): RecordBatch {
  const length = columns[0]?.length ?? 0;
  columns.forEach((c, i) => {
    const field: Field | undefined = schema.fields[i];
    if (!field || c.length !== length || String(c.type) !== String(field.type as DataType)) {
      throw new Error(`column ${field?.name ?? i} does not fit the schema: ${c.type} x ${c.length}, ${length} rows`);
    }
  });
  const data = makeData({type: new Struct(schema.fields), length, nullCount: 0, children: columns});
  return new RecordBatch(schema, data);
}
