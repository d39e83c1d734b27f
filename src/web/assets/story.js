// The story: what the network is doing now, in words, told from the same events as the rest
// of the page — a payment leaving a wallet, reaching every node, a miner winning a block, a
// node dying and coming back. Each thing is told once; the newest line is on top.
const STORY_LINES = 12;
const TOLD_KEYS = 2000;  // remembered to tell each thing once; the oldest are forgotten
const story = { lines: [], told: new Set(), down: new Set(), returning: new Set() };

function tell(key, sentence, time) {
  if (story.told.has(key)) return;
  story.told.add(key);
  if (story.told.size > TOLD_KEYS) story.told.delete(story.told.values().next().value);
  story.lines.unshift({ time, sentence });
  if (story.lines.length > STORY_LINES) story.lines.pop();
}

function onlineCount() {
  let n = 1;
  for (const w of view.watched.values()) if (w.online) n += 1;
  return n;
}

function highestHeight() {
  let h = view.node.height ?? 0;
  for (const w of view.watched.values()) if (w.online && w.height !== undefined) h = Math.max(h, w.height);
  return h;
}

// `nodeKey` sent event `e` (after the page applied it).
function narrate(nodeKey, e) {
  const d = e.data;
  const short = id => id.slice(0, 12) + "…";
  if (e.type === "tx_seen" && d.from === "local") {
    tell(`tx:${d.txid}`, `${nodeKey} sends a payment: transaction ${short(d.txid)} enters its mempool and goes to its neighbours.`, e.time);
  }
  if (e.type === "block_connected" && d.from === "local") {
    tell(`block:${d.hash}`, `${nodeKey} mines block ${d.height} (${d.txs - 1} payment${d.txs === 2 ? "" : "s"} in it) and passes it on.`, e.time);
  }
  for (const kind of ["tx", "block"]) {
    const w = wave[kind];
    if (w && (e.type === "tx_seen" || e.type === "block_connected") && w.seen.size >= onlineCount() && w.seen.size > 1) {
      const last = Math.max(...[...w.seen.values()].map(s => s.time)) - w.first;
      const what = kind === "tx" ? `The payment ${short(w.id)}` : `Block ${w.height ?? short(w.id)}`;
      tell(`${kind}-all:${w.id}`, `${what} has reached all ${w.seen.size} running nodes, ${last} ms after the first had it.`, e.time);
    }
  }
  if (e.type === "reorg") {
    tell(`reorg:${nodeKey}:${d.fork_height}:${e.id}`, `${nodeKey} switches to a chain with more work: ${d.depth} block(s) above ${d.fork_height} replaced.`, e.time);
  }
  if (e.type === "tip_changed" && story.returning.has(nodeKey) && d.height >= highestHeight()) {
    story.returning.delete(nodeKey);
    tell(`caught-up:${nodeKey}:${e.id}`, `${nodeKey} has caught up: height ${d.height}, the same as every running node.`, e.time);
  }
}

// A watched node went away or came back.
function narrateStatus(name, online, time, id) {
  if (!online) {
    story.returning.delete(name);
    story.down.add(name);
    tell(`down:${name}:${id}`, `${name} stopped answering. The other ${onlineCount()} running node(s) carry on without it.`, time);
  } else if (story.down.delete(name)) {  // back after being seen down, not the page's first contact
    story.returning.add(name);
    tell(`up:${name}:${id}`, `${name} is back and asks its neighbours for the blocks it missed.`, time);
  }
}

function renderStory() {
  const list = document.getElementById("story");
  list.replaceChildren(...story.lines.map(l => {
    const li = document.createElement("li");
    li.append(Object.assign(document.createElement("span"), { className: "label", textContent: `${new Date(l.time).toLocaleTimeString()} ` }), l.sentence);
    return li;
  }));
  document.getElementById("story-section").hidden = story.lines.length === 0;
}
