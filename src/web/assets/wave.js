// The propagation wave: for the latest transaction and the latest block, when each node first
// had it (+ms after the first node) and from which node it came — the peer's address matched
// to a node by its listening endpoint (we dialled it) or by the local end of its own outbound
// link (it dialled us).
const wave = { tx: null, block: null };
// The last few of each kind, oldest first, for the reach chart (wave[kind] is the newest).
const REACH_ITEMS = 5;
const reach = { tx: [], block: [] };

// Every node's peers as [nodeKey, {address, local, direction}] pairs.
function allPeers() {
  const out = [...view.peers.values()].map(p => ["this node", p]);
  for (const [name, w] of view.watched) for (const p of (w.peerList || new Map()).values()) out.push([name, p]);
  return out;
}

function nodeForAddress(address) {
  if ((view.node.listen || []).includes(address)) return "this node";
  for (const [name, w] of view.watched) if ((w.listen || []).includes(address)) return name;
  for (const [key, p] of allPeers()) if (p.direction === "outbound" && p.local === address) return key;
  return address;  // not a node this page watches
}

// `nodeKey` first had `id` (a txid or a block hash) at `time`; `d` is the event's data.
function noteSeen(kind, id, nodeKey, time, d) {
  const items = reach[kind];
  let w = items.find(x => x.id === id);
  if (!w) {
    // Relayed events can come late, with earlier times: items stay in the order they began.
    w = { id, kind, first: time, seen: new Map(), height: d.height };
    items.push(w);
    items.sort((a, b) => a.first - b.first);
    if (items.length > REACH_ITEMS) items.shift();
    if (!items.includes(w)) return;  // older than every item kept
    wave[kind] = items[items.length - 1];
  }
  if (w.seen.has(nodeKey)) return;
  const from = d.from === "peer" ? nodeForAddress(d.address) : d.from;
  w.seen.set(nodeKey, { time, from });
  w.first = Math.min(w.first, time);
}

function renderWave() {
  const total = 1 + view.watched.size;
  for (const kind of ["tx", "block"]) {
    const w = wave[kind];
    const table = document.getElementById(`wave-${kind}`);
    const title = document.getElementById(`wave-${kind}-title`);
    if (!w) continue;
    table.dataset.id = w.id;
    title.textContent = `${kind === "tx" ? "transaction" : "block"} ${w.id.slice(0, 16)}… reached ${w.seen.size} of ${total} nodes`;
    const rows = [...w.seen.entries()].sort((a, b) => a[1].time - b[1].time)
      .map(([key, s]) => row([key, `+${s.time - w.first} ms`, s.from]));
    table.querySelector("tbody").replaceChildren(...rows);
  }
}
