#!/usr/bin/env python3
"""Floods a peer can send for free must cost the node bounded memory, and the node goes on.

One node under load, an honest second node `-connect`ed to it, and a scripted peer that sends:
  * an inv flood: 40 messages of 50,000 transaction announcements (2 million random wtxids);
    the node asks for at most MAX_PEER_TX_REQUESTS (5,000) of them from this peer;
  * a getdata flood: 40 messages of 50,000 requests for transactions nobody has; the node
    answers them with notfound and buffers nothing without bound;
  * an orphan flood: 3,000 valid-looking transactions of about 90 kB spending outputs nobody
    has (270 MB in all); the orphanage keeps at most DEFAULT_MAX_ORPHANS (100);
After each flood the node answers RPC, its peak resident memory stays under 200 MiB (its steady
state here is about 20 MiB), and the honest node still receives a newly mined block.

The floods run while the node also works: a load generator sends a payment from its wallet every
0.1 s (each one accepted, relayed to the honest node while the floods go on, and mined at the
end), and as each flood begins a fresh node starts empty and downloads the whole chain from it
(it must reach the tip, as the honest node must).
"""
import os
import random
import struct
import sys
import time

import p2p_peer as pp
from checks import memory_mb, poll, run_test
from load_generator import Load
from node_process import NodeProcess, RpcError
from op_true_coins import P2WSH_OP_TRUE, op_return

ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"  # BIP173's regtest P2WPKH example
PEAK_MEMORY_LIMIT_MB = 200
FLOOD_MESSAGES = 40
MAX_INV = 50_000
MSG_WTX = 5
MSG_WITNESS_TX = 0x40000001
MAX_PEER_TX_REQUESTS = 5_000
ORPHANS = 3_000
ORPHAN_DATA_BYTES = 90_000
MAX_ORPHANS = 100
SYNC_TIMEOUT_S = 60
# Blocks mined to the node's wallet before the floods: 200 mature coins for the load generator,
# and a chain for the syncing node to download.
WALLET_BLOCKS = 300


def inv_payload(kind, hashes):
    return pp.ser_compact_size(len(hashes)) + b"".join(struct.pack("<I", kind) + h for h in hashes)


def requested_items(peer, kind):
    """How many items of `kind` the node asked us for in getdata messages."""
    with peer.cond:
        return requested_items_locked(peer, kind)


def requested_items_locked(peer, kind):
    total = 0
    for m in [m for m in peer.messages if m.command == "getdata"]:
        count, off = pp.read_compact_size(m.payload, 0)
        for i in range(count):
            t, = struct.unpack_from("<I", m.payload, off + 36 * i)
            total += 1 if t == kind else 0
    return total


