#!/usr/bin/env python3
"""Low-work headers presync, end to end: node A has a 2,300-block chain; node B, started apart,
has its own 4,500-block chain from the genesis. When B connects, its first 2,000 headers do not
reach A's anti-DoS work threshold (A's tip less 144 blocks of work), so A presyncs them as
commitments, downloads them again, checks them against the commitments, and only then
stores them — after which it downloads B's blocks and reorganises onto the heavier chain.
"""
import os
import sys

from checks import run_test
from node_process import NodeProcess, wait_while_progressing

ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"


def body(r, opts, tmp):
    a = NodeProcess(opts.tonari, os.path.join(tmp, "a"), ["-debug=net"])
    b = NodeProcess(opts.tonari, os.path.join(tmp, "b"), ["-debug=net", "-connect=0"])
    try:
        a.start()
        b.start()
        for start in range(0, 2300, 1000):
            a.call("generatetoaddress", min(1000, 2300 - start), ADDRESS)
        # Another payee, so that B's blocks differ from A's from height 1 (blocks mined in
        # the same second to the same address would be identical).
        b.call("createwallet", "b")
        b_address = b.call("getnewaddress")
        for start in range(0, 4500, 1000):
            b.call("generatetoaddress", min(1000, 4500 - start), b_address)
        tip = b.call("getbestblockhash")
        r.check(a.call("getblockcount") == 2300 and b.call("getblockcount") == 4500, "two separate chains")
        r.check(a.call("getblockhash", 1) != b.call("getblockhash", 1), "that fork at the genesis")
        # "add": kept connected, so a connection dropped while A is busy reorganising is dialled
        # again; the wait lasts as long as A's headers or blocks keep advancing.
        b.call("addnode", f"127.0.0.1:{a.p2p_port}", "add")

        def progress():
            info = a.call("getblockchaininfo")
            return info["headers"], info["blocks"], info["bestblockhash"]

        r.check(wait_while_progressing(lambda: a.call("getbestblockhash") == tip, progress, 60),
                "A reorganises onto B's heavier 4,500-block chain")
        log = (a.net_dir / "debug.log").read_text(errors="replace")
        r.check("headers presync with peer=" in log and ": redownloading" in log,
                "A took B's first headers through the presync and the redownload")
        r.check("abandoned" not in log, "the presync was never abandoned")
        tips = a.call("getchaintips")
        r.check(any(t["height"] == 2300 and t["status"] == "valid-fork" for t in tips),
                "A's old chain is now a fork")
        r.check(any(p["synced_headers"] == 4500 for p in a.call("getpeerinfo")), "A knows B's best header")
        for n, name in ((a, "A"), (b, "B")):
            n.call("stop")
            r.check(n.wait_exit() == 0, f"{name} stops cleanly")
    finally:
        if r.failures:
            print("--- node A debug.log (tail) ---")
            print(a.log_tail(200))
        a.kill()
        b.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-presync-"))
