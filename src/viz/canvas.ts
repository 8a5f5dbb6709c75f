// Canvas access for raster charts. jsdom has <canvas> but no 2D context (getContext logs "not implemented"), so we
// detect jsdom by its user agent and report "no canvas" explicitly instead of calling it; callers then fall back.

export function canvas2d(doc: Document, width: number, height: number): CanvasRenderingContext2D | null {
  const agent = doc.defaultView?.navigator.userAgent ?? "";
  if (agent.includes("jsdom")) return null;
  const canvas = doc.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  return canvas.getContext("2d");
}
