export {launchBrowser, openPage, setInput, isLocalUrl, CHROMIUM, CHROMIUM_FLAGS, SCREENSHOTS_DIR} from "./browser.ts";
export type {Browser, BrowserOptions, WatchedPage} from "./browser.ts";
export {startDevServer, buildSite, freePort, PROJECT_ROOT, SITE_SUBFOLDER, type DevServer} from "./servers.ts";
export {measureInputLatency, type LatencySpec, type LatencyReport} from "./latency.ts";
