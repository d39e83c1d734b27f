// The dashboard page: a snapshot from /api/state, then every event from /api/events applied as
// it comes. Event ids must rise by one; a gap or a reset makes the page reload the snapshot.
"use strict";

const LOG_LINES = 200;
const view = { lastId: 0, epoch: null, peers: new Map(), node: {}, watched: new Map() };

function text(id, value) { document.getElementById(id).textContent = value; }

function row(cells) {
  const tr = document.createElement("tr");
  for (const v of cells) {
    const td = document.createElement("td");
    td.textContent = v;
    tr.appendChild(td);
  }
  return tr;
}

function renderNodes() {
  const rows = [row(["this node", "online", view.node.height ?? "–", (view.node.tip ?? "").slice(0, 16),
                     view.peers.size, view.node.mempool_size ?? "–"])];
  for (const [name, w] of view.watched) {
    rows.push(row([name, w.online ? "online" : "offline", w.height ?? "–", (w.tip ?? "").slice(0, 16),
                   w.online ? w.peers.size : "–", w.mempool_size ?? "–"]));
    if (!w.online) rows[rows.length - 1].className = "offline";
  }
  document.querySelector("#node-table tbody").replaceChildren(...rows);
}

function render() {
  renderChat();
  renderSwarm();
  // A chat or torrent client's own page has no chain to show.
  // (A watched node counts once it has shown a chain: one not reached yet may be a client too.)
  const noChain = (view.node.kind === "chat" || view.node.kind === "torrent") &&
    ![...view.watched.values()].some(w => w.height !== undefined);
  for (const s of document.querySelectorAll(".bitcoin")) s.hidden = noChain;
  renderNodes();
  renderGraph();
  renderWave();
  renderReach();
  renderChain();
  renderLedger();
  renderStory();
  renderControls();
  const n = view.node;
  text("height", n.height ?? "–");
  text("tip", n.tip ?? "–");
  const peers = [...view.peers.values()];
  const inbound = peers.filter(p => p.direction === "inbound").length;
  text("peers", `${inbound} / ${peers.length - inbound}`);
  text("mempool", n.mempool_size !== undefined ? `${n.mempool_size} tx` : "–");
  text("last-id", view.lastId);
  const body = document.querySelector("#peer-table tbody");
  body.replaceChildren(...peers.map(p => {
    const row = document.createElement("tr");
    const rate = p.in === undefined ? "–" : `${p.in} / ${p.out}`;
    for (const v of [p.peer, p.address, p.direction, new Date(p.since).toLocaleTimeString(), rate]) {
      const cell = document.createElement("td");
      cell.textContent = v;
      row.appendChild(cell);
    }
    return row;
  }));
}

function describe(e) {
  const d = e.data;
  if (e.type.startsWith("chat_")) return describeChat(e);
  if (e.type.startsWith("torrent_")) return describeTorrent(e);
  switch (e.type) {
    case "relay": return `[${d.node}] ${d.event.type}: ${describe(d.event)}`;
    case "relay_status": return `${d.node} is ${d.online ? "online" : "offline" + (d.error ? ` (${d.error})` : "")}`;
    case "peer_connected": return `peer ${d.peer} connected (${d.direction}, ${d.address})`;
    case "peer_disconnected": return `peer ${d.peer} left (${d.reason})`;
    case "tx_seen": return `transaction ${d.txid.slice(0, 16)}… entered the mempool from ${d.from}`;
    case "tx_removed": return `transaction ${d.txid.slice(0, 16)}… left the mempool (${d.reason})`;
    case "block_connected": return `block ${d.height} ${d.hash.slice(0, 16)}… connected (${d.txs} tx, from ${d.from})`;
    case "block_disconnected": return `block ${d.height} ${d.hash.slice(0, 16)}… disconnected`;
    case "tip_changed": return `new tip at height ${d.height}`;
    case "header_seen": return `header ${d.height} ${d.hash.slice(0, 16)}… first heard of from peer ${d.peer}`;
    case "reorg": return `reorganisation: ${d.depth} block(s) replaced above height ${d.fork_height}`;
    default: return JSON.stringify(d);
  }
}

