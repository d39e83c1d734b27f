#!/usr/bin/env python3
"""The dashboard's event stream and state, on a real two-node regtest network (no mocks):
node A serves -dashboard; node B connects to it.
- /api/state: the epoch, the last event id, A's height, tip and mempool, and B among its peers,
  all as A's RPC says;
- /api/events (server-sent events): B's connection; a block mined at A ("local") and blocks
  mined at B (their headers and blocks from peer B, with its address; the bytes B sent each
  second); a payment sent at B seen at A from peer B, then leaving the mempool with reason
  "block" — each event with a gap-free id;
- a reconnect with Last-Event-ID replays exactly what came after it; an id from another life
  of the node gets a `reset`;
- a Host header naming another site gets 403 (DNS rebinding), POST gets 405 but on /api/rpc,
  the page and its script are served from the binary, and a watcher never read from is dropped
  without the node's memory growing;
- the buttons' /api/rpc: no or wrong credentials get 401 and change nothing, the node's own
  (the RPC cookie) run the call (a block mined), another site's Origin gets 403 and a body that
  is not JSON 415 (CSRF), GET 405, a node not watched 404.
"""
import base64
import http.client
import json
import pathlib
import socket
import sys
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import run_test  # noqa: E402
from node_process import NodeProcess, free_port, wait_until  # noqa: E402
from torrent_process import memory_mib  # noqa: E402


class EventReader:
    """An SSE client on its own thread: every event (dict) and named event (hello/reset) kept."""

    def __init__(self, port, last_event_id=None, query=""):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        headers = f"GET /api/events{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n"
        if last_event_id is not None:
            headers += f"Last-Event-ID: {last_event_id}\r\n"
        self.sock.sendall((headers + "\r\n").encode())
        self.events, self.named, self.head = [], [], b""
        self.closed = False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        buf = b""
        try:
            while b"\r\n\r\n" not in buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    self.closed = True
                    return
                buf += chunk
            self.head, buf = buf.split(b"\r\n\r\n", 1)
            while True:
                while b"\n\n" in buf:
                    block, buf = buf.split(b"\n\n", 1)
                    self._parse(block.decode())
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                buf += chunk
        except OSError:
            pass
        self.closed = True

    def _parse(self, block):
        kind, data = None, None
        for line in block.split("\n"):
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                data = json.loads(line[6:])
        if data is None:
            return
        if kind:
            self.named.append((kind, data))
        else:
            self.events.append(data)

    def of(self, kind):
        return [e for e in self.events if e["type"] == kind]

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def get(port, path, host=None, method="GET", body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers={"Host": host or f"127.0.0.1:{port}", **(headers or {})})
        resp = conn.getresponse()
        return resp.status, resp.read().decode(errors="replace"), dict(resp.getheaders())
    finally:
        conn.close()


def close_all(readers, nodes):
    """Ends every stream reader and node a test started."""
    for reader in readers:
        reader.close()
    for n in nodes:
        n.kill()


def gap_free(events):
    ids = [e["id"] for e in events]
    return ids == list(range(ids[0], ids[0] + len(ids))) if ids else True


