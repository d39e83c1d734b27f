// Opens a Tonari dashboard in Debian's chromium (headless, driven by playwright-core) and prints
// what the page shows as JSON: the network table's rows, the graph's edges, the stream status,
// every console or page error, and every request that went anywhere but loopback (refused).
// Waits until the table has the expected number of rows and the stream is live; saves a
// screenshot. Usage: node page_snapshot.mjs URL SCREENSHOT.png ROWS [OFFLINE]
//   OFFLINE: how many rows must show "offline" before the snapshot is taken (default 0).
import { chromium } from "playwright-core";

const [url, screenshot, rowsText, offlineText] = process.argv.slice(2);
const rows = Number(rowsText);
const offline = Number(offlineText || 0);
const errors = [];
const external = [];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  page.on("console", m => { if (m.type() === "error") errors.push(`console: ${m.text()}`); });
  page.on("pageerror", e => errors.push(`page: ${e.message}`));
  await page.route("**/*", route => {
    const host = new URL(route.request().url()).hostname;
    if (host === "127.0.0.1" || host === "localhost" || host === "[::1]") return route.continue();
    external.push(route.request().url());
    return route.abort();
  });
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(([n, off]) => {
    const trs = [...document.querySelectorAll("#node-table tbody tr")];
    const status = document.getElementById("stream").textContent;
    return trs.length === n && status.startsWith("live") &&
      trs.filter(tr => tr.children[1].textContent === "offline").length === off;
  }, [rows, offline], { timeout: 30000 });
  await page.waitForTimeout(1500);  // let the events in flight land
  const shown = await page.evaluate(() => ({
    rows: [...document.querySelectorAll("#node-table tbody tr")].map(tr => [...tr.children].map(td => td.textContent)),
    edges: document.querySelectorAll("#graph line").length,
    nodes: document.querySelectorAll("#graph circle").length,
    status: document.getElementById("stream").textContent,
    lastId: Number(document.getElementById("last-id").textContent),
    log: document.querySelectorAll("#log li").length,
  }));
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ ...shown, errors, external }));
} catch (e) {
  console.log(JSON.stringify({ failed: String(e), errors, external }));
} finally {
  await browser.close();
}