function log(e) {
  const list = document.getElementById("log");
  const item = document.createElement("li");
  item.value = e.id;
  const type = document.createElement("span");
  type.className = "type";
  type.textContent = e.type;
  item.append(`${new Date(e.time).toLocaleTimeString()} `, type, ` ${describe(e)}`);
  list.prepend(item);
  while (list.children.length > LOG_LINES) list.lastChild.remove();
}

// A watched node's event (relayed): its row follows it.
function applyWatched(name, e) {
  // What a watched dashboard relays of the ones it watches itself: this page watches those
  // directly if it wants them.
  if (e.type === "relay" || e.type === "relay_status") return;
  if (e.type.startsWith("chat_")) { view.watched.delete(name); applyChat(name, e); return; }
  if (e.type.startsWith("torrent_")) { view.watched.delete(name); applyTorrent(name, e); return; }
  let w = view.watched.get(name);
  if (!w) { w = { online: true, peers: new Set() }; view.watched.set(name, w); }
  const d = e.data;
  if (e.type === "tx_seen") noteSeen("tx", d.txid, name, e.time, d);
  if (e.type === "block_connected") { noteSeen("block", d.hash, name, e.time, d); noteBlock(name, d); }
  if (e.type === "tip_changed") { w.height = d.height; w.tip = d.hash; }
  if (e.type === "mempool") w.mempool_size = d.size;
  if (e.type === "wallets") noteWallets(name, d.wallets);
  w.peerList = w.peerList || new Map();
  if (e.type === "peer_connected") { w.peers.add(d.peer); w.peerList.set(d.peer, { address: d.address, local: d.local, direction: d.direction }); }
  if (e.type === "peer_disconnected") { w.peers.delete(d.peer); w.peerList.delete(d.peer); }
  narrate(name, e);
}

function apply(e) {
  const d = e.data;
  if (e.type === "relay") { if (d.event) applyWatched(d.node, d.event); return; }  // (none: dropped as too large)
  if (e.type === "relay_status" && chat.has(d.node)) { chat.get(d.node).online = d.online; return; }
  if (e.type === "relay_status" && swarm.has(d.node)) { swarm.get(d.node).online = d.online; return; }
  if (e.type.startsWith("chat_")) { applyChat("this node", e); return; }
  if (e.type.startsWith("torrent_")) { applyTorrent("this node", e); return; }
  if (e.type === "relay_status") {
    const w = view.watched.get(d.node) || { peers: new Set() };
    w.online = d.online;
    if (!d.online) { w.peers = new Set(); w.peerList = new Map(); }
    view.watched.set(d.node, w);
    narrateStatus(d.node, d.online, e.time, e.id);
    return;
  }
  if (e.type === "peer_connected") view.peers.set(d.peer, { peer: d.peer, address: d.address, local: d.local, direction: d.direction, since: e.time });
  if (e.type === "tx_seen") noteSeen("tx", d.txid, "this node", e.time, d);
  if (e.type === "block_connected") { noteSeen("block", d.hash, "this node", e.time, d); noteBlock("this node", d); }
  if (e.type === "block_disconnected") dropBlock("this node", d);
  if (e.type === "peer_disconnected") view.peers.delete(d.peer);
  if (e.type === "tip_changed") { view.node.height = d.height; view.node.tip = d.hash; }
  if (e.type === "mempool") view.node.mempool_size = d.size;
  if (e.type === "wallets") noteWallets("this node", d.wallets);
  narrate("this node", e);
  if (e.type === "peer_bytes") {
    for (const p of d.peers) {
      const peer = view.peers.get(p.peer);
      if (peer) { peer.in = p.in; peer.out = p.out; }
    }
  }
}

