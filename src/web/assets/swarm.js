// The file-sharing act: BitTorrent clients (`tonari torrent get|seed --dashboard`) this page
// watches, directly or relayed. A row per member of the swarm: its piece map filling in, its
// rates, and whom it uploaded to over the whole run (peers matched to members by the peer id of
// their handshake);
// above the rows, the origin's upload against the file's size — the claim that the downloaders'
// uploads to each other take the load off the origin, as it happens. (The origin is the member
// that started with every piece: a downloader restarted complete would count as one too.)
const swarm = new Map();  // member -> {facts…, status, online, complete}

function swarmMember(key) {
  let m = swarm.get(key);
  if (!m) { m = { online: true, status: null, complete: false }; swarm.set(key, m); }
  return m;
}

// What a member is (its snapshot's "node" object, or the "torrent" object of each status).
function noteTorrentFacts(m, facts) {
  if (!facts) return;
  Object.assign(m, { name: facts.name, size: facts.size, pieces: facts.pieces_total, peerId: facts.peer_id,
                     listen: facts.listen || [], origin: facts.started_complete, mode: facts.mode });
}

// A member's snapshot (the "node" object of its /api/state).
function noteTorrentState(key, node) {
  const m = swarmMember(key);
  noteTorrentFacts(m, node);
  m.status = node.status && node.status.map !== undefined ? node.status : m.status;
  if (m.status && m.status.pieces_have === m.pieces) m.complete = true;
}

function applyTorrent(key, e) {
  const m = swarmMember(key);
  if (e.type === "torrent_status") {
    if (e.data.map === undefined) return;  // the bus dropped it (too large): keep the last one
    noteTorrentFacts(m, e.data.torrent);
    m.status = e.data;
    if (m.pieces !== undefined && e.data.pieces_have === m.pieces) m.complete = true;
  }
  if (e.type === "torrent_complete") m.complete = true;
}

function mib(bytes) { return `${((bytes || 0) / 1048576).toFixed(1)} MiB`; }

function describeTorrent(e) {
  const d = e.data;
  if (e.type === "torrent_complete") return `downloaded ${d.name} (${mib(d.size)}) in ${d.seconds.toFixed(1)} s, every piece checked`;
  if (e.type === "torrent_status") return `${d.pieces_have} pieces, ${d.peer_count} peers, ${mib(d.uploaded)} up, ${mib(d.downloaded)} down`;
  return JSON.stringify(d);
}

function memberLabel(key, m) {
  const port = ((m.listen || [])[0] || "").split(":").pop();
  return `${m.origin ? "origin" : "downloader"}${port ? " :" + port : ""}${key === "this node" ? " (this page)" : ""}`;
}

// The piece map as an SVG strip, one cell per hex digit, drawn again only when it changed.
const pieceMaps = new Map();  // member -> {map, svg}
function pieceMapSvg(key, map) {
  const cached = pieceMaps.get(key);
  if (cached && cached.map === map) return cached.svg;
  const width = 256, height = 12;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  svg.setAttribute("class", "pieces");
  svg.dataset.map = map;
  const cell = width / Math.max(map.length, 1);
  const back = document.createElementNS(SVG, "rect");
  back.setAttribute("width", width);
  back.setAttribute("height", height);
  back.setAttribute("class", "missing");
  svg.appendChild(back);
  for (let i = 0; i < map.length; i++) {
    const level = parseInt(map[i], 16);
    if (!level) continue;
    const r = document.createElementNS(SVG, "rect");
    r.setAttribute("x", (i * cell).toFixed(2));
    r.setAttribute("width", (cell + 0.05).toFixed(2));
    r.setAttribute("height", height);
    r.setAttribute("class", "have");
    r.setAttribute("fill-opacity", (level / 15).toFixed(2));
    svg.appendChild(r);
  }
  pieceMaps.set(key, { map, svg });
  return svg;
}

function renderSwarm() {
  document.getElementById("swarm").hidden = swarm.size === 0;
  if (swarm.size === 0) return;
  const byPeerId = new Map();
  for (const [key, m] of swarm) if (m.peerId) byPeerId.set(m.peerId, [key, m]);
  const rows = [];
  let originUp = 0, downloaderUp = 0, size = 0, downloaders = 0, done = 0;
  for (const [key, m] of swarm) {
    const s = m.status || {};
    size = m.size || size;
    if (m.origin) originUp += s.uploaded || 0;
    else { downloaderUp += s.uploaded || 0; downloaders += 1; if (m.complete) done += 1; }
    const share = m.pieces ? Math.floor(100 * (s.pieces_have || 0) / m.pieces) : 0;
    const to = (s.traded || []).filter(p => p.uploaded > 0).sort((a, b) => b.uploaded - a.uploaded).slice(0, 4)
      .map(p => { const known = byPeerId.get(p.peer_id); return `${known ? memberLabel(...known) : p.address} ${mib(p.uploaded)}`; });
    const r = row([memberLabel(key, m), "", `${share}%`, `${mib(s.down_rate)}/s / ${mib(s.up_rate)}/s`, mib(s.uploaded),
                   to.join(", ") || "–"]);
    r.dataset.member = key;
    r.children[1].appendChild(pieceMapSvg(key, s.map || ""));
    if (!m.online) r.className = "offline";
    rows.push(r);
  }
  document.querySelector("#swarm-table tbody").replaceChildren(...rows);
  const ratio = size ? (originUp / size).toFixed(2) : "–";
  text("swarm-summary", size
    ? `The origin has uploaded ${mib(originUp)}: ${ratio} × the file's ${mib(size)}. The ${downloaders} downloaders ` +
      `uploaded ${mib(downloaderUp)} to each other; ${done} of them have the whole file, every piece checked.`
    : "");
  document.getElementById("swarm-summary").dataset.originRatio = ratio;
}
