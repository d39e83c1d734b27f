#!/usr/bin/env python3
"""BIP324 v2 encrypted transport between tonari nodes and a pure-Python peer (bip324_peer.py).

Node A runs with the default -v2transport. (a) A positive control: the v2 handshake, with
random garbage and with decoys before the version packet, version/verack and ping/pong over v2,
and getpeerinfo's transport_protocol_type and session_id matching the Python side. (b) A v1
peer still connects to the same port (v1 detection, also with the v1 prefix split across two
writes). (c) Hostile peers: garbage without a terminator, 4,096 bytes of garbage, a bad MAC on
the version packet and after the handshake, garbage not matching the version packet's AAD,
length fields past the limit (A's peak memory must stay bounded), a decoy flood, and
handshakes that stall; each ends in a disconnect and A keeps answering RPC. (d) Node B
`-connect`s to A through a Python relay that records every byte: blocks and a wallet
transaction cross over v2, both sides report the same session id, and the recording holds no
v1 frame, no command name, no block header and no transaction. (e) A node with
-v2transport=0 (C) and a node D dialing it: D tries v2, falls back to v1, and they sync.
"""
import os
import random
import socket
import struct
import sys
import threading
import time

from checks import poll, memory_mb, run_test
from node_process import NodeProcess, RpcError
import bip324_peer as v2
import p2p_peer as pp

ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"  # BIP173's regtest P2WPKH example
DISCONNECT_TIMEOUT_S = 15
# The node gives a v2 handshake 10 s; a peer dropped much sooner than this was not waited for.
HANDSHAKE_TIMEOUT_MIN_S = 5
SYNC_TIMEOUT_S = 60
# As in p2p_misbehaviour_test: the steady state is a few tens of MiB, so a node that allocated
# what hostile length fields claim (16 MiB each, on several connections at once) goes past it.
PEAK_MEMORY_LIMIT_MB = 200
OVERSIZED_CONNECTIONS = 16
# Largest v2 contents: the 0x00 type byte, a 12-byte command, a 4,000,000-byte payload.
MAX_CONTENTS_LEN = 1 + 12 + 4_000_000
MAX_DECOYS_IN_A_ROW = 1000
V1_PREFIX = pp.REGTEST_MAGIC + b"version" + b"\x00" * 5
KNOWN_COMMANDS = sorted(set(v2.SHORT_IDS.values()) | {
    "version", "verack", "sendheaders", "sendaddrv2", "wtxidrelay", "getaddr", "reject", "sendtxrcncl"})


def peer_entry(node, addr):
    """getpeerinfo's entry for the connection from `addr`, or None."""
    for p in node.call("getpeerinfo"):
        if p["addr"] == addr:
            return p
    return None


def wait_transport(node, addr, want, timeout=10):
    """Waits until getpeerinfo shows `addr` with transport_protocol_type `want` and a finished
    version exchange (detecting: listed at all); returns the last entry seen ({} if none)."""
    last = {}

    def ready():
        nonlocal last
        last = peer_entry(node, addr) or {}
        if last.get("transport_protocol_type") != want:
            return False
        return want == "detecting" or last.get("version", 0) > 0
    poll(ready, timeout)
    return last


def is_hex64(s):
    return isinstance(s, str) and len(s) == 64 and all(c in "0123456789abcdef" for c in s)