def body(r, opts, tmp):
    nodes, readers = [], []
    try:
        port = free_port()
        a = NodeProcess(opts.tonari, f"{tmp}/a", [f"-dashboard={port}", "-listen=1"])
        a.start()
        nodes.append(a)
        # The RPC server answers first; the dashboard starts right after it.
        r.check(wait_until(lambda: f"Dashboard on http://127.0.0.1:{port}/" in (a.net_dir / "debug.log").read_text(errors="replace"), 30),
                "the node logs the dashboard's URL")
        watcher = EventReader(port)
        readers.append(watcher)
        r.check(wait_until(lambda: watcher.named, 10), "the stream opens with a hello")
        hello = watcher.named[0][1] if watcher.named else {}
        r.check(b"text/event-stream" in watcher.head, "served as text/event-stream")

        b = NodeProcess(opts.tonari, f"{tmp}/b", [f"-connect=127.0.0.1:{a.p2p_port}"])
        b.start()
        nodes.append(b)
        r.check(wait_until(lambda: watcher.of("peer_connected"), 30), "B's connection is an event")
        joined = watcher.of("peer_connected")[0]["data"] if watcher.of("peer_connected") else {}
        r.check(joined.get("direction") == "inbound" and joined.get("address", "").startswith("127.0.0.1:"),
                f"inbound, with B's address: {joined}")

        status, body, headers = get(port, "/api/state")
        state = json.loads(body) if status == 200 else {}
        node = state.get("node", {})
        r.check(status == 200 and state.get("epoch") == hello.get("epoch"), "the state carries the stream's epoch")
        r.check(node.get("height") == a.call("getblockcount") and node.get("tip") == a.call("getbestblockhash"),
                f"the state's height and tip are A's: {node.get('height')}")
        r.check([p["peer"] for p in node.get("peers", [])] == [p["id"] for p in a.call("getpeerinfo")],
                "the state's peers are getpeerinfo's")
        r.check(node.get("mempool_size") == a.call("getmempoolinfo")["size"], "and its mempool size")
        r.check(f"127.0.0.1:{a.p2p_port}" in node.get("listen", []), f"and where peers reach it: {node.get('listen')}")

        # A block mined here, then blocks and a payment from B.
        a.call("createwallet", "w")
        local = a.call("generatetoaddress", 1, a.call("getnewaddress"))[0]
        r.check(wait_until(lambda: any(e["data"]["hash"] == local for e in watcher.of("block_connected")), 10),
                "a block mined at A is an event")
        mined_here = [e["data"] for e in watcher.of("block_connected") if e["data"]["hash"] == local]
        r.check(mined_here and mined_here[0]["from"] == "local" and mined_here[0]["height"] == 1, f"from local: {mined_here}")
        b.call("createwallet", "w")
        b_addr = b.call("getnewaddress")
        r.check(wait_until(lambda: b.call("getbestblockhash") == local, 30), "B has A's block before it mines")
        tips = b.call("generatetoaddress", 101, b_addr)
        r.check(wait_until(lambda: a.call("getbestblockhash") == tips[-1], 60), "A follows B's 101 blocks")
        r.check(wait_until(lambda: any(e["data"]["hash"] == tips[-1] for e in watcher.of("tip_changed")), 10),
                "the new tip is an event")
        from_b = [e["data"] for e in watcher.of("block_connected") if e["data"]["hash"] in set(tips)]
        b_peer = joined.get("peer")
        r.check(len(from_b) == 101 and all(d["from"] == "peer" and d["peer"] == b_peer for d in from_b),
                f"every one of B's blocks came from peer {b_peer}: {from_b[:1]}")
        headers = [e["data"] for e in watcher.of("header_seen") if e["data"]["hash"] in set(tips)]
        r.check(headers and all(h["peer"] == b_peer for h in headers), f"B's headers were first seen from B ({len(headers)})")
        r.check(wait_until(lambda: any(p["peer"] == b_peer and p["in"] > 0 for e in watcher.of("peer_bytes")
                                       for p in e["data"]["peers"]), 10),
                "a peer_bytes event shows the bytes B sent in one second")
        txid = b.call("sendtoaddress", a.call("getnewaddress"), 1)
        r.check(wait_until(lambda: any(e["data"]["txid"] == txid for e in watcher.of("tx_seen")), 60, 0.1),
                "B's payment reaching A is an event")
        seen = [e["data"] for e in watcher.of("tx_seen") if e["data"]["txid"] == txid]
        r.check(seen and seen[0]["from"] == "peer" and seen[0]["peer"] == b_peer and seen[0]["address"] == joined.get("address"),
                f"seen from peer B: {seen[:1]}")
        confirm = a.call("generatetoaddress", 1, a.call("getnewaddress"))[0]
        r.check(wait_until(lambda: any(e["data"]["txid"] == txid and e["data"]["reason"] == "block"
                                       for e in watcher.of("tx_removed")), 10), "it leaves A's mempool for a block")
        r.check(wait_until(lambda: watcher.of("mempool") and watcher.of("mempool")[-1]["data"]["size"] == 0, 10),
                "and the mempool event says it is empty again")
        r.check(gap_free(watcher.events) and watcher.events[0]["id"] == hello.get("resume_from", -1) + 1,
                f"{len(watcher.events)} events, ids rising by one from where the stream began")

        # Replays.
        middle = watcher.events[len(watcher.events) // 2]["id"]
        again = EventReader(port, last_event_id=middle)
        readers.append(again)
        last = watcher.events[-1]["id"]
        r.check(wait_until(lambda: again.events and again.events[-1]["id"] >= last, 10), "a reconnect catches up")
        r.check(again.events and again.events[0]["id"] == middle + 1 and gap_free(again.events)
                and not any(k == "reset" for k, _ in again.named), f"Last-Event-ID {middle} replays from {middle + 1}")
        stranger = EventReader(port, last_event_id=10**9)
        readers.append(stranger)
        r.check(wait_until(lambda: any(k == "reset" for k, _ in stranger.named), 10),
                "an id from another life of the node gets a reset")
        resumed = EventReader(port, query=f"?last_event_id={last - 1}")
        readers.append(resumed)
        r.check(wait_until(lambda: resumed.events, 10) and resumed.events[0]["id"] == last, "?last_event_id resumes too")

        # Defences and assets.
        r.check(get(port, "/api/state", host=f"evil.example:{port}")[0] == 403, "a foreign Host header gets 403")
        r.check(get(port, "/api/state", method="POST")[0] == 405, "POST gets 405")

        # The buttons' calls: the node's RPC credentials decide.
        def rpc(method, params, auth=None, origin=None, verb="POST", kind="application/json", query=""):
            headers = {"Content-Type": kind}
            if auth:
                headers["Authorization"] = auth
            if origin:
                headers["Origin"] = origin
            body = json.dumps({"jsonrpc": "1.0", "id": 1, "method": method, "params": params})
            return get(port, "/api/rpc" + query, method=verb, body=body, headers=headers)[:2]
        height = a.call("getblockcount")
        burn = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"
        r.check(rpc("generatetoaddress", [1, burn])[0] == 401, "a call without credentials gets 401")
        r.check(rpc("generatetoaddress", [1, burn], auth="Basic " + base64.b64encode(b"x:y").decode())[0] == 401,
                "wrong credentials get 401")
        r.check(a.call("getblockcount") == height, "... and nothing was mined")
        r.check(rpc("generatetoaddress", [1, burn], auth=a.auth_header(), origin="http://evil.example")[0] == 403,
                "another site's page cannot make a logged-in browser act (Origin checked)")
        r.check(rpc("getblockcount", [], auth=a.auth_header(), verb="GET")[0] == 405, "a call by GET gets 405")
        r.check(rpc("generatetoaddress", [1, burn], auth=a.auth_header(), kind="text/plain")[0] == 415,
                "a body that is not JSON (what another site's form can send) gets 415")
        r.check(rpc("getblockcount", [], auth=a.auth_header(), query="?node=127.0.0.1%3A1")[0] == 404,
                "a call for a node this dashboard does not watch gets 404")
        status, answer = rpc("generatetoaddress", [1, burn], auth=a.auth_header(), origin=f"http://127.0.0.1:{port}")
        r.check(status == 200 and len(json.loads(answer)["result"]) == 1 and a.call("getblockcount") == height + 1,
                f"the node's own credentials run the call: {status} {answer[:120]}")
        status, page, headers = get(port, "/")
        r.check(status == 200 and "/app.js" in page and "Content-Security-Policy" in headers, "the page, with a CSP")
        status, script, _ = get(port, "/app.js")
        r.check(status == 200 and "EventSource" in script, "its script, from the binary")

        # A watcher that never reads (a small receive window, set before connecting), while 400
        # blocks' events (hundreds of KiB, past the server's fixed 64 KiB send buffer) pour out:
        # its write stalls, and the server drops it after the 10 s write deadline.
        def watchers():
            return json.loads(get(port, "/api/state")[1])["watchers"]
        open_before = watchers()
        stalled = socket.socket()
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.connect(("127.0.0.1", port))
        stalled.sendall(f"GET /api/events?last_event_id=0 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        r.check(wait_until(lambda: watchers() == open_before + 1, 10), "the stalled watcher's stream is open")
        before = memory_mib(a.proc.pid)
        addr = a.call("getnewaddress")
        for _ in range(8):
            a.call("generatetoaddress", 50, addr)
        r.check(wait_until(lambda: watchers() == open_before, 40, 0.5),
                f"the server drops the watcher that stopped reading ({watchers()} streams open, {open_before} before it)")
        after = memory_mib(a.proc.pid)
        r.check(after is not None and before is not None and after - before < 64,
                f"A's memory with a stalled watcher: {before:.0f} -> {after:.0f} MiB")
        r.check(wait_until(lambda: any(e["data"]["height"] == 503 for e in watcher.of("tip_changed")), 30),
                "the reading watcher still keeps up (tip 503)")
        r.check(gap_free(watcher.events), "and its ids are still gap-free")
        stalled.close()
        a.call("stop")
        r.check(a.wait_exit(30) == 0, "A stops cleanly with watchers connected")
    finally:
        close_all(readers, nodes)


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-dashboard-"))
