#!/usr/bin/env python3
"""A regtest node fed hostile P2P traffic by a pure-Python peer (p2p_peer.py) must drop the
offender and carry on.

One node (A) with 2,300 blocks and an honest second node (B, `-connect`ed to A). A positive
control first (handshake, ping/pong, getheaders from genesis, a valid block of ours accepted),
then: a bad checksum, oversized length fields, truncated messages and a cut version payload,
a flood of unknown commands, headers that do not connect, invalid blocks (bad merkle root,
coinbase paying too much), a mutated block (CVE-2012-2459) before the real one, a 2,000-header low-work fork from genesis, and a thousand short
TCP connections. After every case A must still be running and answering RPC, its peak memory
must stay under a fixed bound, and B must sync a block newly mined on A.

All of it runs while A works: a load generator pays from A's wallet every 0.1 s (every payment
accepted and, at the end, mined), and a third node, started empty as the first case begins,
downloads A's whole chain meanwhile (it must reach the tip).
"""
import os
import random
import socket
import struct
import sys
import time

from checks import poll, memory_mb, run_test
from load_generator import Load
from node_process import NodeProcess, RpcError
import p2p_peer as pp

ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"  # BIP173's regtest P2WPKH example
CHAIN_LENGTH = 2300
# The first blocks pay A's wallet: mature coins for the load generator.
WALLET_BLOCKS = 300
DISCONNECT_TIMEOUT_S = 15
# Peak resident memory the node may reach over the whole run. Its steady state here is about
# 20 MiB; a parser that allocated what a hostile length field claims (4 GB), or
# buffered a flood, would blow through it.
PEAK_MEMORY_LIMIT_MB = 200
SYNC_TIMEOUT_S = 60


def peer_addrs(node):
    return {p["addr"] for p in node.call("getpeerinfo")}


def local_addr(peer):
    host, port = peer.sock.getsockname()[:2]
    return f"{host}:{port}"


class Suite:
    def __init__(self, r, node, honest):
        self.r = r
        self.node = node
        self.honest = honest
        self.peers = []
        # (txid, value, height) of an OP_TRUE coinbase output of ours, for spends in later cases.
        self.op_true_coin = None

    def connect(self):
        p = pp.P2PPeer(self.node.p2p_port)
        self.peers.append(p)
        return p

    def close_all(self):
        for p in self.peers:
            p.close()
        self.peers = []

    def handshaken(self, what):
        p = self.connect()
        ok = p.handshake(start_height=0)
        self.r.check(ok, f"{what}: handshake")
        return p

    def expect_disconnect(self, p, what):
        self.r.check(p.wait_for_disconnect(DISCONNECT_TIMEOUT_S), f"{what}: the node disconnects us")

    def after(self, case):
        """The node survived: it runs, answers RPC, and the honest peer syncs a fresh block."""
        self.close_all()
        self.r.check(self.node.running(), f"{case}: the node has not crashed")
        try:
            before = self.node.call("getblockcount")
            new = self.node.call("generatetoaddress", 1, ADDRESS)[0]
        except (OSError, RpcError) as e:
            self.r.fail(f"{case}: the node answers RPC ({e})")
            return
        self.r.check(self.node.call("getblockcount") == before + 1, f"{case}: getblockcount answers and grows")
        peak = memory_mb(self.node.proc.pid, "VmHWM")
        self.r.check(peak < PEAK_MEMORY_LIMIT_MB,
                     f"{case}: memory stays bounded (now {memory_mb(self.node.proc.pid, 'VmRSS'):.0f} MiB, "
                     f"peak {peak:.0f} MiB, limit {PEAK_MEMORY_LIMIT_MB})")
        print(f"  {case}: RSS {memory_mb(self.node.proc.pid, 'VmRSS'):.0f} MiB, peak {peak:.0f} MiB", flush=True)

        def synced():
            try:
                return self.honest.call("getbestblockhash") == new
            except (OSError, RpcError):
                return False
        self.r.check(poll(synced, SYNC_TIMEOUT_S), f"{case}: the honest peer syncs the new block {new[:16]}…")


