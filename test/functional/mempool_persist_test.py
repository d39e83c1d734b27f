#!/usr/bin/env python3
"""The mempool survives a restart (Bitcoin Core's -persistmempool, mempool_persist.py's checks).

Node A keeps its mempool (the default), node B runs with -persistmempool=0; both hold five
payments made on A. After a clean stop, A comes back with the five (same entry times) and B
with none; A restarted with -persistmempool=0 loads nothing, and, started again normally, still
finds the file its last save left. savemempool names the file it wrote, in Core's version 2
format, or version 1 with -persistmempoolv1, both read back. A payment made while A
has no peers is saved as unbroadcast and offered to the first peer after the restart.

Beyond Core: with -mempoolsaveinterval=1 a payment a peer relayed survives a kill -9 of the node
that received it (Core saves only when it stops). A damaged mempool.dat is logged and ignored:
the node starts with an empty pool.
"""
import os
import re
import sys

from checks import poll, run_test
from node_process import NodeProcess, fund_wallet

TIMEOUT_S = 30


def stop(node):
    node.call("stop")
    node.wait_exit()


def body(r, opts, tmp):
    a = NodeProcess(opts.tonari, os.path.join(tmp, "a"), ["-debug=net"])
    b = NodeProcess(opts.tonari, os.path.join(tmp, "b"), ["-persistmempool=0"])
    try:
        a.start()
        b.start()
        fund_wallet(a)
        a.call("addnode", f"127.0.0.1:{b.p2p_port}", "onetry")
        r.check(poll(lambda: b.call("getblockcount") == 101, TIMEOUT_S, 0.1), "B synced A's chain")
        # Paid to an address outside A's wallet, so only the mempool file can bring them back
        # (the wallet would resubmit its own).
        outside = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"  # BIP173's regtest example
        txids = [a.call("sendtoaddress", outside, 0.1) for _ in range(5)]
        r.check(poll(lambda: set(txids) <= set(b.call("getrawmempool")), TIMEOUT_S, 0.1), "both nodes hold the five")
        times = {t: a.call("getmempoolentry", t)["time"] for t in txids}

        stop(a)
        stop(b)
        r.check((a.net_dir / "mempool.dat").exists(), "A wrote mempool.dat when it stopped")
        r.check(not (b.net_dir / "mempool.dat").exists(), "B (-persistmempool=0) wrote none")
        a.extra_args.remove("-wallet=w")  # the wallet must not be what brings them back
        a.start()
        b.start()
        pool = a.call("getrawmempool", True)
        r.check(set(txids) <= set(pool), "A came back with the five payments")
        r.check(all(pool[t]["time"] == times[t] for t in txids), "... each with its first entry time")
        r.check(b.call("getrawmempool") == [], "B came back empty")
        r.check("Imported mempool transactions from file: 5 succeeded" in log_text(a), "A's log says what it loaded")

        saved = a.call("savemempool")
        r.check(saved["filename"] == str(a.net_dir / "mempool.dat"), "savemempool names the file")
        r.check((a.net_dir / "mempool.dat").read_bytes()[:9] == bytes([2, 0, 0, 0, 0, 0, 0, 0, 8]),
                "... in Core's current format (version 2, an 8-byte XOR key)")
        stop(a)
        a.start("-persistmempoolv1")
        a.call("savemempool")
        r.check((a.net_dir / "mempool.dat").read_bytes()[:8] == bytes([1, 0, 0, 0, 0, 0, 0, 0]),
                "-persistmempoolv1 writes the older format (version 1, no key)")
        stop(a)
        a.start()
        r.check(set(txids) <= set(a.call("getrawmempool")), "... which is read back as well")
        stop(a)
        a.start("-persistmempool=0")
        r.check(a.call("getrawmempool") == [], "with -persistmempool=0 nothing is loaded")
        stop(a)
        a.start()
        r.check(set(txids) <= set(a.call("getrawmempool")), "the file is still there for the next normal start")

        # Our own payment, made with no peer, stays ours to announce after a restart.
        stop(b)
        a.extra_args += ["-wallet=w", "-connect=0"]
        stop(a)
        a.start()
        own = a.call("sendtoaddress", outside, 0.2)
        r.check(a.call("getmempoolentry", own)["unbroadcast"] is True, "a payment made with no peer is unbroadcast")
        a.extra_args.remove("-wallet=w")
        stop(a)
        a.start()
        r.check(a.call("getmempoolentry", own)["unbroadcast"] is True,
                "after the restart (no wallet loaded) it is still unbroadcast, from the file")
        b.start()
        a.call("addnode", f"127.0.0.1:{b.p2p_port}", "onetry")
        r.check(poll(lambda: own in b.call("getrawmempool"), TIMEOUT_S, 0.1), "the first peer to connect receives it")

        # A relayed payment survives a kill -9 of B when B saves every second.
        stop(b)
        b.extra_args = ["-mempoolsaveinterval=1"]
        b.start()
        a.call("addnode", f"127.0.0.1:{b.p2p_port}", "onetry")
        a.extra_args.append("-wallet=w")
        a.call("loadwallet", "w")
        relayed = a.call("sendtoaddress", outside, 0.3)
        r.check(poll(lambda: relayed in b.call("getrawmempool"), TIMEOUT_S, 0.1), "B received the payment")
        r.check(poll(lambda: last_saved_count(b) == len(b.call("getrawmempool")), TIMEOUT_S, 0.2),
                "B saved its whole pool within its interval")
        b.kill()
        b.extra_args = []
        b.start("-connect=0")
        r.check(relayed in b.call("getrawmempool"), "after SIGKILL, B still holds the relayed payment")
        stop(b)

        (b.net_dir / "mempool.dat").write_bytes(b"\x02\x00\x00\x00\x00\x00\x00\x00\x08garbage")
        b.start("-connect=0")
        r.check(b.call("getrawmempool") == [], "a damaged mempool.dat: the node starts with an empty pool")
        r.check("Failed to deserialize mempool data" in log_text(b), "... and says why in its log")
    finally:
        if r.failures:
            print(a.log_tail(30))
            print(b.log_tail(30))
        a.kill()
        b.kill()


def last_saved_count(node):
    """How many transactions the node's last save wrote (None before any)."""
    counts = re.findall(r"Dumped mempool: (\d+) transactions", log_text(node))
    return int(counts[-1]) if counts else None


def log_text(node):
    return (node.net_dir / "debug.log").read_text(errors="replace")


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-mempool-persist-"))