async function loadState() {
  const response = await fetch("/api/state");
  if (!response.ok) throw new Error(`/api/state answered ${response.status}`);
  const state = await response.json();
  view.epoch = state.epoch;
  view.lastId = state.last_event_id;
  view.node = state.node;
  view.peers = new Map((state.node.peers || []).map(p => [p.peer, p]));
  // Chat clients (a watched one, or this page's own) go to the chat table, not the network's.
  chat.clear();
  ledger.clear();
  noteWallets("this node", state.node.wallets);
  for (const w of state.watched || []) noteWallets(w.node, w.state?.node?.wallets);
  if (state.node.kind === "chat") noteChatState("this node", state.node);
  // Torrent clients likewise go to the swarm's table.
  swarm.clear();
  if (state.node.kind === "torrent") noteTorrentState("this node", state.node);
  for (const w of state.watched || []) {
    if (w.state?.node?.kind === "chat") { noteChatState(w.node, w.state.node); chat.get(w.node).online = w.online; }
    if (w.state?.node?.kind === "torrent") { noteTorrentState(w.node, w.state.node); swarm.get(w.node).online = w.online; }
  }
  const otherKinds = new Set(["chat", "torrent"]);
  view.watched = new Map((state.watched || []).filter(w => !otherKinds.has(w.state?.node?.kind)).map(w => [w.node, {
    online: w.online && w.state !== null,
    height: w.state?.node?.height, tip: w.state?.node?.tip, mempool_size: w.state?.node?.mempool_size,
    peers: new Set((w.state?.node?.peers || []).map(p => p.peer)),
    peerList: new Map((w.state?.node?.peers || []).map(p => [p.peer, { address: p.address, local: p.local, direction: p.direction }])),
    listen: w.state?.node?.listen || [],
  }]));
  render();
}

function status(message, ok) {
  const s = document.getElementById("stream");
  s.textContent = message;
  s.className = "status " + (ok ? "ok" : "bad");
}

let source = null;
let retryMs = 1000;
// Reload the snapshot and reopen the stream; on failure (the node restarting, too many tabs)
// try again later, waiting longer each time, up to half a minute.
function resync() {
  connect().then(() => { retryMs = 1000; }).catch(err => {
    status(`cannot reach the node (${err.message}); retrying in ${retryMs / 1000} s`, false);
    setTimeout(resync, retryMs);
    retryMs = Math.min(retryMs * 2, 30000);
  });
}

async function connect() {
  if (source) source.close();
  await loadState();
  source = new EventSource(`/api/events?last_event_id=${view.lastId}`);
  source.addEventListener("hello", m => {
    const hello = JSON.parse(m.data);
    if (view.epoch !== null && hello.epoch !== view.epoch) { view.epoch = null; resync(); return; }
    status(`live (node epoch ${hello.epoch.slice(0, 6)})`, true);
  });
  source.addEventListener("reset", () => { status("resynchronising…", false); resync(); });
  source.onmessage = m => {
    const e = JSON.parse(m.data);
    if (e.id !== view.lastId + 1) { status(`missed events ${view.lastId + 1}–${e.id - 1}: reloading`, false); resync(); return; }
    view.lastId = e.id;
    apply(e);
    const inner = e.type === "relay" ? e.data.event?.type : e.type;
    // A watched dashboard's own relays (or an event it dropped) are not this page's news.
    const nested = e.type === "relay" && (inner === undefined || inner === "relay" || inner === "relay_status");
    const inPlace = ["peer_bytes", "mempool", "wallets", "torrent_status"];  // the once-a-second ones show in place
    if (!nested && !inPlace.includes(inner)) log(e);
    render();
  };
  source.onerror = () => {
    // EventSource retries by itself after a dropped connection, but gives up on an error answer.
    if (source.readyState === EventSource.CLOSED) { status("the stream was refused", false); setTimeout(resync, retryMs); }
    else status("disconnected — retrying", false);
  };
}

resync();
