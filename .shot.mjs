// usage: node shot.mjs url width selector out.png  (screenshot of one element after the page is idle)
import {chromium} from "playwright-core";
const [url, width, selector, out] = process.argv.slice(2);
const browser = await chromium.launch({executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"]});
const page = await browser.newPage({viewport: {width: +width, height: 900}});
await page.goto(url);
await page.waitForFunction(() => document.getElementById("gb-status")?.dataset.state === "idle", undefined, {timeout: 120000});
await page.waitForTimeout(1500);
await page.locator(selector).first().screenshot({path: out});
console.log(await page.locator(selector).first().evaluate((e) => e.outerHTML.slice(0, 300)));
await browser.close();
