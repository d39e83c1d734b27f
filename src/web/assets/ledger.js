// Ledger cards: every wallet of every node the page watches, its balance (what the node's
// getbalance answers: confirmed coins and its own change), what others are paying it that is
// not yet in a block, and its latest payments. From each node's `wallets` events and state.
const ledger = new Map();  // node key -> [{name, balance, pending, immature, payments}]

function noteWallets(nodeKey, wallets) {
  if (wallets && wallets.length > 0) ledger.set(nodeKey, wallets);
  else ledger.delete(nodeKey);
}

function btc(sats) {
  const sign = sats < 0 ? "−" : "";
  const abs = Math.abs(sats);
  return `${sign}${Math.floor(abs / 1e8)}.${String(abs % 1e8).padStart(8, "0")} BTC`;
}

function renderLedger() {
  const box = document.getElementById("ledger");
  const cards = [];
  for (const [nodeKey, wallets] of ledger) {
    for (const w of wallets) {
      const card = document.createElement("div");
      card.className = "card ledger";
      card.dataset.node = nodeKey;
      card.dataset.wallet = w.name;
      card.dataset.balance = w.balance;
      const title = Object.assign(document.createElement("div"), { className: "label", textContent: `${w.name || "(default)"} on ${nodeKey}` });
      const balance = Object.assign(document.createElement("div"), { className: "value", textContent: btc(w.balance) });
      card.append(title, balance);
      if (w.pending > 0) card.append(Object.assign(document.createElement("div"), { className: "label", textContent: `+ ${btc(w.pending)} on its way` }));
      const list = document.createElement("ul");
      for (const p of w.payments || []) {
        const li = document.createElement("li");
        const what = p.category === "send" ? `paid ${btc(-p.amount)}` : `received ${btc(p.amount)}`;
        const state = p.confirmations > 0 ? `${p.confirmations} conf.` : p.confirmations < 0 ? "conflicted: will not confirm"
                                                                                   : "waiting for a block";
        li.textContent = `${what} · ${state}`;
        li.title = `${p.txid}${p.address ? " → " + p.address : ""}`;
        list.appendChild(li);
      }
      if (list.children.length > 0) card.appendChild(list);
      cards.push(card);
    }
  }
  box.replaceChildren(...cards);
  document.getElementById("ledger-section").hidden = cards.length === 0;
}
