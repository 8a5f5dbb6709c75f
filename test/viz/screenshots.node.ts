// Renders every viz snapshot (test/output/*.svg|html) and a few live charts (canvas heatmap) to PNG in headless
// chromium at slide size (2× device pixels: 960×540 -> 1920×1080), so a human can look at them.
//   npx tsx test/viz/screenshots.node.ts [name-filter]
// Output: test/screenshots/viz/<name>.png (gitignored).
import {mkdirSync, readdirSync, readFileSync} from "node:fs";
import {withVizPage} from "../../src/viz/browser.node.ts";

const filter = process.argv[2] ?? "";
const outDir = "test/screenshots/viz";
mkdirSync(outDir, {recursive: true});
const files = readdirSync("test/output").filter(
  (f) => /\.(svg|html)$/.test(f) && !f.includes("-changed") && f.includes(filter)
);

await withVizPage(async (page) => {
  for (const file of files) {
    const markup = readFileSync(`test/output/${file}`, "utf8");
    await page.evaluate((m) => {
      document.body.innerHTML = `<div id="shot" style="display:inline-block;background:#fff">${m}</div>`;
    }, markup);
    await page.locator("#shot").screenshot({path: `${outDir}/${file.replace(/\.(svg|html)$/, "")}.png`});
  }
  if ("liveHeatmap256x768".toLowerCase().includes(filter.toLowerCase())) {
    await page.evaluate(() => {
      const viz = (window as any).glassboxViz;
      const rows = 256;
      const cols = 768;
      const values = new Float32Array(rows * cols).map((_, i) => Math.sin(i / 97) * Math.cos((i % cols) / 13) * 3);
      document.body.innerHTML = `<div id="shot" style="display:inline-block"></div>`;
      document.getElementById("shot")!.append(viz.activationHeatmap({values, rows, cols}, {title: "256 × 768 live"}));
    });
    await page.mouse.move(400, 300);
    await page.locator("#shot").screenshot({path: `${outDir}/liveHeatmap256x768.png`});
  }
});
console.log(`wrote ${files.length + 1} PNGs to ${outDir}`);
