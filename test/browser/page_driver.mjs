// Keeps a Tonari dashboard open in Debian's chromium (headless, steered by playwright-core) and
// answers commands from stdin, one JSON line each on stdout, so a test can act on the network
// between looks at one live page:
//   snapshot ROWS OFFLINE PICTURE TXID BLOCK   ("-" for a TXID or BLOCK not waited for)
//     waits until the network table has ROWS rows, OFFLINE of them offline, and the stream is
//     live (and, given TXID and BLOCK, until the propagation wave shows them reaching every
//     online node), then reports the table, the graph, the wave, the ledger cards, the reach
//     chart's curves, the story's lines, every console or page error
//     and every request that went anywhere but loopback (refused), and saves a screenshot.
//   chat ROWS PICTURE TEXT…
//     waits until the chat table has ROWS rows and one's last message contains TEXT (ROWS 0:
//     until the stream is live); reports
//     the table, whether the Bitcoin sections are hidden, the log, errors and requests.
//   swarm ROWS DONE RATIO COMPLETES PICTURE
//     waits until the swarm table has ROWS rows, DONE of them at 100%, the summary's origin
//     ratio is at least RATIO (0: any), the log tells COMPLETES downloads completing, and the
//     stream is live;
//     reports the rows, each row's piece map, every piece map each member showed since the
//     first swarm command, the summary line, whether the Bitcoin sections are hidden, the log,
//     errors and requests.
//   drop PORT / resumed COUNT MORE
//     cuts the page's connections to the dashboard on PORT (ss -K), reporting the last event
//     id it had; then waits for MORE events after the first COUNT and reports their ids and
//     how often the page reloaded its snapshot
//   act {"what": "pay"|"mine"|"stop", "user", "password", "node", "from", "to", "amount"}
//     presses one of the page's buttons as a person would and reports the answer line
//   frames SECONDS
//     for SECONDS, times every render() and the intervals between animation frames, and
//     counts long tasks; reports them (the dashboard's frame-time benchmark)
//   quit
// Usage: node page_driver.mjs URL
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
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
page.on("dialog", d => d.accept());  // "Stop this node?": yes, as the person pressing it means
await page.route("**/*", route => {
  const host = new URL(route.request().url()).hostname;
  if (host === "127.0.0.1" || host === "localhost" || host === "[::1]") return route.continue();
  external.push(route.request().url());
  return route.abort();
});
// Every event id the page's stream delivers, and how often the page reloads its snapshot: what
// shows whether a reconnect resumed the stream (Last-Event-ID) or had to start over.
await page.addInitScript(() => {
  window.__ids = [];
  const Native = window.EventSource;
  window.EventSource = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", m => window.__ids.push(Number(m.lastEventId)));
    }
  };
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
      ledger: [...document.querySelectorAll("#ledger .card")].map(c => [c.dataset.node, c.dataset.wallet, Number(c.dataset.balance),
        c.querySelectorAll("li").length]),
      reach: [...document.querySelectorAll("#reach polyline")].map(l => [l.dataset.id, Number(l.dataset.reached), Number(l.dataset.total)]),
      story: [...document.querySelectorAll("#story li")].map(li => li.textContent),
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

// The file-sharing act. The first call starts recording every piece map each row shows, so a
// test can see the maps fill in as the page drew them.
async function swarmSnapshot(rows, done, ratio, completes, picture) {
  await page.evaluate(() => {
    if (window.__maps) return;
    window.__maps = {};
    const original = window.render;
    window.render = () => {
      original();
      for (const tr of document.querySelectorAll("#swarm-table tbody tr")) {
        const map = tr.querySelector("svg.pieces")?.dataset.map;
        const seen = (window.__maps[tr.dataset.member] ||= []);
        if (map !== undefined && seen[seen.length - 1] !== map) seen.push(map);
      }
    };
  });
  await page.waitForFunction(([n, d, least, c]) => {
    const trs = [...document.querySelectorAll("#swarm-table tbody tr")];
    const shown = n === 0 || (!document.getElementById("swarm").hidden && trs.length === n &&
      trs.filter(tr => tr.children[2].textContent === "100%").length === d);
    const ratio = Number(document.getElementById("swarm-summary").dataset.originRatio);
    const told = [...document.querySelectorAll("#log li")].filter(li => li.textContent.includes("torrent_complete")).length;
    return shown && (least === 0 || ratio >= least) && told >= c &&
      document.getElementById("stream").textContent.startsWith("live");
  }, [rows, done, ratio, completes], { timeout: 50000 });
  const shown = await page.evaluate(() => ({
    swarm: [...document.querySelectorAll("#swarm-table tbody tr")].map(tr => [...tr.children].map(td => td.textContent)),
    members: [...document.querySelectorAll("#swarm-table tbody tr")].map(tr => tr.dataset.member),
    maps: [...document.querySelectorAll("#swarm-table tbody tr")].map(tr => tr.querySelector("svg.pieces")?.dataset.map),
    seen: window.__maps,
    summary: document.getElementById("swarm-summary").textContent,
    ratio: document.getElementById("swarm-summary").dataset.originRatio,
    bitcoin_hidden: [...document.querySelectorAll(".bitcoin")].every(s => s.hidden),
    log: [...document.querySelectorAll("#log li")].map(li => li.textContent).slice(0, 40),
  }));
  await page.screenshot({ path: picture, fullPage: true });
  return { ...shown, errors, external };
}

