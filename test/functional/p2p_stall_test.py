#!/usr/bin/env python3
"""A peer that stops mid-download must not stall a fresh node's block sync.

Node A (honest, listening) mines 1,500 blocks. For each scenario a fresh node F starts with
`-connect=0` (no outbound connections of its own), and our Python peer P (p2p_peer.py)
connects to it first: P answers F's getheaders with A's real headers, so F learns the chain
from P alone and asks P for blocks; P serves the first few and then
  - "closes": shuts its socket with 16 requested blocks undelivered, or
  - "stalls": keeps the socket open and never answers again.
Then F is pointed at A (`addnode … onetry`). F must reach A's tip; the staller must be
disconnected by F's stall rule (it holds the start of the 1,024-block download window while A
has free slots) and the blocks P never delivered must end up in F's chain — from A, F's only
other peer.
"""
import json
import os
import struct
import sys
import threading

from checks import poll, run_test
from node_process import NodeProcess, RpcError
import p2p_peer as pp

ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"  # BIP173's regtest P2WPKH example
CHAIN_LENGTH = 1500
SERVED_BLOCKS = 3           # P answers this many block requests, then stops
MAX_BLOCKS_PER_PEER = 16    # F's MAX_BLOCKS_IN_TRANSIT_PER_PEER
MSG_WITNESS_BLOCK = 0x40000002
SYNC_TIMEOUT_S = 60
STEP_TIMEOUT_S = 20


def batch(node, calls):
    """One JSON-RPC batch round trip: calls is [(method, params)], returns the results in order."""
    body = json.dumps([{"jsonrpc": "1.0", "id": i, "method": m, "params": list(p)} for i, (m, p) in enumerate(calls)])
    status, text = node.http(body, {"Authorization": node.auth_header(), "Content-Type": "application/json"})
    replies = sorted(json.loads(text), key=lambda r: r["id"])
    for r in replies:
        if r.get("error"):
            raise RpcError(r["error"]["code"], r["error"]["message"])
    return [r["result"] for r in replies]


def parse_inv(payload):
    """[(type, hash internal order)] of an inv/getdata payload."""
    count, off = pp.read_compact_size(payload, 0)
    items = []
    for _ in range(count):
        items.append((struct.unpack_from("<I", payload, off)[0], payload[off + 4:off + 36]))
        off += 36
    return items


def parse_locator(payload):
    count, off = pp.read_compact_size(payload, 4)
    return [payload[off + 32 * i:off + 32 * (i + 1)] for i in range(count)]


class Chain:
    """A's chain as P serves it: headers 1..n, and the raw blocks P is willing to give."""

    def __init__(self, node, served):
        self.hashes_hex = batch(node, [("getblockhash", [h]) for h in range(CHAIN_LENGTH + 1)])
        self.hashes = [pp.hash_from_hex(h) for h in self.hashes_hex]
        self.height_of = {h: i for i, h in enumerate(self.hashes)}
        self.headers = [bytes.fromhex(x) for x in
                        batch(node, [("getblockheader", [h, False]) for h in self.hashes_hex])]
        self.blocks = {self.hashes[h]: bytes.fromhex(x) for h, x in
                       zip(range(1, served + 1), batch(node, [("getblock", [self.hashes_hex[h], 0])
                                                              for h in range(1, served + 1)]))}


