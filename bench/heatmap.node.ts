// Benchmark entry for scripts/bench.ts (perf helper): render time of the 256 × 768 activation heatmap (the canvas
// path) in headless chromium, plus the cost of one hover (tooltip lookup + redraw).
//   import {benchHeatmap} from "./heatmap.node.ts";  const r = await benchHeatmap({runs: 20});
//   or: npx tsx bench/heatmap.node.ts [--quick]
// Each run builds a fresh chart from the same Float32Array (data generation not timed), appends it and forces
// layout; times are performance.now() inside the page. Warm-up runs are discarded.
import {withVizPage} from "../src/viz/browser.node.ts";

export interface HeatmapBench {
  name: string;
  rows: number;
  cols: number;
  runs: number;
  /** activationHeatmap(...) + append + layout, ms */
  renderMedianMs: number;
  renderMinMs: number;
  /** one pointermove over the cells (tooltip lookup and update), ms */
  hoverMedianMs: number;
}

export async function benchHeatmap({runs = 20, warmup = 3, rows = 256, cols = 768} = {}): Promise<HeatmapBench> {
  return withVizPage(async (page) => {
    const result = await page.evaluate(
      ({runs, warmup, rows, cols}) => {
        const viz = (window as any).glassboxViz;
        const values = new Float32Array(rows * cols);
        for (let i = 0; i < values.length; i++) values[i] = Math.sin(i * 0.37) * Math.cos(i * 0.011) * 3;
        // no named inner functions here: tsx would wrap them in __name(), which the page does not define
        const render: number[] = [];
        let svg: SVGSVGElement | undefined;
        for (let r = 0; r < warmup + runs; r++) {
          svg?.remove();
          const t0 = performance.now();
          svg = viz.activationHeatmap({values, rows, cols}) as SVGSVGElement;
          document.body.append(svg);
          svg.getBoundingClientRect();
          if (r >= warmup) render.push(performance.now() - t0);
        }
        const box = svg!.querySelector(".gb-cells image")!.getBoundingClientRect();
        const hover: number[] = [];
        for (let i = 0; i < 200; i++) {
          const t0 = performance.now();
          svg!.dispatchEvent(
            new PointerEvent("pointermove", {
              clientX: box.left + ((i * 37) % box.width),
              clientY: box.top + ((i * 11) % box.height),
              bubbles: true
            })
          );
          hover.push(performance.now() - t0);
        }
        return {render, hover, mode: svg!.querySelector(".gb-cells image") ? "canvas" : "svg"};
      },
      {runs, warmup, rows, cols}
    );
    if (result.mode !== "canvas") throw new Error(`heatmap bench expected the canvas path, got ${result.mode}`);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    return {
      name: `viz.activationHeatmap ${rows}x${cols} (chromium, canvas)`,
      rows,
      cols,
      runs,
      renderMedianMs: median(result.render),
      renderMinMs: Math.min(...result.render),
      hoverMedianMs: median(result.hover)
    };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes("--quick");
  console.log(JSON.stringify(await benchHeatmap({runs: quick ? 5 : 20}), null, 2));
}
