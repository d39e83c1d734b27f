// The chain strip: the last blocks this node connected (height, hash, transactions, and which
// node mined it — the node whose own event says "local"), and the mempool as the next block.
const CHAIN_BLOCKS = 8;
const chain = { blocks: [], miners: new Map() };  // miners: block hash -> node key

function noteBlock(nodeKey, d) {
  if (d.from === "local") chain.miners.set(d.hash, nodeKey);
  if (nodeKey !== "this node") return;
  chain.blocks = chain.blocks.filter(b => b.hash !== d.hash);
  chain.blocks.push({ height: d.height, hash: d.hash, txs: d.txs });
  chain.blocks.sort((a, b) => a.height - b.height);
  if (chain.blocks.length > CHAIN_BLOCKS) chain.blocks.shift();
}

function dropBlock(nodeKey, d) {
  if (nodeKey === "this node") chain.blocks = chain.blocks.filter(b => b.hash !== d.hash);
}

function renderChain() {
  const strip = document.getElementById("chain");
  const cards = chain.blocks.map(b => {
    const card = document.createElement("div");
    card.className = "block";
    card.dataset.hash = b.hash;
    const miner = chain.miners.get(b.hash);
    card.append(Object.assign(document.createElement("div"), { className: "value", textContent: `#${b.height}` }),
                Object.assign(document.createElement("div"), { className: "hash", textContent: b.hash.slice(0, 12) + "…" }),
                Object.assign(document.createElement("div"), { className: "label", textContent: `${b.txs} tx` }),
                Object.assign(document.createElement("div"), { className: "label miner", textContent: miner ? `mined by ${miner}` : "mined elsewhere" }));
    return card;
  });
  const next = document.createElement("div");
  next.className = "block next";
  next.append(Object.assign(document.createElement("div"), { className: "value", textContent: "next" }),
              Object.assign(document.createElement("div"), { className: "label", textContent: `${view.node.mempool_size ?? 0} tx waiting` }));
  strip.replaceChildren(...cards, next);
}
