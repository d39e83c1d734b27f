#!/usr/bin/python3
"""ZMQ notifications as Bitcoin Core publishes them, read by python3-zmq (libzmq's Python
binding, what Core's own functional tests subscribe with).

A node publishes every topic (hashblock, hashtx, rawblock, rawtx, sequence) on one address,
which they share as in Core, and rawtx again on a second address with its own high-water mark;
getzmqnotifications lists them. A subscriber then checks, message by message: each message is
three frames (topic, body, a little-endian counter that rises by one per message of that
notifier); a block brings hashtx/rawtx for its transactions, sequence 'C', then hashblock and
rawblock equal to getbestblockhash and getblock(...,0); a transaction entering the mempool
brings hashtx, rawtx (the node's own hex) and sequence 'A' with the mempool sequence number
getrawmempool reports; a replacement brings 'R' for the one it evicts; invalidateblock brings
'D' and the transactions back ('A'); mining a mempool transaction brings no 'R'.

Runs with Debian's /usr/bin/python3 (the one that sees python3-zmq).
"""
import os
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "functional"))

import zmq  # noqa: E402  (python3-zmq)

from checks import run_test  # noqa: E402
from node_process import NodeProcess, free_port  # noqa: E402
from op_true_coins import OP_TRUE_SCRIPT, P2WSH_OP_TRUE, mined_coins, spend  # noqa: E402

TOPICS = ["hashblock", "hashtx", "rawblock", "rawtx", "sequence"]
TIMEOUT_S = 20


class Subscriber:
    def __init__(self, ctx, address):
        self.sock = ctx.socket(zmq.SUB)
        self.sock.setsockopt(zmq.SUBSCRIBE, b"")
        self.sock.setsockopt(zmq.RCVTIMEO, 200)
        self.sock.connect(address)
        self.counters = {}
        self.gaps = []

    def recv(self, timeout=TIMEOUT_S):
        """One message as (topic, body); None when nothing comes within the timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                frames = self.sock.recv_multipart()
            except zmq.Again:
                continue
            topic, body, seq = frames[0].decode(), frames[1], struct.unpack("<I", frames[2])[0]
            if len(frames) != 3:
                self.gaps.append(f"{len(frames)} frames")
            expected = self.counters.get(topic)
            if expected is not None and seq != expected:
                self.gaps.append(f"{topic}: counter {seq}, expected {expected}")
            self.counters[topic] = seq + 1
            return topic, body
        return None

    def wait_for(self, pred, timeout=TIMEOUT_S):
        """Reads until a message satisfies pred(topic, body); False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = self.recv(max(0.1, deadline - time.monotonic()))
            if m is not None and pred(*m):
                return True
        return False

    def until(self, pred, timeout=TIMEOUT_S):
        """Every message up to and including the first that satisfies pred(topic, body)."""
        out = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = self.recv(max(0.1, deadline - time.monotonic()))
            if m is None:
                continue
            out.append(m)
            if pred(*m):
                break
        return out

    def drain(self, quiet=0.5):
        out = []
        while (m := self.recv(quiet)) is not None:
            out.append(m)
        return out


def seq_msg(body):
    h = body[:32].hex()
    label = chr(body[32])
    number = struct.unpack("<Q", body[33:41])[0] if len(body) == 41 else None
    return h, label, number


