// The Content Security Policy of every studio page: nothing may load from another origin, so a forgotten CDN URL
// fails at once and visibly instead of leaking a request or hanging on a network timeout.
// - 'wasm-unsafe-eval': the WebAssembly kernels compile at run time; 'unsafe-eval': edited cells are compiled with
//   `new Function` (src/studio/editor/compile.ts);
// - style 'unsafe-inline': notebook-kit and the inspector write inline styles (scripts need no inline allowance:
//   Vite turns the page's inline module into a bundled file);
// - data:/blob: for images, fonts, fetches of generated data and workers.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'"
].join("; ");
