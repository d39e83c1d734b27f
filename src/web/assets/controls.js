// The buttons: send a payment between two wallets, mine a block, stop a node — each a JSON-RPC
// call the page posts to its own dashboard (/api/rpc, ?node= for a watched node), which hands
// it to that node's RPC server with the user and password typed here. They are kept in this
// page's memory only, never stored. Nothing runs until a button is pressed; one call at a time.
const controls = { user: "", password: "", busy: false };
const CHOOSE = "";  // the placeholder every list starts with: nothing is acted on by default

function nodeKeys() {
  const keys = ["this node"];
  for (const [name, w] of view.watched) if (w.online) keys.push(name);
  return keys;
}

function walletKeys() {
  const out = [];
  for (const [nodeKey, wallets] of ledger) for (const w of wallets) out.push(`${w.name}@${nodeKey}`);
  return out;
}

// A choice that disappears (a node going offline) leaves the list on the placeholder, never on
// another node or wallet.
function fillSelect(id, values) {
  const select = document.getElementById(id);
  const keep = select.value;
  const all = [CHOOSE, ...values];
  if ([...select.options].map(o => o.value).join("\n") === all.join("\n")) return;
  select.replaceChildren(...all.map(v => Object.assign(document.createElement("option"), { value: v, textContent: v === CHOOSE ? "choose…" : v })));
  select.value = all.includes(keep) ? keep : CHOOSE;
}

function renderControls() {
  const regtest = view.node.chain === "regtest";
  document.getElementById("controls-section").hidden = view.node.kind === "chat" || view.node.chain === undefined;
  fillSelect("act-node", nodeKeys());
  const wallets = walletKeys();
  fillSelect("pay-from", wallets);
  fillSelect("pay-to", wallets);
  document.getElementById("mine").disabled = !regtest || controls.busy;
  document.getElementById("pay").disabled = wallets.length < 2 || controls.busy;
  document.getElementById("stop").disabled = controls.busy;
}

// "Basic" credentials of any text (btoa alone takes Latin-1 only).
function basic(user, password) {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return "Basic " + btoa(String.fromCharCode(...bytes));
}

// One JSON-RPC call on `nodeKey` ("this node" or a watched one), in `wallet` when given.
async function call(nodeKey, method, params, wallet) {
  const path = "/api/rpc" + (wallet !== undefined ? `/wallet/${encodeURIComponent(wallet)}` : "") +
               (nodeKey === "this node" ? "" : `?node=${encodeURIComponent(nodeKey)}`);
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Authorization": basic(controls.user, controls.password) },
    body: JSON.stringify({ jsonrpc: "1.0", id: "dashboard", method, params }),
  });
  if (response.status === 401) throw new Error("the node refused the user or password");
  const text = await response.text();
  let reply;
  try { reply = JSON.parse(text); } catch { throw new Error(`HTTP ${response.status}: ${text.trim()}`); }
  if (reply.error) throw new Error(reply.error.message);
  return reply.result;
}

function said(message, ok) {
  const line = document.getElementById("act-result");
  line.textContent = message;
  line.className = "status " + (ok ? "ok" : "bad");
}

async function act(what) {
  if (controls.busy) return;
  controls.user = document.getElementById("rpc-user").value;
  controls.password = document.getElementById("rpc-password").value;
  const nodeKey = document.getElementById("act-node").value;
  const from = document.getElementById("pay-from").value;
  const to = document.getElementById("pay-to").value;
  if (what === "pay" ? from === CHOOSE || to === CHOOSE : nodeKey === CHOOSE) { said(`${what}: choose first`, false); return; }
  if (what === "stop" && !confirm(`Stop ${nodeKey}?`)) return;
  controls.busy = true;
  renderControls();
  try {
    if (what === "pay") {
      const [fromWallet, fromNode] = splitWallet(from);
      const [toWallet, toNode] = splitWallet(to);
      const amount = Number(document.getElementById("pay-amount").value);
      const address = await call(toNode, "getnewaddress", [], toWallet);
      const txid = await call(fromNode, "sendtoaddress", [address, amount], fromWallet);
      said(`sent ${amount} BTC from ${fromWallet} on ${fromNode} to ${toWallet} on ${toNode}: transaction ${txid.slice(0, 16)}…`, true);
    } else if (what === "mine") {
      const wallets = ledger.get(nodeKey) || [];
      const address = wallets.length > 0 ? await call(nodeKey, "getnewaddress", [], wallets[0].name)
                                         : "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";  // BIP173's regtest example: nobody's coins
      const [hash] = await call(nodeKey, "generatetoaddress", [1, address]);
      said(`${nodeKey} mined block ${hash.slice(0, 16)}…`, true);
    } else if (what === "stop") {
      await call(nodeKey, "stop", []);
      said(`${nodeKey} is stopping`, true);
    }
  } catch (err) {
    said(`${what}: ${err.message}`, false);
  } finally {
    controls.busy = false;
    renderControls();
  }
}

// "alice@127.0.0.1:8081" -> ["alice", "127.0.0.1:8081"] (a wallet name may hold "@").
function splitWallet(key) {
  const at = key.lastIndexOf("@");
  return [key.slice(0, at), key.slice(at + 1)];
}

for (const [id, what] of [["pay", "pay"], ["mine", "mine"], ["stop", "stop"]]) {
  document.getElementById(id).addEventListener("click", () => act(what));
}
document.getElementById("controls").addEventListener("submit", e => e.preventDefault());
