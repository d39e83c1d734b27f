// The chat act: Tox clients (`tonari chat run --dashboard`) this page watches, directly or
// relayed by a node. Each row follows one client's events: its DHT, its friends coming and
// going, the messages it receives and sends.
const chat = new Map();  // client -> {name, dht, friends: Map(friend -> {name, online}), in, out, last}

function chatClient(key) {
  let c = chat.get(key);
  if (!c) { c = { name: "", dht: "–", friends: new Map(), in: 0, out: 0, last: "", online: true }; chat.set(key, c); }
  return c;
}

// A client's snapshot (the "node" object of its /api/state).
function noteChatState(key, node) {
  const c = chatClient(key);
  c.name = node.name || "";
  c.dht = node.good_close_nodes ?? "–";
  c.friends = new Map((node.friends || []).map(f => [f.friend, { name: f.name, online: f.online }]));
  c.in = node.messages_in || 0;
  c.out = node.messages_out || 0;
  const m = node.last_message;
  c.last = m ? (m.incoming ? `${friendName(c, m.friend)}: ${m.text}` : `to ${friendName(c, m.friend)}: ${m.text}`) : "";
}

function applyChat(key, e) {
  const c = chatClient(key);
  const d = e.data;
  const kind = e.type.slice("chat_".length);
  const peer = f => c.friends.get(f) || (c.friends.set(f, { name: "", online: false }), c.friends.get(f));
  if (kind === "dht") c.dht = d.good_close_nodes;
  if (kind === "friend_added") peer(d.friend);
  if (kind === "friend_online") peer(d.friend).online = true;
  if (kind === "friend_offline") peer(d.friend).online = false;
  if (kind === "friend_name") peer(d.friend).name = d.name;
  if (kind === "message" || kind === "action") { c.in += 1; c.last = `${friendName(c, d.friend)}: ${d.text}`; }
  if (kind === "sent") { c.out += 1; c.last = `to ${friendName(c, d.friend)}: ${d.text}`; }
}

function friendName(c, f) { return c.friends.get(f)?.name || `friend ${f}`; }

function describeChat(e) {
  const d = e.data;
  switch (e.type.slice("chat_".length)) {
    case "dht": return `${d.good_close_nodes} DHT nodes answering`;
    case "announced": return "announced on the onion: friends can find this client";
    case "friend_request": return `a friend request came through the onion: "${d.message}"`;
    case "request_sent": return `friend request to friend ${d.friend} through the onion: ${d.route} (three hops, then the node holding the friend's announcement)`;
    case "friend_dht_key": return `found friend ${d.friend}'s DHT key through the onion`;
    case "friend_online": return `friend ${d.friend} is online, a direct encrypted session (${d.connection})`;
    case "friend_offline": return `friend ${d.friend} went offline`;
    case "message": return `message from friend ${d.friend}: ${d.text}`;
    case "action": return `friend ${d.friend} ${d.text}`;
    case "sent": return `message ${d.message_id} to friend ${d.friend}: ${d.text}`;
    case "receipt": return `friend ${d.friend} got message ${d.message_id}`;
    case "friend_typing": return `friend ${d.friend} ${d.typing ? "is typing…" : "stopped typing"}`;
    case "file_offered": return `offered ${d.path} to friend ${d.friend}`;
    case "file_offer": return `friend ${d.friend} offers ${d.name} (${d.size} bytes)`;
    case "file_done": return `received ${d.path} (${d.size} bytes), SHA-256 ${(d.sha256 || "").slice(0, 16)}…`;
    case "file_sent": return `sent ${d.name} (${d.size} bytes) to friend ${d.friend}`;
    default: return JSON.stringify(d);
  }
}

function renderChat() {
  document.getElementById("chat").hidden = chat.size === 0;
  const rows = [];
  for (const [key, c] of chat) {
    const online = [...c.friends.values()].filter(f => f.online).length;
    const r = row([key, c.name, c.dht, `${online} of ${c.friends.size}`, `${c.in} / ${c.out}`, c.last]);
    if (!c.online) r.className = "offline";
    rows.push(r);
  }
  document.querySelector("#chat-table tbody").replaceChildren(...rows);
}
