// Node-only: how every tool and test here starts headless Chromium (Debian's package through playwright-core). The
// background-networking flags matter: without them Chromium phones home at start, which an offline machine refuses.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run"
];