// The page's cost while events pour in, for bench/dashboard_frame_bench.py: for SECONDS, the
// time each render() takes (the page's whole work per event), the intervals between animation
// frames, and every long task (over 50 ms, the browser's own measure of a janky frame).
async function frames(seconds) {
  return await page.evaluate(async s => {
    const renders = [], intervals = [], longTasks = [];
    const original = window.render;
    window.render = () => { const t = performance.now(); original(); renders.push(performance.now() - t); };
    const observer = new PerformanceObserver(list => { for (const e of list.getEntries()) longTasks.push(e.duration); });
    observer.observe({ entryTypes: ["longtask"] });
    let last = performance.now(), running = true;
    const tick = now => { intervals.push(now - last); last = now; if (running) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    await new Promise(done => setTimeout(done, s * 1000));
    running = false;
    window.render = original;
    observer.disconnect();
    return { renders, intervals, longTasks, lastId: Number(document.getElementById("last-id").textContent) };
  }, seconds);
}

// A button pressed as a person would: the user and password typed, the choices selected, the
// button clicked; waits for the page's answer line and reports it.
async function act(a) {
  await page.fill("#rpc-user", a.user);
  await page.fill("#rpc-password", a.password);
  if (a.what === "pay") {
    await page.waitForFunction(([f, t]) => [...document.querySelectorAll("#pay-from option")].some(o => o.value === f) &&
      [...document.querySelectorAll("#pay-to option")].some(o => o.value === t), [a.from, a.to], { timeout: 30000 });
    await page.selectOption("#pay-from", a.from);
    await page.selectOption("#pay-to", a.to);
    await page.fill("#pay-amount", String(a.amount));
  } else {
    await page.waitForFunction(n => [...document.querySelectorAll("#act-node option")].some(o => o.value === n), a.node, { timeout: 30000 });
    await page.selectOption("#act-node", a.node);
  }
  await page.evaluate(() => { document.getElementById("act-result").textContent = ""; });
  await page.click(`#${a.what}`);
  await page.waitForFunction(() => document.getElementById("act-result").textContent !== "", null, { timeout: 30000 });
  const line = await page.$eval("#act-result", e => ({ text: e.textContent, ok: e.classList.contains("ok") }));
  return { ...line, errors, external };
}

// Cuts the page's connections to the dashboard on PORT at the socket (ss -K: a network drop,
// not a close the page asked for), so its stream must reconnect by itself; reports the last id
// it had. `resumed N` then waits for N more events and reports the ids and snapshot reloads.
async function dropStream(port) {
  const before = await page.evaluate(() => {
    window.__loads = 0;
    const original = window.loadState;
    window.loadState = (...a) => { window.__loads += 1; return original(...a); };
    return { count: window.__ids.length, last: window.__ids[window.__ids.length - 1] };
  });
  execFileSync("ss", ["-K", "dst", "127.0.0.1", "dport", "=", `:${port}`]);
  return before;
}

async function resumed(from, more) {
  await page.waitForFunction(([n, k]) => window.__ids.length >= n + k &&
    document.getElementById("stream").textContent.startsWith("live"), [from, more], { timeout: 30000 });
  return await page.evaluate(n => ({ ids: window.__ids.slice(n), loads: window.__loads,
                                     lastShown: Number(document.getElementById("last-id").textContent) }), from);
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
    if (command === "swarm") {
      console.log(JSON.stringify(await swarmSnapshot(Number(args[0]), Number(args[1]), Number(args[2]), Number(args[3]), args[4])));
      continue;
    }
    if (command === "drop") {
      console.log(JSON.stringify(await dropStream(Number(args[0]))));
      continue;
    }
    if (command === "resumed") {
      console.log(JSON.stringify(await resumed(Number(args[0]), Number(args[1]))));
      continue;
    }
    if (command === "act") {
      console.log(JSON.stringify(await act(JSON.parse(args.join(" ")))));
      continue;
    }
    if (command === "frames") {
      console.log(JSON.stringify({ ...(await frames(Number(args[0]))), errors, external }));
      continue;
    }
    if (command !== "snapshot") throw new Error(`unknown command ${command}`);
    const [rows, offline, picture, txid, block] = args.map(a => (a === "-" ? "" : a));
    console.log(JSON.stringify(await snapshot(Number(rows), Number(offline), picture, txid, block)));
  } catch (e) {
    // What the page showed instead, for the failure report.
    const picture = command === "chat" ? args[1] : command === "snapshot" ? args[2] : command === "swarm" ? args[4] : undefined;
    if (picture) await page.screenshot({ path: picture, fullPage: true }).catch(() => {});
    const table = await page.evaluate(() => [...document.querySelectorAll("#node-table tbody tr, #wave-block tbody tr, #swarm-table tbody tr")]
      .map(tr => [...tr.children].map(td => td.textContent).join(" | "))).catch(() => []);
    console.log(JSON.stringify({ failed: `${e}; the page showed: ${table.join(" / ")}`, errors, external }));
  }
}
await browser.close();
// stdin may still be open (the test keeps its end until the driver is gone): leave now.
process.exit(0);