class FakeServer:
    """P: a P2PPeer plus a thread that answers getheaders with the chain's headers and the first
    `serve` getdata block items with the real blocks; later items are recorded, never answered."""

    def __init__(self, port, chain, serve):
        self.peer = pp.P2PPeer(port)
        self.chain = chain
        self.serve = serve
        self.requested = []        # block hashes F asked P for, in order
        self.request_types = set()
        self.served = []
        self.stop = False
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def local_addr(self):
        host, port = self.peer.sock.getsockname()[:2]
        return f"{host}:{port}"

    def _loop(self):
        seen = 0
        p = self.peer
        while True:
            with p.cond:
                p.cond.wait_for(lambda: self.stop or p.closed or len(p.messages) > seen)
                if self.stop or p.closed:
                    return
                new = p.messages[seen:]
                seen = len(p.messages)
            for m in new:
                if m.command == "getheaders":
                    self._on_getheaders(m.payload)
                elif m.command == "getdata":
                    self._on_getdata(m.payload)

    def _on_getheaders(self, payload):
        start = 0
        for h in parse_locator(payload):
            if h in self.chain.height_of:
                start = self.chain.height_of[h]
                break
        self.peer.send_msg("headers", pp.headers_payload(self.chain.headers[start + 1:start + 1 + pp.MAX_HEADERS_RESULTS]))

    def _on_getdata(self, payload):
        for typ, h in parse_inv(payload):
            if h not in self.chain.height_of:
                continue
            with self.peer.cond:
                self.requested.append(h)
                self.request_types.add(typ)
            if len(self.served) < self.serve and h in self.chain.blocks:
                self.peer.send_msg("block", self.chain.blocks[h])
                self.served.append(h)

    def undelivered(self):
        with self.peer.cond:
            return [h for h in self.requested if h not in self.served]

    def close(self):
        with self.peer.cond:
            self.stop = True
            self.peer.cond.notify_all()
        self.peer.close()
        self.thread.join(timeout=10)


def log_lines(node, needle):
    path = node.net_dir / "debug.log"
    if not path.exists():
        return []
    return [line for line in path.read_text(errors="replace").splitlines() if needle in line]



def peer_addrs(node):
    return {p["addr"] for p in node.call("getpeerinfo")}


def stop(node):
    if node.running():
        try:
            node.call("stop")
            node.wait_exit(30)
        except Exception:
            pass
    node.kill()


