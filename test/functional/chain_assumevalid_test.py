#!/usr/bin/env python3
"""-assumevalid, as Bitcoin Core's feature_assumevalid.py shows it.

A chain of 2,202 blocks is built here: block 102 spends an output with a script that fails
(its scriptPubKey is OP_0), 2,100 valid blocks are built on it. Headers go first (submitheader),
then the blocks (submitblock):
  * a node checking every script refuses block 102 and stays at 101 (the default on regtest,
    and with -assumevalid=0);
  * a node with -assumevalid=<block 102> (or the tip) accepts all 2,202: block 102 lies more
    than two weeks of proof of work below its best header, so its scripts are not checked;
  * a node with the same option that is given only 200 blocks refuses block 102: it is too
    close to the best header for its scripts to be taken on trust;
  * a malformed value stops the node with Core's message.
"""
import os
import subprocess
import sys

from checks import run_test
from node_process import NodeProcess
from p2p_peer import build_block, hash_to_hex, ser_tx, sha256d, coinbase_tx, tip_info

CHAIN_LENGTH = 2202
BAD_HEIGHT = 102


def build_chain(node):
    """Every block (bytes) and hash (display hex), heights 1..CHAIN_LENGTH."""
    prev, _, ntime = tip_info(node)
    blocks, hashes = [], []
    coinbase1 = None
    for height in range(1, CHAIN_LENGTH + 1):
        txs = ()
        spk = b"\x51"
        if height == 1:
            spk = b"\x00"  # OP_0: no scriptSig can spend it
            coinbase1 = coinbase_tx(1, None, b"\x00", spk)
        if height == BAD_HEIGHT:
            txs = (ser_tx([(sha256d(coinbase1), 0, b"", 0xFFFFFFFF)], [(49 * 100_000_000, b"\x51")]),)
        block, bhash = build_block(prev, height, ntime + height, txs=txs, spk=spk)
        blocks.append(block)
        hashes.append(hash_to_hex(bhash))
        prev = bhash
    return blocks, hashes


def feed(node, blocks, count):
    """Headers of the first `count` blocks, then the blocks themselves."""
    for b in blocks[:count]:
        node.call("submitheader", b[:80].hex())
    for b in blocks[:count]:
        node.call("submitblock", b.hex())


def body(r, opts, tmp):
    base = ["-connect=0", "-listen=0"]
    nodes = []

    def start(name, *args):
        n = NodeProcess(opts.tonari, os.path.join(tmp, name), base + list(args))
        n.start()
        nodes.append(n)
        return n

    try:
        checker = start("checker")
        blocks, hashes = build_chain(checker)
        bad = hashes[BAD_HEIGHT - 1]

        feed(checker, blocks, CHAIN_LENGTH)
        r.check(checker.call("getblockcount") == BAD_HEIGHT - 1, "checking every script: the bad block is refused")
        tips = {t["hash"]: t["status"] for t in checker.call("getchaintips")}
        r.check(tips.get(bad) == "invalid" or any(s == "invalid" for s in tips.values()),
                f"and marked invalid: {tips}")

        zero = start("zero", "-assumevalid=0")
        feed(zero, blocks, CHAIN_LENGTH)
        r.check(zero.call("getblockcount") == BAD_HEIGHT - 1, "-assumevalid=0 checks every script")

        trusting = start("trusting", f"-assumevalid={bad}")
        feed(trusting, blocks, CHAIN_LENGTH)
        r.check(trusting.call("getblockcount") == CHAIN_LENGTH and trusting.call("getbestblockhash") == hashes[-1],
                f"-assumevalid=<bad block>: the whole chain is accepted ({trusting.call('getblockcount')})")

        tip_trust = start("tip", f"-assumevalid={hashes[-1]}")
        feed(tip_trust, blocks, CHAIN_LENGTH)
        r.check(tip_trust.call("getblockcount") == CHAIN_LENGTH, "-assumevalid=<tip>: accepted too (an ancestor)")

        shallow = start("shallow", f"-assumevalid={bad}")
        feed(shallow, blocks, 200)
        r.check(shallow.call("getblockcount") == BAD_HEIGHT - 1,
                "only 200 blocks: the bad block is too near the best header to skip its scripts")

        os.makedirs(os.path.join(tmp, "bad-arg"))
        proc = subprocess.run([opts.tonari, "node", f"-datadir={os.path.join(tmp, 'bad-arg')}", "-printtoconsole=1",
                               "-assumevalid=xyz", *base], capture_output=True, text=True, timeout=60)
        r.check(proc.returncode != 0 and "Invalid assumevalid block hash specified (xyz)" in proc.stdout + proc.stderr,
                "a malformed -assumevalid stops the node with Core's message")
    finally:
        if r.failures and nodes:
            print(nodes[-1].log_tail(20))
        for n in nodes:
            n.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-assumevalid-"))
