#!/usr/bin/env python3
"""Compact block relay (BIP152 version 2, high-bandwidth mode) between tonari nodes and against
a scripted peer (p2p_peer.py, with its own SipHash short ids).

Two nodes, B connected to A. Wallet transactions reach both mempools; a block mined at A then
crosses to B as a `cmpctblock` rebuilt from B's mempool: no full `block`, no `getblocktxn`.
B picks A as a high-bandwidth peer (getpeerinfo bip152_hb_to / bip152_hb_from), after which A
pushes new blocks without B asking (`getdata` count unchanged).

The scripted peer then mines its own coins (P2SH of OP_TRUE), puts one spend in B's mempool,
and sends B a compact block holding it and a spend B has never seen: B asks with `getblocktxn`
for exactly that one index and takes the block after `blocktxn`. Then the hostile cases: a
`blocktxn` with other transactions (B falls back to the full block, no punishment), one with
the wrong count, a `getblocktxn` index past the end, a `cmpctblock` whose prefilled index is
past the end (each disconnects); `getdata` for a compact block near the tip and deep down; and
B pushing its own new block to the scripted peer after `sendcmpct(1, 2)`.
"""
import os
import struct
import sys

from checks import run_test
from node_process import NodeProcess, wait_until
import p2p_peer as pp

SYNC_TIMEOUT_S = 60
MSG_WITNESS_BLOCK = 0x40000002
MSG_CMPCT_BLOCK = 4



def peer_of(node, other_port=None):
    """getpeerinfo row of the node's only tonari peer (the first row when there is one)."""
    rows = node.call("getpeerinfo")
    if other_port is not None:
        rows = [p for p in rows if p["addr"].endswith(f":{other_port}")]
    return rows[0] if rows else None


def traffic(row, direction, command):
    return row[f"bytes{direction}_per_msg"].get(command, 0)


def node_to_node(r, a, b):
    a.call("createwallet", "a")
    addr = a.call("getnewaddress")
    tip = a.call("generatetoaddress", 101, addr)[-1]
    r.check(wait_until(lambda: b.call("getbestblockhash") == tip, SYNC_TIMEOUT_S), "B syncs A's 101 blocks")

    def mempools_agree(count):
        return wait_until(lambda: len(b.call("getrawmempool")) == count == len(a.call("getrawmempool")),
                          SYNC_TIMEOUT_S)

    for _ in range(5):
        a.call("sendtoaddress", a.call("getnewaddress"), 1)
    r.check(mempools_agree(5), "five wallet transactions reach B's mempool")
    before = peer_of(b)
    tip = a.call("generatetoaddress", 1, addr)[0]
    r.check(wait_until(lambda: b.call("getbestblockhash") == tip, SYNC_TIMEOUT_S), "B takes the block mined at A")
    after = peer_of(b)
    r.check(traffic(after, "recv", "cmpctblock") > traffic(before, "recv", "cmpctblock"),
            "the block reached B as a cmpctblock")
    r.check(traffic(after, "recv", "block") == traffic(before, "recv", "block"), "no full block was sent")
    r.check(traffic(after, "sent", "getblocktxn") == 0, "B rebuilt it from its mempool (no getblocktxn)")
    r.check(b.call("getrawmempool") == [], "B's mempool is empty after the block")
    r.check(wait_until(lambda: peer_of(b)["bip152_hb_to"], 10), "B chose A as a high-bandwidth peer")
    r.check(wait_until(lambda: peer_of(a)["bip152_hb_from"], 10), "A sees that B chose it")

    for _ in range(3):
        a.call("sendtoaddress", a.call("getnewaddress"), 1)
    r.check(mempools_agree(3), "three more transactions reach B's mempool")
    before = peer_of(b)
    tip = a.call("generatetoaddress", 1, addr)[0]
    r.check(wait_until(lambda: b.call("getbestblockhash") == tip, SYNC_TIMEOUT_S), "B takes the next block")
    after = peer_of(b)
    r.check(traffic(after, "sent", "getdata") == traffic(before, "sent", "getdata"),
            "A pushed it unasked: B sent no getdata")
    r.check(traffic(after, "recv", "cmpctblock") > traffic(before, "recv", "cmpctblock"), "as a cmpctblock")
    r.check(traffic(after, "recv", "block") == traffic(before, "recv", "block"), "still no full block")


