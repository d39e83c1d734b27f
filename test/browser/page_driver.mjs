// Keeps a Tonari dashboard open in Debian's chromium (headless, steered by playwright-core) and
// answers commands from stdin, one JSON line each on stdout, so a test can act on the network
// between looks at one live page:
//   snapshot ROWS OFFLINE PICTURE TXID BLOCK   ("-" for a TXID or BLOCK not waited for)
//     waits until the network table has ROWS rows, OFFLINE of them offline, and the stream is
//     live (and, given TXID and BLOCK, until the propagation wave shows them reaching every
//     online node), then reports the table, the graph, the wave, every console or page error
//     and every request that went anywhere but loopback (refused), and saves a screenshot.
//   chat ROWS PICTURE TEXT…
//     waits until the chat table has ROWS rows and one's last message contains TEXT (ROWS 0:
//     until the stream is live); reports
//     the table, whether the Bitcoin sections are hidden, the log, errors and requests.
//   quit
// Usage: node page_driver.mjs URL
import { chromium } from "playwright-core";
import readline from "node:readline";

const url = process.argv[2];
const errors = [];
const external = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const page = await browser.newPage({ viewport: { width: 1200, height: 1100 } });
page.on("console", m => { if (m.type() === "error") errors.push(`console: ${m.text()}`); });
page.on("pageerror", e => errors.push(`page: ${e.message}`));
await page.route("**/*", route => {
  const host = new URL(route.request().url()).hostname;
  if (host === "127.0.0.1" || host === "localhost" || host === "[::1]") return route.continue();
  external.push(route.request().url());
  return route.abort();
});
await page.goto(url, { waitUntil: "load" });

async function snapshot(rows, offline, picture, txid, block) {
  await page.waitForFunction(([n, off, tx, blk]) => {
    const trs = [...document.querySelectorAll("#node-table tbody tr")];
    const online = trs.filter(tr => tr.children[1].textContent === "online").length;
    const reached = kind => document.querySelectorAll(`#wave-${kind} tbody tr`).length;
    return trs.length === n && online === n - off && document.getElementById("stream").textContent.startsWith("live") &&
      (!tx || (document.getElementById("wave-tx").dataset.id === tx && reached("tx") === online)) &&
      (!blk || (document.getElementById("wave-block").dataset.id === blk && reached("block") === online));
  }, [rows, offline, txid, block], { timeout: 30000 });
  await page.waitForTimeout(1000);  // let the events in flight land
  const shown = await page.evaluate(() => {
    const table = sel => [...document.querySelectorAll(sel)].map(tr => [...tr.children].map(td => td.textContent));
    return {
      rows: table("#node-table tbody tr"),
      edges: document.querySelectorAll("#graph line").length,
      nodes: document.querySelectorAll("#graph circle").length,
      wave_tx: table("#wave-tx tbody tr"),
      wave_block: table("#wave-block tbody tr"),
      status: document.getElementById("stream").textContent,
      chain: [...document.querySelectorAll("#chain .block")].map(b => [b.dataset.hash || "next",
        (b.querySelector(".miner") || { textContent: "" }).textContent]),
    };
  });
  await page.screenshot({ path: picture, fullPage: true });
  return { ...shown, errors, external };
}

// The chat act: waits until the chat table has ROWS rows and one's last message contains TEXT.
async function chatSnapshot(rows, picture, wanted) {
  await page.waitForFunction(([n, w]) => {
    const trs = [...document.querySelectorAll("#chat-table tbody tr")];
    const shown = n === 0 || (!document.getElementById("chat").hidden && trs.length === n &&
      trs.some(tr => tr.children[5].textContent.includes(w)));
    return shown && document.getElementById("stream").textContent.startsWith("live");
  }, [rows, wanted], { timeout: 30000 });
  const shown = await page.evaluate(() => ({
    chat: [...document.querySelectorAll("#chat-table tbody tr")].map(tr => [...tr.children].map(td => td.textContent)),
    bitcoin_hidden: [...document.querySelectorAll(".bitcoin")].every(s => s.hidden),
    log: [...document.querySelectorAll("#log li")].map(li => li.textContent).slice(0, 40),
  }));
  await page.screenshot({ path: picture, fullPage: true });
  return { ...shown, errors, external };
}

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const [command, ...args] = line.trim().split(/\s+/);
  if (command === "quit") break;
  try {
    if (command === "chat") {
      const [rows, picture, ...text] = args;
      console.log(JSON.stringify(await chatSnapshot(Number(rows), picture, text.join(" "))));
      continue;
    }
    if (command !== "snapshot") throw new Error(`unknown command ${command}`);
    const [rows, offline, picture, txid, block] = args.map(a => (a === "-" ? "" : a));
    console.log(JSON.stringify(await snapshot(Number(rows), Number(offline), picture, txid, block)));
  } catch (e) {
    // What the page showed instead, for the failure report.
    const picture = command === "chat" ? args[1] : args[2];
    if (picture) await page.screenshot({ path: picture, fullPage: true }).catch(() => {});
    const table = await page.evaluate(() => [...document.querySelectorAll("#node-table tbody tr, #wave-block tbody tr")]
      .map(tr => [...tr.children].map(td => td.textContent).join(" | "))).catch(() => []);
    console.log(JSON.stringify({ failed: `${e}; the page showed: ${table.join(" / ")}`, errors, external }));
  }
}
await browser.close();
