#!/usr/bin/env python3
"""Transaction download falls back to other announcers.

A node fetches an announced transaction from the first peer that announced it and remembers
the others. When that peer answers `notfound`, or disconnects without answering, the node
asks the next announcer at once, and the transaction still reaches the mempool. Scripted peers
(p2p_peer.py) announce standard transactions of their own coins (P2SH of OP_TRUE).
"""
import os
import struct
import sys

from checks import run_test
from node_process import NodeProcess, wait_until
import p2p_peer as pp

ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"
MSG_TX = 1
MSG_WITNESS_TX = 0x40000001



def inv_payload(txid, kind=MSG_TX):
    return pp.ser_compact_size(1) + struct.pack("<I", kind) + txid


def asks_for(peer, txid, after=0, timeout=10):
    """The node's getdata for `txid` sent to `peer` (at message index ≥ after), or None."""
    return peer.wait_for("getdata", timeout, after=after,
                         match=lambda m: m.payload[5:37] == txid and
                         struct.unpack_from("<I", m.payload, 1)[0] in (MSG_TX, MSG_WITNESS_TX))


def body(r, opts, tmp):
    peers = []
    node = NodeProcess(opts.tonari, os.path.join(tmp, "n"), ["-debug=net"])
    try:
        node.start()

        def connect():
            p = pp.P2PPeer(node.p2p_port)
            peers.append(p)
            r.check(p.handshake(), "handshake")
            return p

        # A recent tip first, so the node is out of initial download and takes transactions.
        node.call("generatetoaddress", 1, ADDRESS)
        miner = pp.Miner(node)
        x, y = connect(), connect()
        for _ in range(102):
            block, bhash, coinbase = miner.block()
            x.send_msg("block", block)
            miner.advance(bhash, coinbase)
        r.check(wait_until(lambda: node.call("getbestblockhash") == pp.hash_to_hex(miner.prev), 30),
                "the peer's 102 blocks are taken")

        # 1. The first announcer answers notfound: the second is asked.
        tx = miner.spend()
        txid = pp.sha256d(tx)
        x.send_msg("inv", inv_payload(txid))
        r.check(asks_for(x, txid) is not None, "the node asks the first announcer")
        y.send_msg("inv", inv_payload(txid))
        r.check(y.ping(), "the second announcement is processed")
        r.check(asks_for(y, txid, timeout=0) is None, "while the first is being asked, the second is not")
        mark = len(y.messages)
        x.send_msg("notfound", inv_payload(txid, MSG_WITNESS_TX))
        r.check(asks_for(y, txid, after=mark) is not None, "after notfound the node asks the second announcer")
        y.send_msg("tx", tx)
        r.check(wait_until(lambda: pp.hash_to_hex(txid) in node.call("getrawmempool"), 10),
                "the transaction from the second announcer enters the mempool")

        # 2. The first announcer disconnects without answering.
        tx = miner.spend()
        txid = pp.sha256d(tx)
        z = connect()
        z.send_msg("inv", inv_payload(txid))
        r.check(asks_for(z, txid) is not None, "the node asks the new first announcer")
        y.send_msg("inv", inv_payload(txid))
        r.check(y.ping(), "the second announcement is processed")
        mark = len(y.messages)
        z.close()
        r.check(asks_for(y, txid, after=mark) is not None, "after a disconnect the node asks the next announcer")
        y.send_msg("tx", tx)
        r.check(wait_until(lambda: pp.hash_to_hex(txid) in node.call("getrawmempool"), 10),
                "that transaction enters the mempool too")
        node.call("stop")
        r.check(node.wait_exit() == 0, "the node stops cleanly")
    finally:
        for p in peers:
            p.close()
        node.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-txreq-"))