def compact_of(block, nonce):
    """cmpctblock payload for a serialized block of non-witness transactions: coinbase
    prefilled, the others as short ids."""
    header = block[:80]
    txs = pp.split_txs(block)
    ids = [pp.short_id(header, nonce, pp.sha256d(t)) for t in txs[1:]]
    return pp.cmpctblock_payload(header, nonce, ids, [(0, txs[0])])


def scripted(r, node, tmp_peers):
    def connect():
        p = pp.P2PPeer(node.p2p_port)
        tmp_peers.append(p)
        r.check(p.handshake(), "scripted peer: handshake")
        return p

    miner = pp.Miner(node)
    p = connect()
    for _ in range(101):
        block, bhash, coinbase = miner.block()
        p.send_msg("block", block)
        miner.advance(bhash, coinbase)
    tip_hex = pp.hash_to_hex(miner.prev)
    r.check(wait_until(lambda: node.call("getbestblockhash") == tip_hex, SYNC_TIMEOUT_S),
            "the scripted peer's 101 blocks are taken")

    # One spend in the mempool, one the node has never seen.
    known, unseen = miner.spend(), miner.spend()
    known_txid = node.call("sendrawtransaction", known.hex())
    r.check(known_txid in node.call("getrawmempool"), "a P2SH(OP_TRUE) spend enters the mempool")
    block, bhash, coinbase = miner.block([known, unseen])
    mark = len(p.messages)
    p.send_msg("cmpctblock", compact_of(block, 0x1234))
    ask = p.wait_for("getblocktxn", after=mark)
    r.check(ask is not None, "the node asks for the missing transaction")
    if ask is not None:
        asked_hash, indexes = pp.parse_getblocktxn(ask.payload)
        r.check(asked_hash == bhash and indexes == [2],
                f"getblocktxn names the block and only index 2 (got {indexes})")
    p.send_msg("blocktxn", pp.blocktxn_payload(bhash, [unseen]))
    r.check(wait_until(lambda: node.call("getbestblockhash") == pp.hash_to_hex(bhash), 15),
            "blocktxn completes the block: it is the new tip")
    miner.advance(bhash, coinbase)
    r.check(known_txid not in node.call("getrawmempool"), "the mined spend left the mempool")

    # Other transactions than asked for: the merkle root fails; the full block is fetched.
    wanted, wrong = miner.spend(), miner.spend()
    block, bhash, coinbase = miner.block([wanted])
    mark = len(p.messages)
    p.send_msg("cmpctblock", compact_of(block, 7))
    r.check(p.wait_for("getblocktxn", after=mark) is not None, "second compact block: getblocktxn")
    mark = len(p.messages)
    p.send_msg("blocktxn", pp.blocktxn_payload(bhash, [wrong]))
    getdata = p.wait_for("getdata", after=mark,
                         match=lambda m: m.payload[1:5] == struct.pack("<I", MSG_WITNESS_BLOCK) and m.payload[5:37] == bhash)
    r.check(getdata is not None, "a blocktxn that does not match: the node asks for the full block")
    p.send_msg("block", block)
    r.check(wait_until(lambda: node.call("getbestblockhash") == pp.hash_to_hex(bhash), 15),
            "the full block is taken")
    miner.advance(bhash, coinbase)
    r.check(p.ping(), "the peer is still connected (collisions are not punished)")

    # The wrong number of transactions is a protocol violation.
    block, bhash, _ = miner.block([miner.spend()])
    mark = len(p.messages)
    p.send_msg("cmpctblock", compact_of(block, 9))
    r.check(p.wait_for("getblocktxn", after=mark) is not None, "third compact block: getblocktxn")
    p.send_msg("blocktxn", pp.blocktxn_payload(bhash, []))
    r.check(p.wait_for_disconnect(15), "blocktxn with too few transactions: disconnected")

    q = connect()
    q.send_msg("getblocktxn", pp.getblocktxn_payload(pp.hash_from_hex(node.call("getbestblockhash")), [5]))
    r.check(q.wait_for_disconnect(15), "getblocktxn index past the end: disconnected")

    q = connect()
    miner.refresh()
    block, _, _ = miner.block()
    txs = pp.split_txs(block)
    q.send_msg("cmpctblock", pp.cmpctblock_payload(block[:80], 1, [], [(0, txs[0]), (5, txs[0])]))
    r.check(q.wait_for_disconnect(15), "cmpctblock with a prefilled index past the end: disconnected")

    # Serving: compact near the tip, full deep down.
    q = connect()
    tip = pp.hash_from_hex(node.call("getbestblockhash"))
    deep = pp.hash_from_hex(node.call("getblockhash", node.call("getblockcount") - 20))
    mark = len(q.messages)
    q.send_msg("getdata", pp.ser_compact_size(1) + struct.pack("<I", MSG_CMPCT_BLOCK) + tip)
    got = q.wait_for("cmpctblock", after=mark)
    r.check(got is not None and pp.header_hash(got.payload[:80]) == tip, "getdata compact for the tip: cmpctblock")
    mark = len(q.messages)
    q.send_msg("getdata", pp.ser_compact_size(1) + struct.pack("<I", MSG_CMPCT_BLOCK) + deep)
    got = q.wait_for("block", after=mark)
    r.check(got is not None and pp.header_hash(got.payload[:80]) == deep,
            "getdata compact 20 blocks deep: the full block")

    # High-bandwidth mode towards us: a new block is pushed unasked.
    q.send_msg("sendcmpct", b"\x01" + struct.pack("<Q", 2))
    tip_header = bytes.fromhex(node.call("getblockheader", pp.hash_to_hex(tip), False))
    q.send_msg("headers", pp.headers_payload([tip_header]))
    r.check(q.ping(), "sendcmpct(1, 2) and our headers are taken")
    mark = len(q.messages)
    new_tip = node.call("generatetoaddress", 1, node.call("decodescript", "51")["p2sh"])[0]
    got = q.wait_for("cmpctblock", after=mark)
    r.check(got is not None and pp.hash_to_hex(pp.header_hash(got.payload[:80])) == new_tip,
            "the node pushes its new block as a cmpctblock")
    if got is not None:
        between = [m.command for m in q.messages[mark:q.messages.index(got)]]
        r.check("inv" not in between and "headers" not in between, f"without announcing it first ({between})")

    # An invalid block (its coinbase pays one satoshi too much) arriving as a compact block:
    # high-bandwidth peers relay before validating, so neither the first sender nor a second
    # one sending the same block is punished; the tip stays.
    miner.refresh()
    tip_before = node.call("getbestblockhash")
    height = miner.height + 1
    bad, bad_hash = pp.build_block(miner.prev, height, miner.time, coinbase_value=pp.block_subsidy(height) + 1,
                                   spk=miner.spk)
    second = connect()
    for who, name in ((q, "first"), (second, "second")):
        who.send_msg("cmpctblock", compact_of(bad, 3))
        r.check(who.ping(), f"the {name} sender of an invalid compact block stays connected")
    r.check(node.call("getbestblockhash") == tip_before, "the invalid block did not become the tip")
    r.check(any(t["hash"] == pp.hash_to_hex(bad_hash) and t["status"] == "invalid" for t in node.call("getchaintips")),
            "getchaintips lists it as invalid")



def body(r, opts, tmp):
    peers = []
    a = NodeProcess(opts.tonari, os.path.join(tmp, "a"), ["-debug=net"])
    b = NodeProcess(opts.tonari, os.path.join(tmp, "b"), ["-debug=net"])
    try:
        a.start()
        b.start(f"-connect=127.0.0.1:{a.p2p_port}", "-listen=1")
        r.check(wait_until(lambda: len(a.call("getpeerinfo")) == 1, 30), "B connects to A")
        node_to_node(r, a, b)
        scripted(r, b, peers)
        r.check(wait_until(lambda: a.call("getbestblockhash") == b.call("getbestblockhash"), SYNC_TIMEOUT_S),
                "A follows B's chain to the same tip")
        for n, name in ((a, "A"), (b, "B")):
            n.call("stop")
            r.check(n.wait_exit() == 0, f"{name} stops cleanly")
    finally:
        for p in peers:
            p.close()
        if r.failures:
            print("--- node B debug.log (tail) ---")
            print(b.log_tail())
        a.kill()
        b.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-cmpct-"))
