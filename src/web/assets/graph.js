// The network graph: every node on a circle, a line for each connection (found from each
// node's outbound peers, whose addresses are other nodes' listening endpoints), each node
// coloured by its height against the highest; an offline node greys out and its lines go.
const SVG = "http://www.w3.org/2000/svg";

function graphNodes() {
  const list = [{ key: "this node", online: true, height: view.node.height, listen: view.node.listen || [],
                  peers: [...view.peers.values()] }];
  for (const [name, w] of view.watched) {
    list.push({ key: name, online: w.online, height: w.height, listen: w.listen || [], peers: [...(w.peerList || new Map()).values()] });
  }
  return list;
}

function renderGraph() {
  const svg = document.getElementById("graph");
  const nodes = graphNodes();
  const size = 400, r = 130, cx = size / 2, cy = size / 2;  // room for the labels around the circle
  const byListen = new Map();
  nodes.forEach((n, i) => {
    n.x = cx + r * Math.cos(2 * Math.PI * i / nodes.length - Math.PI / 2);
    n.y = cy + r * Math.sin(2 * Math.PI * i / nodes.length - Math.PI / 2);
    for (const ep of n.listen) byListen.set(ep, n);
  });
  const top = Math.max(...nodes.map(n => n.height ?? 0));
  const shapes = [];
  for (const n of nodes) {
    if (!n.online) continue;
    for (const p of n.peers) {
      const other = p.direction === "outbound" ? byListen.get(p.address) : null;
      if (!other || !other.online) continue;
      const line = document.createElementNS(SVG, "line");
      line.setAttribute("x1", n.x); line.setAttribute("y1", n.y);
      line.setAttribute("x2", other.x); line.setAttribute("y2", other.y);
      line.setAttribute("class", "edge");
      shapes.push(line);
    }
  }
  for (const n of nodes) {
    const g = document.createElementNS(SVG, "g");
    const dot = document.createElementNS(SVG, "circle");
    dot.setAttribute("cx", n.x); dot.setAttribute("cy", n.y); dot.setAttribute("r", 16);
    const behind = top - (n.height ?? 0);
    dot.setAttribute("class", !n.online ? "node offline" : behind === 0 ? "node tip" : "node behind");
    const label = document.createElementNS(SVG, "text");
    label.setAttribute("x", n.x); label.setAttribute("y", n.y + 30);
    label.textContent = `${n.key} · ${n.online ? n.height ?? "–" : "offline"}`;
    g.append(dot, label);
    shapes.push(g);
  }
  svg.replaceChildren(...shapes);
}
