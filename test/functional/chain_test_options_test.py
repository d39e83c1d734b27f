#!/usr/bin/env python3
"""Core's regtest options for test chains: -testactivationheight and -vbparams.

A chain whose block 1 has no BIP34 height in its coinbase (as chains made by Core's test
framework under -testactivationheight=bip34@2 may) is refused by a default regtest node
(bad-cb-height) and accepted by one started with -testactivationheight=bip34@2, which still
enforces BIP34 from height 2 on. The node restarts with the same option and carries on from
its chain (after a clean stop: a kill -9 takes a node back to its last flush, as it does
Core). Malformed values and the options on other networks stop the node with Core's
messages; -vbparams is accepted in Core's form.
"""
import os
import subprocess
import sys

from checks import run_test
from node_process import NodeProcess
from p2p_peer import build_block, hash_from_hex, tip_info


def start_fails(r, opts, tmp, args, expected, what):
    datadir = os.path.join(tmp, "bad-" + str(abs(hash(tuple(args)))))
    os.makedirs(datadir, exist_ok=True)
    proc = subprocess.run([opts.tonari, "node", f"-datadir={datadir}", "-printtoconsole=1", "-connect=0", "-listen=0",
                           *args], capture_output=True, text=True, timeout=60)
    out = proc.stdout + proc.stderr
    r.check(proc.returncode != 0 and expected in out, f"{what}: exit {proc.returncode}, {out.strip()[-200:]!r}")


def body(r, opts, tmp):
    plain = NodeProcess(opts.tonari, os.path.join(tmp, "plain"), ["-connect=0", "-listen=0"])
    late = NodeProcess(opts.tonari, os.path.join(tmp, "late"),
                       ["-connect=0", "-listen=0", "-testactivationheight=bip34@2",
                        "-vbparams=testdummy:0:999999999999", "-testactivationheight=csv@5"])
    try:
        plain.start()
        late.start()
        prev, _, ntime = tip_info(plain)
        # Block 1 whose coinbase starts with OP_0 where BIP34 wants OP_1 (height 1).
        block1, hash1 = build_block(prev, 0, ntime)
        r.check(plain.call("submitblock", block1.hex()) == "bad-cb-height",
                "a default node refuses block 1 without its BIP34 height")
        r.check(late.call("submitblock", block1.hex()) is None, "-testactivationheight=bip34@2 accepts it")
        # From height 2 BIP34 holds again.
        bad2, _ = build_block(hash1, 0, ntime + 1)
        r.check(late.call("submitblock", bad2.hex()) == "bad-cb-height", "block 2 without its height is refused")
        prev_hash = hash1
        for height in range(2, 6):
            block, prev_hash = build_block(prev_hash, height, ntime + height)
            r.check(late.call("submitblock", block.hex()) is None, f"block {height} with its height accepted")
        r.check(late.call("getblockcount") == 5, "the test chain is 5 blocks long")

        late.call("stop")
        late.wait_exit()
        late.start()
        r.check(late.call("getblockcount") == 5 and late.call("getbestblockhash") == prev_hash[::-1].hex(),
                "after a restart with the same options the chain is there")
        late.call("generatetoaddress", 3, late.call("decodescript", "51")["segwit"]["address"])
        r.check(late.call("getblockcount") == 8, "and the node mines on it")

        start_fails(r, opts, tmp, ["-testactivationheight=bip34"], "Invalid format (bip34) for -testactivationheight",
                    "no height")
        start_fails(r, opts, tmp, ["-testactivationheight=taproot@2"], "Invalid name (taproot@2)", "unknown name")
        start_fails(r, opts, tmp, ["-testactivationheight=bip34@-1"], "Invalid height value (bip34@-1)", "negative height")
        start_fails(r, opts, tmp, ["-vbparams=taproot:1"], "Version bits parameters malformed", "short -vbparams")
        start_fails(r, opts, tmp, ["-vbparams=segwit:0:1"], "Invalid deployment (segwit)", "unknown deployment")
        start_fails(r, opts, tmp, ["-signet", "-testactivationheight=bip34@2"], "only allowed on regtest",
                    "another network")
    finally:
        if r.failures:
            print(late.log_tail(20))
        plain.kill()
        late.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-testparams-"))