def scenario(r, tonari, tmp, a, chain, mode):
    """mode 'closes' or 'stalls'; F is stopped before returning, whatever happens."""
    what = f"[{mode}]"
    tip = chain.hashes_hex[-1]
    f = NodeProcess(tonari, os.path.join(tmp, f"f-{mode}"), ["-debug=net", "-connect=0"])
    s = None
    try:
        f.start()
        s = FakeServer(f.p2p_port, chain, SERVED_BLOCKS)
        r.check(s.peer.handshake(start_height=CHAIN_LENGTH), f"{what} P completes the handshake with F")
        p_addr = s.local_addr()

        # F learns the whole chain from P and asks P for blocks; P delivers the first few.
        r.check(poll(lambda: f.call("getblockchaininfo")["headers"] == CHAIN_LENGTH, STEP_TIMEOUT_S),
                f"{what} F learns A's {CHAIN_LENGTH} headers from P")
        r.check(poll(lambda: f.call("getblockcount") == SERVED_BLOCKS, STEP_TIMEOUT_S),
                f"{what} F connects the {SERVED_BLOCKS} blocks P served (count {f.call('getblockcount')})")
        r.check(poll(lambda: len(s.undelivered()) == MAX_BLOCKS_PER_PEER, STEP_TIMEOUT_S),
                f"{what} F keeps {MAX_BLOCKS_PER_PEER} blocks in flight from P ({len(s.undelivered())})")
        r.check(s.request_types == {MSG_WITNESS_BLOCK},
                f"{what} F asks for blocks as MSG_WITNESS_BLOCK ({[hex(t) for t in s.request_types]})")
        r.check(peer_addrs(f) == {p_addr}, f"{what} F's only peer is P before addnode ({peer_addrs(f)})")
        first_served = [chain.height_of[h] for h in s.served]
        r.check(first_served == list(range(1, SERVED_BLOCKS + 1)),
                f"{what} F asked for blocks from height 1 up (P served {first_served})")
        stuck = s.undelivered()
        stuck_heights = sorted(chain.height_of[h] for h in stuck)

        if mode == "closes":
            s.close()
            r.check(poll(lambda: p_addr not in peer_addrs(f), STEP_TIMEOUT_S),
                    f"{what} F forgets P after P closes its socket")
            r.check(len(log_lines(f, "disconnected: connection closed by peer")) == 1,
                    f"{what} F's debug.log records P closing the connection")
        # Otherwise P stays connected and silent: its reader thread still watches for the close.

        f.call("addnode", f"127.0.0.1:{a.p2p_port}", "onetry")
        synced = poll(lambda: f.call("getbestblockhash") == tip, SYNC_TIMEOUT_S, 0.1)
        r.check(synced, f"{what} F reaches A's tip within {SYNC_TIMEOUT_S} s "
                        f"(at {f.call('getblockcount')} of {CHAIN_LENGTH})")

        if mode == "stalls":
            r.check(s.peer.wait_for_disconnect(STEP_TIMEOUT_S), f"{what} F disconnects the silent P")
            # The stall rule (2 s holding the window's start while A is idle), not the 60 s
            # per-block timeout: the window fills within seconds of A connecting.
            why = log_lines(f, f"({p_addr}): stalling block download")
            r.check(len(why) == 1, f"{what} F's debug.log gives 'stalling block download' as P's disconnect reason "
                                   f"({log_lines(f, f'({p_addr}):')})")
            for line in why:
                print(f"{what} F debug.log: {line}")
            # Core's adaptive timeout: one stall doubles it, then delivered blocks bring it back.
            r.check(len(log_lines(f, "increased stalling timeout temporarily to 4.0 s")) == 1,
                    f"{what} F doubles its stalling timeout after dropping the staller")
            r.check(len(log_lines(f, "decreased stalling timeout to 2.0 s")) == 1,
                    f"{what} F's stalling timeout returns to 2.0 s as A delivers blocks")
            r.check(s.served == [chain.hashes[h] for h in range(1, SERVED_BLOCKS + 1)],
                    f"{what} P delivered nothing after its first {SERVED_BLOCKS} blocks")
        # The blocks P held were requested again and delivered by A (F's only other peer).
        have = batch(f, [("getblockhash", [h]) for h in stuck_heights])
        r.check(have == [chain.hashes_hex[h] for h in stuck_heights],
                f"{what} the {len(stuck)} blocks stuck at P (heights {stuck_heights[0]}..{stuck_heights[-1]}) "
                f"are in F's chain")
        a_addr = f"127.0.0.1:{a.p2p_port}"
        r.check(peer_addrs(f) == {a_addr}, f"{what} F's peers are now just A ({peer_addrs(f)})")
        print(f"{what} P served heights 1..{SERVED_BLOCKS}, left {stuck_heights[0]}..{stuck_heights[-1]} "
              f"undelivered; F synced {CHAIN_LENGTH} blocks with A")
    finally:
        if s is not None:
            s.close()
        if r.failures:
            print(f"--- F {mode} debug.log (tail) ---")
            print(f.log_tail())
        stop(f)


def body(r, opts, tmp):
    a = NodeProcess(opts.tonari, os.path.join(tmp, "a"), ["-debug=net"])
    try:
        a.start()
        for done in range(0, CHAIN_LENGTH, 500):
            a.call("generatetoaddress", min(500, CHAIN_LENGTH - done), ADDRESS)
        r.check(a.call("getblockcount") == CHAIN_LENGTH, f"A mined {CHAIN_LENGTH} blocks")
        chain = Chain(a, SERVED_BLOCKS)
        r.check(chain.hashes_hex[-1] == a.call("getbestblockhash") and
                all(pp.hash_to_hex(pp.header_hash(h)) == x for h, x in zip(chain.headers, chain.hashes_hex)),
                "A's headers hash to A's block hashes")
        for mode in ("closes", "stalls"):
            scenario(r, opts.tonari, tmp, a, chain, mode)
    finally:
        stop(a)


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-stall-"))
