// The reach chart: for the last blocks and transactions, the share of the nodes this page
// watches that had each one, against the milliseconds since the first of them had it. A
// block's curve is orange, a transaction's blue; the newest of each is drawn thickest. Drawn
// again only when an event arrives, so an idle page costs nothing.
const REACH_W = 420, REACH_H = 200, REACH_PAD = 34;

function reachPoints(item, total, span) {
  const times = [...item.seen.values()].map(s => s.time - item.first).sort((a, b) => a - b);
  const x = t => REACH_PAD + (REACH_W - REACH_PAD - 8) * t / span;
  const y = share => REACH_H - REACH_PAD + (REACH_PAD + 8 - REACH_H) * share;
  const points = [];
  times.forEach((t, i) => {
    if (i > 0) points.push(`${x(t).toFixed(1)},${y(i / total).toFixed(1)}`);  // a step, not a slope
    points.push(`${x(t).toFixed(1)},${y((i + 1) / total).toFixed(1)}`);
  });
  points.push(`${x(span).toFixed(1)},${y(times.length / total).toFixed(1)}`);
  return points.join(" ");
}

function renderReach() {
  const svg = document.getElementById("reach");
  const total = 1 + view.watched.size;
  const items = [...reach.block, ...reach.tx];
  let span = 100;  // ms: at least this wide, so a loopback network's few ms do not fill it
  for (const item of items) for (const s of item.seen.values()) span = Math.max(span, s.time - item.first);
  span = Math.ceil(span * 1.1);
  const el = (name, attrs, text) => {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const parts = [
    el("line", { x1: REACH_PAD, y1: REACH_H - REACH_PAD, x2: REACH_W - 8, y2: REACH_H - REACH_PAD, class: "axis" }),
    el("line", { x1: REACH_PAD, y1: 8, x2: REACH_PAD, y2: REACH_H - REACH_PAD, class: "axis" }),
    el("text", { x: REACH_PAD - 4, y: 14, "text-anchor": "end" }, "100%"),
    el("text", { x: REACH_PAD - 4, y: REACH_H - REACH_PAD, "text-anchor": "end" }, "0%"),
    el("text", { x: REACH_PAD, y: REACH_H - 12, "text-anchor": "start" }, "0 ms"),
    el("text", { x: REACH_W - 8, y: REACH_H - 12, "text-anchor": "end" }, `${span} ms after the first node had it`),
  ];
  for (const item of items) {
    const newest = wave[item.kind] === item;
    const line = el("polyline", { points: reachPoints(item, total, span), class: `reach ${item.kind}${newest ? " newest" : ""}` });
    line.dataset.id = item.id;
    line.dataset.reached = item.seen.size;
    line.dataset.total = total;
    line.appendChild(el("title", {}, `${item.kind === "tx" ? "transaction" : `block ${item.height ?? ""}`} ${item.id.slice(0, 16)}…: ` +
                                      `${item.seen.size} of ${total} nodes`));
    parts.push(line);
  }
  svg.replaceChildren(...parts);
}