def control(s):
    r, node = s.r, s.node
    p = s.connect()
    p.send_msg("version", pp.version_payload(start_height=0))
    r.check(p.wait_for("verack", 10) is not None, "control: the node answers our version with a verack")
    cmds = p.commands()
    r.check(cmds[:1] == ["version"], f"control: the node's version comes first ({cmds})")
    r.check("wtxidrelay" in cmds and "sendaddrv2" in cmds and
            cmds.index("wtxidrelay") < cmds.index("verack") and cmds.index("sendaddrv2") < cmds.index("verack"),
            f"control: wtxidrelay and sendaddrv2 before verack ({cmds})")
    p.send_msg("verack")
    for c in ("sendheaders", "feefilter", "getheaders"):
        r.check(p.wait_for(c, 10) is not None, f"control: after our verack the node sends {c}")
    r.check(p.ping(), "control: ping answered by the matching pong")

    genesis = node.call("getblockhash", 0)
    height = node.call("getblockcount")
    after = len(p.messages)
    p.send_msg("getheaders", pp.getheaders_payload([pp.hash_from_hex(genesis)]))
    msg = p.wait_for("headers", 10, after=after)
    got = pp.parse_headers(msg.payload) if msg else []
    want = min(height, pp.MAX_HEADERS_RESULTS)
    r.check(len(got) == want, f"control: getheaders from genesis returns {want} headers (got {len(got)})")
    if got:
        r.check(got[0][4:36] == pp.hash_from_hex(genesis), "control: the first header builds on genesis")
        r.check(pp.hash_to_hex(pp.header_hash(got[0])) == node.call("getblockhash", 1) and
                pp.hash_to_hex(pp.header_hash(got[-1])) == node.call("getblockhash", len(got)),
                "control: the headers are the node's blocks 1..n")

    # A valid block of ours on the tip is accepted: the block builder is right, so the invalid
    # blocks below are refused for what is wrong with them and nothing else.
    prev, h, ntime = pp.tip_info(node)
    block, bhash = pp.build_block(prev, h + 1, ntime)
    p.send_msg("block", block)
    r.check(poll(lambda: node.call("getbestblockhash") == pp.hash_to_hex(bhash), 10),
            "control: a valid block of ours on the tip becomes the tip")
    s.op_true_coin = (pp.sha256d(pp.coinbase_tx(h + 1)), pp.block_subsidy(h + 1), h + 1)
    r.check(p.ping(), "control: still connected after giving a valid block")
    s.after("control")


def bad_checksum(s):
    p = s.handshaken("bad checksum")
    payload = struct.pack("<Q", 1234)
    good = pp.checksum(payload)
    wrong = bytes([good[0] ^ 0xFF]) + good[1:]
    p.send_raw(pp.frame_header("ping", len(payload), wrong) + payload)
    s.expect_disconnect(p, "bad checksum")
    s.after("bad checksum")


def oversized(s):
    r, node = s.r, s.node
    for length, handshake in ((4_000_001, True), (0xFFFFFFFF, False)):
        what = f"length field {length}"
        p = s.handshaken(what) if handshake else s.connect()
        addr = local_addr(p)
        # Only the 24-byte header: the node must act on it without waiting for (or allocating) a payload.
        p.send_raw(pp.frame_header("ping", length, b"\x00" * 4))
        s.expect_disconnect(p, what)
        r.check(poll(lambda: addr not in peer_addrs(node), 10), f"{what}: getpeerinfo no longer lists us")
    s.after("oversized length")


def truncated(s):
    r, node = s.r, s.node
    p = s.handshaken("truncated payload")
    addr = local_addr(p)
    p.send_raw(pp.frame_header("ping", 100, b"\x00" * 4) + b"\x00" * 10)
    p.close()
    r.check(poll(lambda: addr not in peer_addrs(node), 10),
            "truncated payload then close: the node forgets the connection")

    p = s.connect()
    cut = pp.version_payload()[:50]
    p.send_msg("version", cut)
    s.expect_disconnect(p, "a version payload cut at 50 bytes")
    r.check(p.wait_for("verack", 0) is None, "a cut version is not answered with a verack")
    s.after("truncated messages")


def unknown_flood(s):
    r = s.r
    p = s.handshaken("unknown commands")
    p.send_raw(pp.frame("foobar", b"") * 1000)
    r.check(p.ping(), "1,000 unknown messages are tolerated (ping still answered)")
    p.send_raw(pp.frame("foobar", b"\x01\x02") * 1000)
    s.expect_disconnect(p, "2,000 unknown messages")
    s.after("unknown command flood")


def unconnecting_headers(s):
    r = s.r
    p = s.handshaken("unconnecting headers")
    rng = random.Random(7)

    def send_one():
        h = pp.grind_header(pp.BLOCK_VERSION, rng.randbytes(32), rng.randbytes(32), int(time.time()))
        p.send_msg("headers", pp.headers_payload([h]))
    for _ in range(10):
        send_one()
    r.check(p.ping(), "10 headers messages that do not connect are tolerated")
    send_one()
    s.expect_disconnect(p, "the 11th headers message that does not connect")
    s.after("unconnecting headers")