def body(r, opts, tmp):
    shared = f"tcp://127.0.0.1:{free_port()}"
    second = f"tcp://127.0.0.1:{free_port()}"
    args = ["-connect=0", "-listen=0", f"-zmqpubrawtx={second}", "-zmqpubrawtxhwm=50"]
    args += [f"-zmqpub{t}={shared}" for t in TOPICS]
    node = NodeProcess(opts.tonari, os.path.join(tmp, "n"), args)
    ctx = zmq.Context()
    try:
        node.start()
        listed = node.call("getzmqnotifications")
        got = sorted((e["type"], e["address"], e["hwm"]) for e in listed)
        # -zmqpubrawtxhwm applies to every rawtx notifier, as in Core.
        want = sorted([(f"pub{t}", shared, 50 if t == "rawtx" else 1000) for t in TOPICS] + [("pubrawtx", second, 50)])
        r.check(got == want, f"getzmqnotifications lists every notifier: {listed}")

        sub = Subscriber(ctx, shared)
        sub2 = Subscriber(ctx, second)
        address = node.call("decodescript", OP_TRUE_SCRIPT.hex())["segwit"]["address"]
        # A subscriber's first messages are lost until its connection is set up (ZMQ's slow
        # joiner): mine until one arrives, then every later one is kept.
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline and not any(t == "hashblock" for t, _ in sub.drain(0.2)):
            node.call("generatetoaddress", 1, address)
        while time.monotonic() < deadline and not sub2.drain(0.2):
            node.call("generatetoaddress", 1, address)
        node.call("generatetoaddress", 101, address)
        # During that burst a publisher may drop messages past its high-water mark (the second
        # address's is 50, on purpose). A marker block, waited for on both subscribers, shows
        # the burst has been delivered; from then on every message must arrive.
        # A marker can itself be dropped while a queue is still full, so mark until one arrives.
        marked = False
        for _ in range(10):
            marker = node.call("generatetoaddress", 1, address)[0]
            marker_cb = node.call("getblock", marker, 2)["tx"][0]["hex"]
            marker_raw = node.call("getblock", marker, 0)
            # rawblock is the last message a block brings on the shared address.
            if (sub.wait_for(lambda t, b: t == "rawblock" and b.hex() == marker_raw, 5) and
                    sub2.wait_for(lambda t, b: t == "rawtx" and b.hex() == marker_cb, 5)):
                marked = True
                break
        r.check(marked, "a marker block arrives on both addresses after the burst")
        for s in (sub, sub2):
            s.counters.clear()
            s.gaps.clear()

        # --- a block ---
        best = node.call("generatetoaddress", 1, address)[0]
        block_hex = node.call("getblock", best, 0)
        msgs = sub.until(lambda t, b: t == "rawblock" and b.hex() == block_hex)
        coinbase = node.call("getblock", best, 1)["tx"][0]
        topics = [t for t, _ in msgs]
        r.check(topics == ["hashtx", "rawtx", "sequence", "hashblock", "rawblock"],
                f"a block: its transaction, sequence C, then the block: {topics}")
        by_topic = dict(msgs)
        r.check(by_topic.get("hashtx", b"").hex() == coinbase, "hashtx is the coinbase txid (display order)")
        r.check(seq_msg(by_topic["sequence"]) == (best, "C", None), "sequence: block hash, 'C'")
        r.check(by_topic.get("hashblock", b"").hex() == best, "hashblock is getbestblockhash")
        r.check(by_topic.get("rawblock", b"").hex() == block_hex, "rawblock is getblock(hash, 0)")
        coinbase_hex = node.call("getblock", best, 2)["tx"][0]["hex"]
        msgs2 = sub2.until(lambda t, b: t == "rawtx" and b.hex() == coinbase_hex)
        r.check([t for t, _ in msgs2] == ["rawtx"], f"the second address has rawtx only: {[t for t, _ in msgs2]}")

        # --- the mempool: acceptance, replacement ---
        coins = mined_coins(node, 1, 3)
        (coin, value) = coins[0]
        first, _ = spend(coin, [(value - 1000, P2WSH_OP_TRUE)])
        txid1 = node.call("sendrawtransaction", first)
        mempool_seq = node.call("getrawmempool", False, True)["mempool_sequence"]
        msgs = sub.until(lambda t, b: t == "sequence" and seq_msg(b)[1] == "A")
        r.check([t for t, _ in msgs] == ["hashtx", "rawtx", "sequence"], f"acceptance: {[t for t, _ in msgs]}")
        by_topic = dict(msgs)
        r.check(by_topic["rawtx"].hex() == first, "rawtx is the transaction as sent")
        r.check(seq_msg(by_topic["sequence"]) == (txid1, "A", mempool_seq - 1),
                f"sequence A with the mempool sequence number: {seq_msg(by_topic['sequence'])}, next {mempool_seq}")
        replacement, _ = spend(coin, [(value - 5000, P2WSH_OP_TRUE)])
        txid2 = node.call("sendrawtransaction", replacement)
        msgs = sub.until(lambda t, b: t == "sequence" and seq_msg(b)[:2] == (txid2, "A"))
        seqs = [seq_msg(b) for t, b in msgs if t == "sequence"]
        r.check((txid1, "R", mempool_seq) in seqs and (txid2, "A", mempool_seq + 1) in seqs,
                f"a replacement: R for the old ({mempool_seq}), A for the new: {seqs}")

        # --- mined: no R; invalidated: D and back in the mempool ---
        mined = node.call("generatetoaddress", 1, address)[0]
        msgs = sub.until(lambda t, b: t == "hashblock" and b.hex() == mined)
        seqs = [seq_msg(b) for t, b in msgs if t == "sequence"]
        r.check(not any(label == "R" for _, label, _ in seqs), f"a mined transaction is not 'removed': {seqs}")
        r.check(txid2 in [b.hex() for t, b in msgs if t == "hashtx"], "its hashtx comes with the block")
        node.call("invalidateblock", mined)
        msgs = sub.until(lambda t, b: t == "sequence" and seq_msg(b)[:2] == (txid2, "A"))
        seqs = [seq_msg(b) for t, b in msgs if t == "sequence"]
        r.check((mined, "D", None) in seqs, f"invalidateblock: D for the block: {seqs}")
        r.check(any(h == txid2 and label == "A" for h, label, _ in seqs), "its transaction back in the mempool: A")
        r.check("hashblock" not in [t for t, _ in msgs], "no hashblock when blocks are only disconnected (as Core)")
        node.call("reconsiderblock", mined)
        msgs = sub.until(lambda t, b: t == "hashblock" and b.hex() == mined)
        r.check(("hashblock", bytes.fromhex(mined)) in msgs, "reconsiderblock: hashblock for the restored tip")
        r.check(not sub.gaps and not sub2.gaps, f"every counter rose by one per message: {sub.gaps + sub2.gaps}")
    finally:
        ctx.destroy(linger=0)
        if r.failures:
            print(node.log_tail(20))
        node.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-zmq-"))
