// Bytes a reader's browser fetches to search a built site, from Chromium's network log.
// Usage: node bench/search-bytes.mjs <address of the search page> <first words> <later words>
// Prints one line: "page <bytes> first <bytes> later <bytes> requests <n>/<n>/<n>", where page is the
// search page with its style and scripts, first is everything fetched from the first query until its
// results are shown, later what a second, different query adds. Run with tests/browser's packages
// (`npm ci` in tests/browser); bench/run.sh does this.
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(join(process.cwd(), "tests/browser/package.json"));
const { chromium } = require("playwright-core");
const [address, first, later] = process.argv.slice(2);
if (!address || !first || !later) {
  console.error("usage: node bench/search-bytes.mjs <search page address> <first words> <later words>");
  process.exit(2);
}

const profile = mkdtempSync(join(tmpdir(), "roundtable-bench-chromium-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
});
const page = await browser.newPage();
// Bytes on the wire (headers and body as received), for every request of the page: its HTML, style,
// search.js and the index's meta.json, then the index files each query fetches.
let bytes = 0;
let requests = 0;
browser.on("requestfinished", async (request) => {
  const sizes = await request.sizes();
  bytes += sizes.responseHeadersSize + sizes.responseBodySize;
  requests += 1;
});
async function settle() {
  // No request for half a second: everything a step needed has arrived.
  let last = -1;
  while (last !== requests) {
    last = requests;
    await page.waitForTimeout(500);
  }
}
function take() {
  const taken = [bytes, requests];
  bytes = 0;
  requests = 0;
  return taken;
}
async function ask(words) {
  await page.waitForSelector("#search-form[data-ready]", { timeout: 60000 });
  await page.fill("#search-input", words);
  await page.press("#search-input", "Enter");
  await page.waitForFunction(
    (asked) => document.querySelector("#search-status").textContent.includes(asked) && document.querySelectorAll("#search-results li").length > 0,
    words,
    { timeout: 60000 },
  );
  await settle();
  return take();
}
await page.goto(address, { waitUntil: "load" });
await settle();
const [pageBytes, pageRequests] = take();
const [firstBytes, firstRequests] = await ask(first);
const [laterBytes, laterRequests] = await ask(later);
console.log(`page ${pageBytes} first ${firstBytes} later ${laterBytes} requests ${pageRequests}/${firstRequests}/${laterRequests}`);
await browser.close();
rmSync(profile, { recursive: true, force: true });