class Relay:
    """A loopback TCP relay to `target_port` that keeps every byte of every connection, both
    ways. One side's EOF or reset is passed on as a FIN to the other, so a dialer sees the far
    end close (which is what makes a v2 dialer fall back to v1)."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.conns = []  # {"up": dialer → target bytes, "down": target → dialer bytes}
        self.socks = []
        self.threads = []
        t = threading.Thread(target=self._accept_loop, daemon=True)
        t.start()
        self.threads.append(t)

    def _accept_loop(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=10)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            record = {"up": bytearray(), "down": bytearray()}
            with self.lock:
                self.conns.append(record)
                self.socks += [client, upstream]
            for src, dst, key in ((client, upstream, "up"), (upstream, client, "down")):
                t = threading.Thread(target=self._pump, args=(src, dst, record, key), daemon=True)
                t.start()
                self.threads.append(t)

    def _pump(self, src, dst, record, key):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                with self.lock:
                    record[key] += data
                dst.sendall(data)
        except OSError:
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def snapshot(self):
        """[(up bytes, down bytes)] per connection, in the order they were accepted."""
        with self.lock:
            return [(bytes(c["up"]), bytes(c["down"])) for c in self.conns]

    def stop(self):
        self.listener.close()
        with self.lock:
            socks = list(self.socks)
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        for t in self.threads:
            t.join(timeout=5)


class Suite:
    def __init__(self, r, node):
        self.r = r
        self.node = node
        self.peers = []
        self.keep = []  # peers that outlive the case that opened them (the stalled handshakes)

    def v2peer(self):
        p = v2.V2Peer(self.node.p2p_port)
        p.addr = p.local_addr()  # kept: getsockname fails once the socket is closed
        self.peers.append(p)
        return p

    def v1peer(self):
        p = pp.P2PPeer(self.node.p2p_port)
        host, port = p.sock.getsockname()[:2]
        p.addr = f"{host}:{port}"
        self.peers.append(p)
        return p

    def close_all(self):
        for p in self.peers:
            p.close()
        self.peers = []

    def expect_disconnect(self, p, what):
        self.r.check(p.wait_for_disconnect(DISCONNECT_TIMEOUT_S), f"{what}: the node disconnects us")
        self.r.check(poll(lambda: peer_entry(self.node, p.addr) is None, 10),
                     f"{what}: getpeerinfo no longer lists us")

    def after(self, case):
        """The node survived: it runs, answers RPC, and its peak memory stayed bounded."""
        for p in self.peers:
            if p not in self.keep:
                p.close()
        self.peers = [p for p in self.peers if p in self.keep]
        self.r.check(self.node.running(), f"{case}: the node has not crashed")
        try:
            before = self.node.call("getblockcount")
            self.node.call("generatetoaddress", 1, ADDRESS)
            self.r.check(self.node.call("getblockcount") == before + 1, f"{case}: the node answers RPC and mines")
        except (OSError, RpcError) as e:
            self.r.fail(f"{case}: the node answers RPC ({e})")
            return
        peak = memory_mb(self.node.proc.pid, "VmHWM")
        rss = memory_mb(self.node.proc.pid, "VmRSS")
        self.r.check(peak < PEAK_MEMORY_LIMIT_MB, f"{case}: memory stays bounded (now {rss:.0f} MiB, "
                                                  f"peak {peak:.0f} MiB, limit {PEAK_MEMORY_LIMIT_MB})")
        print(f"  {case}: RSS {rss:.0f} MiB, peak {peak:.0f} MiB", flush=True)


# ---- (a) positive control ----

def v2_control(s):
    r, node = s.r, s.node
    names = node.call("getnetworkinfo")["localservicesnames"]
    r.check("P2P_V2" in names, f"v2 is on by default: localservicesnames has P2P_V2 ({names})")

    p = s.v2peer()
    r.check(p.v2_handshake(timeout=10), f"control: the v2 transport handshake completes "
                                        f"({len(p.sent_garbage)} bytes of our garbage; error {p.error})")
    r.check(p.version_contents == b"", f"control: the node's version packet is empty ({p.version_contents!r})")
    r.check(p.received_garbage is not None and len(p.received_garbage) <= v2.MAX_GARBAGE_LEN,
            "control: the node's garbage is at most 4095 bytes")
    p.send_msg("version", pp.version_payload(0, services=pp.NODE_NETWORK | pp.NODE_WITNESS | v2.NODE_P2P_V2))
    r.check(p.wait_for("verack", 10) is not None, f"control: our version over v2 is answered with a verack "
                                                  f"(got {p.commands()}, error {p.error})")
    ver = p.wait_for("version", 0)
    r.check(ver is not None and len(ver.payload) >= 12 and
            struct.unpack_from("<Q", ver.payload, 4)[0] & v2.NODE_P2P_V2,
            "control: the node's version message over v2 advertises NODE_P2P_V2")
    p.send_msg("verack")
    r.check(p.ping(), "control: a ping over v2 gets the matching pong")
    r.check(p.send_msg("ping", struct.pack("<Q", 7), long_form=True) and
            p.wait_for("pong", 10, match=lambda m: m.payload == struct.pack("<Q", 7)) is not None,
            "control: a ping sent with the 12-byte command instead of its short id is answered too")

    want = p.session_id.hex()
    entry = wait_transport(node, p.addr, "v2")
    r.check(entry.get("transport_protocol_type") == "v2",
            f"control: getpeerinfo says v2 for our peer (got {entry.get('transport_protocol_type')})")
    r.check(entry.get("session_id") == want,
            f"control: getpeerinfo's session_id is ours ({entry.get('session_id')} vs {want})")

    # Decoys before the version packet: the first of them, not the version packet, carries the
    # AAD of our garbage, and the node must skip them.
    p = s.v2peer()
    ok = p.send_key(random.randbytes(100)) and p.recv_key(10)
    ok = ok and p.send_terminator() and p.send_decoys(3) and p.send_packet(b"")
    ok = ok and p.recv_garbage(10) and p.recv_packet(10, skip_decoys=True) is not None
    r.check(ok, f"control: decoys between our terminator and version packet are accepted (error {p.error})")
    r.check(ok and p.send_msg("version", pp.version_payload()) and p.wait_for("verack", 10) is not None and
            p.send_msg("verack") and p.ping(), "control: ... and version/verack and ping work after them")

    # Garbage lengths at both ends of the allowed range.
    for size in (0, v2.MAX_GARBAGE_LEN):
        p = s.v2peer()
        r.check(p.handshake(garbage=random.randbytes(size)) and p.ping(),
                f"control: a handshake with {size} bytes of garbage, then ping/pong (error {p.error})")
    s.after("v2 control")


# ---- (b) v1 still works ----

def v1_inbound(s):
    r, node = s.r, s.node
    p = s.v1peer()
    r.check(p.handshake() and p.ping(), "v1: a v1 peer handshakes and pings on the same port")
    entry = wait_transport(node, p.addr, "v1")
    r.check(entry.get("transport_protocol_type") == "v1",
            f"v1: getpeerinfo says v1 (got {entry.get('transport_protocol_type')})")
    r.check(entry.get("session_id") == "", f"v1: no session id for a v1 peer (got {entry.get('session_id')!r})")

    # Ten bytes of the 16-byte v1 prefix cannot tell v1 from v2: the node must wait for more,
    # sending nothing (a v2 responder would already have sent its key), then answer in v1.
    version = pp.frame("version", pp.version_payload())
    with socket.create_connection(("127.0.0.1", node.p2p_port), timeout=10) as raw:
        raw.sendall(version[:10])
        raw.settimeout(1.0)
        try:
            early = raw.recv(64)
        except socket.timeout:
            early = b""
        r.check(early == b"", f"v1: after 10 bytes of the v1 prefix the node waits, sending nothing (got {early[:8]!r})")
        raw.sendall(version[10:])
        raw.settimeout(10)
        reply = b""
        try:
            while len(reply) < 16:
                chunk = raw.recv(4096)
                if not chunk:
                    break
                reply += chunk
        except socket.timeout:
            pass
        r.check(reply[:16] == pp.REGTEST_MAGIC + b"version".ljust(12, b"\x00"),
                f"v1: the rest of the prefix in a second write makes it a v1 connection (got {reply[:16]!r})")
    s.after("v1 inbound")


# ---- (c) hostile peers ----

def start_stalls(s):
    """Two handshakes that stop: 30 bytes of a key, and a whole key with garbage but no
    terminator. They run while the other hostile cases do; check_stalls judges them."""
    first = s.v2peer()
    first.send_raw(first.ellswift_ours[:30])
    second = s.v2peer()
    second.send_key(random.randbytes(100))
    s.keep += [first, second]
    return [(first, "a handshake stalled after 30 bytes"), (second, "a handshake stalled after key and garbage")]


def check_stalls(s, stalls):
    r = s.r
    for p, what in stalls:
        left = p.opened_at + DISCONNECT_TIMEOUT_S - time.monotonic()
        r.check(p.wait_for_disconnect(max(0.0, left)), f"{what}: disconnected within {DISCONNECT_TIMEOUT_S} s")
        if p.closed_at is not None:
            took = p.closed_at - p.opened_at
            print(f"  {what}: disconnected after {took:.1f} s", flush=True)
            r.check(took >= HANDSHAKE_TIMEOUT_MIN_S,
                    f"{what}: not dropped before the handshake timeout (after {took:.1f} s)")
        r.check(poll(lambda: peer_entry(s.node, p.addr) is None, 10), f"{what}: getpeerinfo no longer lists it")
    s.keep = []


def garbage_cases(s):
    r = s.r
    p = s.v2peer()
    p.send_key(random.randbytes(v2.MAX_GARBAGE_LEN))
    r.check(p.recv_key(10), "no terminator: the node sends its key")
    p.send_raw(random.randbytes(200))
    s.expect_disconnect(p, "4095 bytes of garbage, then 200 more and no terminator")

    p = s.v2peer()
    garbage = random.randbytes(v2.MAX_GARBAGE_LEN + 1)
    p.send_key(garbage)
    r.check(p.recv_key(10), "4096 bytes of garbage: the node sends its key")
    p.send_terminator()
    p.send_packet(b"")
    s.expect_disconnect(p, "4096 bytes of garbage before a valid terminator and version packet")
    s.after("garbage limits")


def mac_cases(s):
    r = s.r
    p = s.v2peer()
    p.send_key(random.randbytes(50))
    r.check(p.recv_key(10), "bad MAC: the node sends its key")
    p.send_terminator()
    p.send_packet(b"", forge_mac=True)
    s.expect_disconnect(p, "a version packet with a bad MAC")

    # The garbage is authenticated: a version packet whose AAD differs from the garbage sent
    # (as if a middlebox had changed a garbage byte) must fail.
    p = s.v2peer()
    garbage = random.randbytes(50)
    p.send_key(garbage)
    r.check(p.recv_key(10), "altered garbage: the node sends its key")
    p.send_terminator()
    p.send_packet(b"", aad=bytes([garbage[0] ^ 1]) + garbage[1:])
    s.expect_disconnect(p, "a version packet authenticating different garbage")

    p = s.v2peer()
    r.check(p.handshake(), "bad MAC after the handshake: handshake")
    r.check(p.ping(), "bad MAC after the handshake: ping before")
    p.send_packet(v2.encode_contents("ping", struct.pack("<Q", 1)), forge_mac=True)
    s.expect_disconnect(p, "a ping with a bad MAC after the handshake")
    s.after("bad MAC")


def length_cases(s):
    r = s.r
    # At the limit: read and handled (an unknown command is ignored), not refused.
    p = s.v2peer()
    r.check(p.handshake(), "largest packet: handshake")
    contents = v2.encode_contents("tnrunknown", b"\x00" * (MAX_CONTENTS_LEN - 13), long_form=True)
    assert len(contents) == MAX_CONTENTS_LEN
    p.send_packet(contents)
    r.check(p.ping(30), f"a packet of exactly {MAX_CONTENTS_LEN} bytes of contents is accepted (ping answered)")

    p = s.v2peer()
    r.check(p.handshake(), "length past the limit: handshake")
    p.send_length_only(MAX_CONTENTS_LEN + 1)
    s.expect_disconnect(p, f"a length field of {MAX_CONTENTS_LEN + 1} (one past the limit)")

    # Many at once claiming the most a length field can say, and never sending it: a node that
    # allocated before checking would hold 16 MiB per connection.
    peers = [s.v2peer() for _ in range(OVERSIZED_CONNECTIONS)]
    r.check(all(p.handshake() for p in peers), f"{OVERSIZED_CONNECTIONS} peers handshake")
    for p in peers:
        p.send_length_only((1 << 24) - 1)
    # One deadline for all: a node that waits for the bodies must fail the check, not the
    # ctest timeout.
    deadline = time.monotonic() + DISCONNECT_TIMEOUT_S
    dropped = sum(p.wait_for_disconnect(max(0.0, deadline - time.monotonic())) for p in peers)
    r.check(dropped == OVERSIZED_CONNECTIONS,
            f"length field 16777215: the node disconnects all {OVERSIZED_CONNECTIONS} connections ({dropped} dropped)")
    addrs = {p.addr for p in peers}
    r.check(poll(lambda: not addrs & {e["addr"] for e in s.node.call("getpeerinfo")}, 10),
            "length field 16777215: getpeerinfo no longer lists any of them")
    s.after("lengths past the limit")


def decoy_cases(s):
    r = s.r
    p = s.v2peer()
    r.check(p.handshake(), "decoys: handshake")
    for round_ in (1, 2):
        p.send_decoys(MAX_DECOYS_IN_A_ROW)
        r.check(p.ping(15), f"decoys: {MAX_DECOYS_IN_A_ROW} decoys then a ping are tolerated (round {round_})")
    p.send_decoys(MAX_DECOYS_IN_A_ROW + 1)
    s.expect_disconnect(p, f"a flood of {MAX_DECOYS_IN_A_ROW + 1} decoys in a row")
    s.after("decoy flood")


# ---- (d) two nodes over v2, watched ----

def leaks(streams, headers, blobs):
    """What a passive observer could read in the recorded bytes."""
    found = []
    for i, (up, down) in enumerate(streams):
        for direction, data in (("dialer→A", up), ("A→dialer", down)):
            for cmd in KNOWN_COMMANDS:
                padded = cmd.encode().ljust(12, b"\x00")
                if pp.REGTEST_MAGIC + padded in data:
                    found.append(f"conn {i} {direction}: a v1 frame header for {cmd}")
                elif padded in data:
                    found.append(f"conn {i} {direction}: the padded command name {cmd}")
            for height, h in enumerate(headers):
                if h in data:
                    found.append(f"conn {i} {direction}: the header of block {height}")
            for name, blob in blobs:
                if blob in data:
                    found.append(f"conn {i} {direction}: {name}")
    return found


def two_nodes_v2(r, a, tmp, started):
    relay = Relay(a.p2p_port)
    started.append(relay)
    b = NodeProcess(a.tonari, os.path.join(tmp, "b"), ["-debug=net", f"-connect=127.0.0.1:{relay.port}"])
    started.append(b)
    b.start()
    relay_addr = f"127.0.0.1:{relay.port}"
    r.check(poll(lambda: (peer_entry(b, relay_addr) or {}).get("version", 0) > 0, 30),
            "two nodes: B connects to A through the relay")

    a.call("createwallet", "a")
    mine_to = a.call("getnewaddress")
    tip = a.call("generatetoaddress", 101, mine_to)[-1]
    r.check(poll(lambda: b.call("getbestblockhash") == tip, SYNC_TIMEOUT_S),
            "two nodes: B syncs A's 101 new blocks over v2")
    txid = a.call("sendtoaddress", ADDRESS, 1)
    raw_tx = bytes.fromhex(a.call("getrawtransaction", txid))
    r.check(poll(lambda: txid in b.call("getrawmempool"), SYNC_TIMEOUT_S, 0.2),
            "two nodes: a wallet transaction from A reaches B's mempool over v2")
    tip = a.call("generatetoaddress", 1, mine_to)[0]
    r.check(poll(lambda: b.call("getbestblockhash") == tip, SYNC_TIMEOUT_S),
            "two nodes: B syncs the block confirming it")

    b_peers = b.call("getpeerinfo")
    r.check(len(b_peers) == 1 and b_peers[0]["addr"] == relay_addr,
            f"two nodes: B's only peer is the relay ({[p['addr'] for p in b_peers]})")
    bp = b_peers[0] if b_peers else {}
    sid = bp.get("session_id")
    r.check(bp.get("transport_protocol_type") == "v2",
            f"two nodes: B sees A as v2 (got {bp.get('transport_protocol_type')})")
    r.check(is_hex64(sid), f"two nodes: B's session_id is 64 hex digits ({sid!r})")
    ap = [p for p in a.call("getpeerinfo") if p.get("session_id") == sid]
    r.check(len(ap) == 1 and ap[0].get("transport_protocol_type") == "v2",
            f"two nodes: A sees B as v2 with the same session_id "
            f"({[(p['addr'], p.get('transport_protocol_type')) for p in ap]})")

    streams = relay.snapshot()
    r.check(len(streams) == 1, f"two nodes: one connection through the relay, no v1 retry ({len(streams)})")
    down_total = sum(len(d) for _, d in streams)
    r.check(down_total > 101 * 80, f"two nodes: the relay carried the blocks ({down_total} bytes from A)")
    r.check(all(not up.startswith(V1_PREFIX) for up, _ in streams), "two nodes: B did not open with a v1 version")
    height = a.call("getblockcount")
    headers = [bytes.fromhex(a.call("getblockheader", a.call("getblockhash", h), False)) for h in range(height + 1)]
    r.check(all(len(h) == 80 for h in headers), "two nodes: getblockheader <hash> false gives 80 bytes")
    wtxid = pp.sha256d(raw_tx)
    found = leaks(streams, headers, [("the raw transaction", raw_tx), ("the txid", pp.hash_from_hex(txid)),
                                     ("the wtxid", wtxid)])
    r.check(not found, f"two nodes: nothing readable in {down_total + sum(len(u) for u, _ in streams)} recorded bytes "
                       f"({found[:5]})")
    # The check is not vacuous: the same search finds a v1 frame and a header where there is one.
    probe = [(pp.frame("inv", b"") + headers[-1], b"")]
    r.check(len(leaks(probe, headers, [])) == 2, "two nodes: the leak search finds a planted v1 frame and header")


# ---- (e) v1 fallback ----

def v1_fallback(r, tmp, tonari, started):
    c = NodeProcess(tonari, os.path.join(tmp, "c"), ["-debug=net", "-v2transport=0"])
    started.append(c)
    c.start()
    names = c.call("getnetworkinfo")["localservicesnames"]
    r.check("P2P_V2" not in names, f"fallback: with -v2transport=0 localservicesnames lacks P2P_V2 ({names})")
    relay = Relay(c.p2p_port)
    started.append(relay)
    d = NodeProcess(tonari, os.path.join(tmp, "d"), ["-debug=net", f"-connect=127.0.0.1:{relay.port}"])
    started.append(d)
    d.start()
    relay_addr = f"127.0.0.1:{relay.port}"

    entry = wait_transport(d, relay_addr, "v1", 45)
    r.check(entry.get("transport_protocol_type") == "v1",
            f"fallback: D ends up connected to C over v1 (got {entry.get('transport_protocol_type')})")
    r.check(entry.get("session_id") == "", f"fallback: D shows no session id ({entry.get('session_id')!r})")
    c_peers = c.call("getpeerinfo")
    r.check(len(c_peers) == 1 and c_peers[0].get("transport_protocol_type") == "v1",
            f"fallback: C sees D as v1 ({[p.get('transport_protocol_type') for p in c_peers]})")

    streams = relay.snapshot()
    first_up = streams[0][0] if streams else b""
    r.check(len(streams) >= 2 and len(first_up) >= v2.V2_KEY_LEN and not first_up.startswith(V1_PREFIX[:4]),
            f"fallback: D's first attempt was v2 (a 64-byte key, not the v1 magic; "
            f"{len(streams)} connections, first sent {len(first_up)} bytes)")
    r.check(any(up.startswith(V1_PREFIX) for up, _ in streams[1:]),
            "fallback: a later attempt opens with a v1 version message")

    tip = c.call("generatetoaddress", 5, ADDRESS)[-1]
    r.check(poll(lambda: d.call("getbestblockhash") == tip, SYNC_TIMEOUT_S), "fallback: D syncs C's blocks over v1")


def body(r, opts, tmp):
    # The Python peer is itself checked first against every row of BIP324's vector files, so a
    # passing run means two independent implementations agree, not one with itself.
    r.check(v2._selftest() == 0, "the Python BIP324 peer passes BIP324's test vectors")
    a = NodeProcess(opts.tonari, os.path.join(tmp, "a"), ["-debug=net"])
    started = [a]  # nodes and relays, ended in `finally`
    s = None
    try:
        a.start()
        s = Suite(r, a)
        v2_control(s)
        v1_inbound(s)
        stalls = start_stalls(s)
        for case in (garbage_cases, mac_cases, length_cases, decoy_cases):
            case(s)
        check_stalls(s, stalls)
        s.after("stalled handshakes")
        two_nodes_v2(r, a, tmp, started)
        v1_fallback(r, tmp, opts.tonari, started)
    finally:
        if s is not None:
            s.close_all()
        if r.failures:
            for n in started:
                if isinstance(n, NodeProcess):
                    print(f"--- {n.datadir.name} debug.log (tail) ---")
                    print(n.log_tail())
        for thing in reversed(started):
            if isinstance(thing, Relay):
                thing.stop()
            else:
                thing.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-v2transport-"))
