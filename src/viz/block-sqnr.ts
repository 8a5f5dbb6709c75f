// Per-block SQNR heatmap: one cell per quantization block (rows × blocks along a row), sequential colours in dB, so
// outlier blocks (low SQNR, dark) stand out. Cells are square. A tensor with more rows than blocks per row (64 rows of
// 2 blocks, the usual shape) is drawn turned, rows across and blocks down, so its long side runs along the chart's
// width instead of being squeezed into a strip (its cells then up to twice as tall as wide, so a strip of two blocks
// is not a sliver); the figure is only as tall as the cells need.
import {toGrid} from "./cells.ts";
import {drawHeatmap, toHeatmapOptions, type HeatmapSpec} from "./heatmap.ts";

export interface BlockSqnrData {
  sqnr: ArrayLike<number>; // (rows, blocksPerRow) row-major, dB
  rows: number;
  cols: number;
}

/** Blocks per row up to which each block gets its own label (else a numeric axis). */
const LABELLED_BLOCKS = 24;

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
  const grid = toGrid(data.sqnr, data.rows, data.cols);
  const {rows, cols} = grid;
  const blockLabels = (n: number) => (n <= LABELLED_BLOCKS ? Array.from({length: n}, (_, i) => String(i)) : undefined);
  if (rows <= cols) {
    return drawHeatmap({...grid, colLabels: blockLabels(cols)}, options, "block-sqnr", {square: true});
  }
  // (rows, cols) -> (cols, rows): block b of row r moves to row b, column r
  const turned = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let b = 0; b < cols; b++) turned[b * rows + r] = grid.values[r * cols + b]!;
  return drawHeatmap(
    {values: turned, rows: cols, cols: rows, rowLabels: blockLabels(cols)},
    {...options, rowTitle: options.colTitle, colTitle: options.rowTitle},
    "block-sqnr",
    {square: true, tallCells: 2}
  );
}