def invalid_blocks(s):
    r, node = s.r, s.node
    # A block whose merkle root does not match may be a mutated copy of a valid block: its header
    # must not be marked invalid (headers-only or unknown is right). A coinbase paying too much
    # is invalid for good.
    for what, kwargs, statuses in (("bad merkle root", {"bad_merkle": True}, (None, "headers-only")),
                                   ("coinbase paying 51 BTC", {"coinbase_value": 51 * pp.COIN}, (None, "invalid"))):
        p = s.handshaken(what)
        best = node.call("getbestblockhash")
        prev, h, ntime = pp.tip_info(node)
        block, bhash = pp.build_block(prev, h + 1, ntime, **kwargs)
        p.send_msg("block", block)
        s.expect_disconnect(p, f"block with a {what}")
        r.check(node.call("getbestblockhash") == best, f"block with a {what}: the tip is unchanged")
        tips = {t["hash"]: t["status"] for t in node.call("getchaintips")}
        status = tips.get(pp.hash_to_hex(bhash))
        r.check(status in statuses, f"block with a {what}: chain tip status in {statuses} (got {status})")
    s.after("invalid blocks")


def mutated_block(s):
    """CVE-2012-2459: [cb, t1, t2, t2] has the merkle root of the valid [cb, t1, t2]. The node
    must refuse the mutated copy without condemning the header, then take the real block."""
    r, node = s.r, s.node
    if s.op_true_coin is None:
        r.fail("mutated block: no OP_TRUE coin from the control case")
        return
    cb_txid, cb_value, cb_height = s.op_true_coin
    # Coinbase maturity: spendable in a block 100 above the coinbase's.
    need = cb_height + 100 - (node.call("getblockcount") + 1)
    if need > 0:
        node.call("generatetoaddress", need, ADDRESS)
    pad = b"\x08" + b"\x00" * 8  # a push so each tx is over 64 bytes; OP_TRUE still ends on top
    t1 = pp.ser_tx([(cb_txid, 0, pad, 0xFFFFFFFF)], [(cb_value, pp.OP_TRUE)])
    t2 = pp.ser_tx([(pp.sha256d(t1), 0, pad, 0xFFFFFFFF)], [(cb_value, pp.OP_TRUE)])
    best = node.call("getbestblockhash")
    prev, h, ntime = pp.tip_info(node)
    bad, bad_hash = pp.build_block(prev, h + 1, ntime, txs=[t1, t2], duplicate_last=True)
    good, good_hash = pp.build_block(prev, h + 1, ntime, txs=[t1, t2])
    r.check(bad_hash == good_hash, "mutated block: the duplicated-tx copy has the valid block's hash")
    p = s.handshaken("mutated block")
    p.send_msg("block", bad)
    s.expect_disconnect(p, "mutated block (duplicate transaction)")
    r.check(node.call("getbestblockhash") == best, "mutated block: the tip is unchanged")
    status = {t["hash"]: t["status"] for t in node.call("getchaintips")}.get(pp.hash_to_hex(good_hash))
    r.check(status != "invalid", f"mutated block: the header is not marked invalid (status {status})")
    p = s.handshaken("the real block after its mutated copy")
    p.send_msg("block", good)
    r.check(poll(lambda: node.call("getbestblockhash") == pp.hash_to_hex(good_hash), 10),
            "mutated block: the real block with the same hash is then accepted as the tip")
    r.check(p.ping(), "mutated block: the peer giving the real block stays connected")
    s.after("mutated block")


def low_work_headers(s):
    r, node = s.r, s.node
    count_before = node.call("getblockcount")
    genesis = node.call("getblockhash", 0)
    gtime = node.call("getblockheader", genesis)["time"]
    for n, seed in ((pp.MAX_HEADERS_RESULTS, 1), (pp.MAX_HEADERS_RESULTS - 1, 2)):
        what = f"{n} low-work headers from genesis"
        headers = pp.build_header_chain(pp.hash_from_hex(genesis), gtime, n, seed=seed)
        p = s.handshaken(what)
        after = len(p.messages)
        p.send_msg("headers", pp.headers_payload(headers))
        if n == pp.MAX_HEADERS_RESULTS:
            # A full message: the node should ask for more from our last header (presync).
            last = pp.header_hash(headers[-1])
            more = p.wait_for("getheaders", 10, after=after, match=lambda m: last in m.payload[:200])
            r.check(more is not None, f"{what}: the node asks for the headers after our last one")
            p.send_msg("headers", pp.headers_payload([]))
        # The ping is a barrier: the node handles one peer's messages in order.
        r.check(p.ping(15), f"{what}: a low-work chain is not misbehaviour (ping answered)")
        tips = node.call("getchaintips")
        r.check(not any(t["height"] in (n - 1, n) for t in tips),
                f"{what}: getchaintips has no tip at height {n} ({[t['height'] for t in tips]})")
        for idx in (0, n - 1):
            hh = pp.hash_to_hex(pp.header_hash(headers[idx]))
            try:
                node.call("getblockheader", hh)
                stored = True
            except RpcError:
                stored = False
            r.check(not stored, f"{what}: header {idx + 1} was not stored")
        r.check(node.call("getblockcount") == count_before, f"{what}: getblockcount unchanged")
        p.close()
    s.after("low-work headers")


