#!/usr/bin/env python3
"""Several tonari nodes on loopback, talking the Bitcoin P2P protocol to each other:
a 6-node chain topology (each node connects to the one before it) carries a wallet
transaction from one end to the other and blocks both ways; a fresh node syncs 1,000 blocks
from three peers at once; and a node killed with SIGKILL leaves the others working, then
catches up after a restart.
"""
import argparse
import sys
import tempfile
import time

from checks import Checks
from node_process import NodeProcess, wait_until

CHAIN_LENGTH = 6



def all_at(nodes, block_hash, timeout=60):
    return wait_until(lambda: all(n.call("getbestblockhash") == block_hash for n in nodes), timeout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tonari", required=True)
    ap.add_argument("--data", required=False)
    opts = ap.parse_args()
    r = Checks(opts.tonari)
    nodes = []
    with tempfile.TemporaryDirectory(prefix="tonari-p2p-") as tmp:
        try:
            for i in range(CHAIN_LENGTH):
                extra = ["-debug=net"]
                if i > 0:
                    extra += [f"-connect=127.0.0.1:{nodes[i - 1].p2p_port}", "-listen=1"]
                node = NodeProcess(opts.tonari, f"{tmp}/n{i}", extra)
                node.start()
                nodes.append(node)
            first, last = nodes[0], nodes[-1]
            r.check(wait_until(lambda: all(len(n.call("getpeerinfo")) == (1 if n in (first, last) else 2) for n in nodes), 30),
                    "every node of the chain has its neighbours")

            # Blocks travel from one end to the other.
            first.call("createwallet", "a")
            addr = first.call("getnewaddress")
            tip = first.call("generatetoaddress", 101, addr)[-1]
            r.check(all_at(nodes, tip), "101 blocks mined at node 0 reach node 5")

            # A transaction sent at node 0 reaches every node.
            last.call("createwallet", "b")
            to = last.call("getnewaddress")
            txid = first.call("sendtoaddress", to, 1)
            start = time.monotonic()
            reached = wait_until(lambda: all(txid in n.call("getrawmempool") for n in nodes), 120, 0.1)
            r.check(reached, "a transaction sent at node 0 reaches the mempool of every node")
            print(f"tx across {CHAIN_LENGTH - 1} hops with trickling: {time.monotonic() - start:.2f} s")

            # A block mined at the far end confirms it everywhere.
            start = time.monotonic()
            tip = last.call("generatetoaddress", 1, to)[0]
            r.check(all_at(nodes, tip), "a block mined at node 5 reaches node 0")
            print(f"block across {CHAIN_LENGTH - 1} hops: {time.monotonic() - start:.3f} s")
            r.check(all(n.call("getrawmempool") == [] for n in nodes), "the mined transaction left every mempool")
            r.check(last.call("getbalance") == 1, "node 5's wallet holds the 1 BTC")

            # A fresh node syncs 1,000 blocks from three peers at once.
            tip = first.call("generatetoaddress", 1000, addr)[-1]
            r.check(all_at(nodes, tip, 120), "1,000 more blocks reach every node")
            fresh = NodeProcess(opts.tonari, f"{tmp}/fresh",
                                ["-debug=net"] + [f"-connect=127.0.0.1:{nodes[i].p2p_port}" for i in (0, 2, 4)])
            start = time.monotonic()
            fresh.start()
            nodes.append(fresh)
            r.check(all_at([fresh], tip, 120), "a fresh node syncs 1,102 blocks")
            print(f"fresh node sync of 1,102 blocks from 3 peers: {time.monotonic() - start:.2f} s (including start-up)")
            r.check(wait_until(lambda: len(fresh.call("getpeerinfo")) == 3, 30), "the fresh node has its 3 peers")
            served = [p["bytesrecv"] for p in fresh.call("getpeerinfo")]
            totals = fresh.call("getnettotals")
            r.check(totals["totalbytesrecv"] >= sum(served) and totals["totalbytessent"] > 0 and
                    totals["uploadtarget"]["target"] == 0, f"getnettotals counts every peer's bytes: {totals}")
            # An empty regtest block is about 250 bytes: each peer served a good share. A peer
            # descheduled past the stalling timeout on a busy machine is dropped and dialled
            # again, and its new connection's counters start from zero: then the share is
            # not comparable, and the log says why.
            stalls = [line for line in fresh.log_tail(100_000).splitlines() if "stalling block download" in line]
            if stalls:
                print(f"a serving peer was dropped as a staller and reconnected: {stalls[0]}")
            else:
                r.check(all(b > 30_000 for b in served), f"blocks came from all three peers: bytes {served}")

            # Killing one node leaves the rest working; it catches up after a restart.
            # Each miner below mines only once every live node has the tip: a block mined on a
            # tip that has not yet arrived forks, and which branch wins would then depend on
            # which message happened to cross the network first.
            victim = nodes[2]
            victim.kill()
            live = [n for n in nodes if n is not victim]
            tip = first.call("generatetoaddress", 5, addr)[-1]
            r.check(all_at([first, nodes[1], fresh], tip), "with node 2 killed, nodes 0, 1 and the fresh node follow node 0")
            r.check(all_at(live, tip), "node 0's blocks reach nodes 3 to 5 through the fresh node")
            side_tip = last.call("generatetoaddress", 1, to)[0]
            r.check(all_at([nodes[3], nodes[4], last], side_tip), "nodes 3 to 5 keep working among themselves")
            r.check(all_at(live, side_tip), "node 5's block reaches node 0's side")
            victim.start()
            final = first.call("generatetoaddress", 1, addr)[0]
            r.check(all_at(nodes, final, 90), "the killed node restarts, reconnects and every node converges")
            r.check(victim.call("getblockcount") == first.call("getblockcount"), "the restarted node is at the tip")
        finally:
            for n in nodes:
                if n.running():
                    try:
                        n.call("stop")
                        n.wait_exit(30)
                    except Exception:
                        n.kill()
                n.kill()
    return r.finish()


if __name__ == "__main__":
    sys.exit(main())
