// Per-block SQNR heatmap: one cell per quantization block (rows × blocks along a row), sequential colours in dB, so
// outlier blocks (low SQNR, dark) stand out.
import {drawHeatmap, toHeatmapOptions, type HeatmapSpec} from "./heatmap.ts";

export interface BlockSqnrData {
  sqnr: ArrayLike<number>; // (rows, blocksPerRow) row-major, dB
  rows: number;
  cols: number;
}

export function blockSqnrHeatmap(data: BlockSqnrData, spec?: HeatmapSpec): SVGSVGElement {
  const options = toHeatmapOptions(
    {
      rowTitle: "row",
      colTitle: "block",
      scale: "sequential",
      unit: "SQNR (dB)",
      link: null,
      positionAxis: "none",
      ...spec
    },
    "SQNR per block"
  );
  return drawHeatmap({values: data.sqnr, rows: data.rows, cols: data.cols}, options, "block-sqnr");
}