def connection_storm(s, honest_count):
    r, node = s.r, s.node
    rng = random.Random(11)
    refused = 0
    batch = []
    for i in range(1000):
        try:
            c = socket.create_connection(("127.0.0.1", node.p2p_port), timeout=5)
        except OSError:
            refused += 1
            continue
        try:
            kind = i % 4
            if kind == 1:
                c.sendall(rng.randbytes(rng.randint(1, 200)))
            elif kind == 2:
                c.sendall(pp.REGTEST_MAGIC + rng.randbytes(rng.randint(1, 40)))
                # Close with a reset rather than a FIN.
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            elif kind == 3:
                c.sendall(pp.frame("version", pp.version_payload()))
        except OSError:
            pass
        batch.append(c)
        if len(batch) >= 50:
            for b in batch:
                b.close()
            batch = []
    for b in batch:
        b.close()
    r.check(refused < 1000, f"a thousand connections: the port accepted connections ({refused} refused)")
    try:
        node.call("getblockcount")
        answers = True
    except (OSError, RpcError):
        answers = False
    r.check(answers, "a thousand connections: the node answers RPC")
    counts = []

    def back():
        counts.append(node.call("getconnectioncount"))
        return counts[-1] == honest_count
    r.check(poll(back, 30, 0.2), f"a thousand connections: getconnectioncount back to {honest_count} "
                                 f"(last {counts[-1] if counts else None})")
    s.after("a thousand connections")



def body(r, opts, tmp):
    node = NodeProcess(opts.tonari, os.path.join(tmp, "a"), ["-debug=net"])
    honest = NodeProcess(opts.tonari, os.path.join(tmp, "b"), ["-debug=net"])
    syncer = NodeProcess(opts.tonari, os.path.join(tmp, "c"))
    s = None
    load = None
    try:
        node.start()
        honest.start(f"-connect=127.0.0.1:{node.p2p_port}")
        r.check(poll(lambda: node.call("getconnectioncount") == 1, 30),
                "the honest peer connects to the node")
        node.call("createwallet", "w")
        node.call("generatetoaddress", WALLET_BLOCKS, node.call("getnewaddress"))
        for start in range(WALLET_BLOCKS, CHAIN_LENGTH, 500):
            node.call("generatetoaddress", min(500, CHAIN_LENGTH - start), ADDRESS)
        tip = node.call("getbestblockhash")
        r.check(poll(lambda: honest.call("getbestblockhash") == tip, SYNC_TIMEOUT_S),
                f"the honest peer syncs the node's {CHAIN_LENGTH} blocks")
        s = Suite(r, node, honest)
        load = Load(node)
        syncer.start(f"-connect=127.0.0.1:{node.p2p_port}")
        for case in (control, bad_checksum, oversized, truncated, unknown_flood, unconnecting_headers,
                     invalid_blocks, mutated_block, low_work_headers):
            case(s)
        connection_storm(s, 2)  # the honest node and the syncing one
        load.stop()
        r.check(len(load.sent) >= 10 and not load.errors,
                f"the load generator's {len(load.sent)} payments were all accepted meanwhile ({load.errors[:3]})")
        final = node.call("generatetoaddress", 1, ADDRESS)[0]
        r.check(all(node.call("gettransaction", t)["confirmations"] >= 1 for t in load.sent),
                "every payment is in a block")
        r.check(poll(lambda: syncer.call("getbestblockhash") == final, SYNC_TIMEOUT_S),
                "the node started empty during the attacks downloaded the whole chain")
        node.call("stop")
        r.check(node.wait_exit() == 0, "after all that the node stops cleanly (exit 0)")
    finally:
        if load:
            load.stop()
        if s is not None:
            s.close_all()
        if r.failures:
            print("--- node A debug.log (tail) ---")
            print(node.log_tail())
        syncer.kill()
        honest.kill()
        node.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-p2p-"))