# Two pushes (one push holds at most 65,535 bytes).
ORPHAN_DATA = op_return(ORPHAN_DATA_BYTES // 2) + op_return(ORPHAN_DATA_BYTES // 2)[1:]


def orphan_tx(rng):
    """A standard-looking segwit spend of an output nobody has, carrying ~90 kB of OP_RETURN
    data: it can only be an orphan, and 3,000 of them kept would take 270 MB."""
    prev = rng.randbytes(32)
    witness_script = b"\x51"
    body = struct.pack("<i", 2) + b"\x00\x01" + b"\x01" + prev + struct.pack("<I", 0) + b"\x00" + \
        struct.pack("<I", 0xFFFFFFFD) + b"\x02" + struct.pack("<q", 10_000) + pp.ser_string(P2WSH_OP_TRUE) + \
        struct.pack("<q", 0) + pp.ser_string(ORPHAN_DATA)
    witness = b"\x01" + pp.ser_string(witness_script)
    return body + witness + struct.pack("<I", 0)


class Checker:
    def __init__(self, r, node, honest):
        self.r, self.node, self.honest = r, node, honest
        self.syncer = None  # the node started empty as this flood began

    def after(self, case):
        r, node = self.r, self.node
        r.check(node.running(), f"{case}: the node has not crashed")
        try:
            new = node.call("generatetoaddress", 1, ADDRESS)[0]
        except (OSError, RpcError) as e:
            r.fail(f"{case}: the node answers RPC ({e})")
            return
        peak = memory_mb(node.proc.pid, "VmHWM")
        rss = memory_mb(node.proc.pid, "VmRSS")
        r.check(peak < PEAK_MEMORY_LIMIT_MB, f"{case}: peak memory {peak:.0f} MiB under {PEAK_MEMORY_LIMIT_MB}")
        print(f"  {case}: RSS {rss:.0f} MiB, peak {peak:.0f} MiB", flush=True)

        def synced(peer):
            try:
                return peer.call("getbestblockhash") == new
            except (OSError, RpcError):
                return False
        r.check(poll(lambda: synced(self.honest), SYNC_TIMEOUT_S), f"{case}: the honest node still gets new blocks")
        if self.syncer:
            r.check(poll(lambda: synced(self.syncer), SYNC_TIMEOUT_S),
                    f"{case}: the node that started empty beside it downloaded the whole chain")
            self.syncer.kill()
            self.syncer = None

    def start_syncer(self, node_dir):
        self.syncer = NodeProcess(self.node.tonari, node_dir)
        self.syncer.start(f"-connect=127.0.0.1:{self.node.p2p_port}")
        return self.syncer


def body(r, opts, tmp):
    node = NodeProcess(opts.tonari, os.path.join(tmp, "a"))
    honest = NodeProcess(opts.tonari, os.path.join(tmp, "b"))
    peers = []
    load = None
    check = None
    rng = random.Random(5)
    try:
        node.start()
        honest.start(f"-connect=127.0.0.1:{node.p2p_port}")
        r.check(poll(lambda: node.call("getconnectioncount") == 1, 30), "the honest node connects")
        # Out of initial block download (or the node ignores transaction announcements), with
        # coins for the load generator.
        node.call("createwallet", "w")
        node.call("generatetoaddress", WALLET_BLOCKS, node.call("getnewaddress"))
        check = Checker(r, node, honest)
        load = Load(node)

        # inv flood
        check.start_syncer(os.path.join(tmp, "sync-inv"))
        p = pp.P2PPeer(node.p2p_port)
        peers.append(p)
        # A peer that announces by wtxid says so before its verack (BIP339).
        p.send_msg("version", pp.version_payload(start_height=0))
        r.check(p.wait_for("verack", 10) is not None, "inv flood: handshake")
        p.send_msg("wtxidrelay")
        p.send_msg("verack")
        r.check(p.ping(), "inv flood: the handshake completes")
        started = time.monotonic()
        for _ in range(FLOOD_MESSAGES):
            if not p.send_msg("inv", inv_payload(MSG_WTX, [rng.randbytes(32) for _ in range(MAX_INV)])):
                break
        r.check(p.ping(60), f"inv flood: {FLOOD_MESSAGES * MAX_INV:,} announcements taken, the peer still answered")
        # Requests to an inbound peer wait a couple of seconds (others may announce too).
        p.wait_until(lambda: requested_items_locked(p, MSG_WTX) >= MAX_PEER_TX_REQUESTS, 15)
        asked = requested_items(p, MSG_WTX)
        print(f"  inv flood: sent in {time.monotonic() - started:.1f}s, node asked for {asked} of them", flush=True)
        r.check(0 < asked <= MAX_PEER_TX_REQUESTS,
                f"inv flood: the node asked for {asked} transactions (at most {MAX_PEER_TX_REQUESTS})")
        # Nothing is mined until check.after: a payment made now stays in the mempools.
        during = load.sent[-1] if load.sent else None
        r.check(during is not None and poll(lambda: during in honest.call("getrawmempool"), SYNC_TIMEOUT_S),
                "inv flood: a payment made meanwhile was relayed to the honest node")
        p.close()
        check.after("inv flood")

        # getdata flood
        check.start_syncer(os.path.join(tmp, "sync-getdata"))
        p = pp.P2PPeer(node.p2p_port)
        peers.append(p)
        r.check(p.handshake(start_height=0), "getdata flood: handshake")
        for _ in range(FLOOD_MESSAGES):
            if not p.send_msg("getdata", inv_payload(MSG_WTX, [rng.randbytes(32) for _ in range(MAX_INV)])):
                break
        answered = p.ping(120)
        notfound = sum(1 for m in p.messages if m.command == "notfound")
        r.check(answered or p.closed, "getdata flood: the node either answered all of it or hung up")
        print(f"  getdata flood: {notfound} notfound messages, {'answered' if answered else 'disconnected'}",
              flush=True)
        p.close()
        check.after("getdata flood")

        # orphan flood
        check.start_syncer(os.path.join(tmp, "sync-orphan"))
        p = pp.P2PPeer(node.p2p_port)
        peers.append(p)
        r.check(p.handshake(start_height=0), "orphan flood: handshake")
        for _ in range(ORPHANS):
            if not p.send_msg("tx", orphan_tx(rng)):
                break
        r.check(p.ping(60) or p.closed, "orphan flood: taken")
        # Each orphan taken in makes the node ask its sender for the missing parent.
        parents = requested_items(p, MSG_WITNESS_TX)
        print(f"  orphan flood: the node asked for {parents} missing parents", flush=True)
        r.check(parents > MAX_ORPHANS, f"orphan flood: the transactions were handled as orphans ({parents} parents asked)")
        strays = set(node.call("getrawmempool")) - set(load.sent)
        r.check(not strays, f"orphan flood: none of it entered the mempool ({len(strays)})")
        p.close()
        check.after("orphan flood")

        # The work done beside the floods.
        load.stop()
        r.check(len(load.sent) >= 10 and not load.errors,
                f"the load generator's {len(load.sent)} payments were all accepted during the floods ({load.errors[:3]})")
        node.call("generatetoaddress", 1, ADDRESS)
        r.check(all(node.call("gettransaction", t)["confirmations"] >= 1 for t in load.sent) and
                node.call("getmempoolinfo")["size"] == 0, "every payment is in a block")
        node.call("stop")
        r.check(node.wait_exit() == 0, "after the floods the node stops cleanly (exit 0)")
    finally:
        if load:
            load.stop()
        for p in peers:
            p.close()
        if check and check.syncer:
            check.syncer.kill()
        honest.kill()
        node.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-flood-"))
