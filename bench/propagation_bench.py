#!/usr/bin/env python3
"""System benchmark: block and transaction propagation latency across a line of 10 tonari
nodes on loopback (node i started with -connect=node i-1 -listen=1, so each relay goes from a
node to a peer that connected in to it: an inbound peer of the sender).

One poller thread per node keeps a persistent RPC connection and asks every --poll-ms
(getbestblockhash for blocks, getrawmempool for transactions), stamping the first time each
block or transaction is seen there (midpoint of the RPC round trip).
  (a) blocks: --blocks times, mine 1 block at node 0 and wait until all 10 nodes have it;
      per-hop latency = arrival at node i - arrival at node i-1, and end to end (0 -> 9).
  (b) transactions: --txs sendtoaddress at node 0, one every --tx-gap seconds, all in flight
      together; per-hop and end-to-end latency as above. Transaction announcements trickle:
      exponential gaps with a mean of 5 s towards inbound peers (2 s towards outbound ones),
      so expect about 5 s a hop here.
  (c) the transactions of (b), now in every mempool, mined at node 0 in one block: its
      propagation, when compact blocks let each hop rebuild it from the mempool.
Median and 95th percentile (nearest rank) of each. Finally the bytes every node received as
`cmpctblock`, `block` and `blocktxn` (getpeerinfo bytesrecv_per_msg), summed over the line.

  bench/propagation_bench.py
  bench/propagation_bench.py --nodes 6 --blocks 10 --txs 4 --keep-logs /tmp/proplogs
"""
import argparse
import base64
import http.client
import json
import math
import os
import pathlib
import shutil
import statistics
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "test" / "functional"))
from node_process import NodeProcess, wait_until  # noqa: E402

CONNECT_TIMEOUT_S = 30
BLOCK_TIMEOUT_S = 30
TX_TIMEOUT_S = 240
BETWEEN_BLOCKS_S = 0.2



class Poller(threading.Thread):
    """Polls one node over a kept-alive RPC connection; records when each item first appears."""

    def __init__(self, node, interval_s):
        super().__init__(daemon=True)
        self.node = node
        self.interval_s = interval_s
        self.method = None          # None: idle; "getbestblockhash" or "getrawmempool"
        self.seen = {}              # block hash or txid -> first monotonic time seen
        self.polls = 0
        self.errors = 0
        self.stop_flag = threading.Event()
        self.conn = None

    def rpc(self, method):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.node.rpc_port, timeout=30)
        body = json.dumps({"jsonrpc": "1.0", "id": 1, "method": method, "params": []})
        self.conn.request("POST", "/", body=body, headers={"Authorization": self.auth,
                                                          "Content-Type": "application/json"})
        return json.loads(self.conn.getresponse().read())["result"]

    def run(self):
        self.auth = self.node.auth_header()
        while not self.stop_flag.is_set():
            method = self.method
            if method is None:
                time.sleep(0.01)
                continue
            try:
                t_sent = time.monotonic()
                result = self.rpc(method)
                t = (t_sent + time.monotonic()) / 2
                self.polls += 1
            except (OSError, http.client.HTTPException, ValueError, KeyError):
                self.errors += 1
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                time.sleep(0.01)
                continue
            for item in ([result] if isinstance(result, str) else result or []):
                self.seen.setdefault(item, t)
            time.sleep(self.interval_s)


def pct(values, q):
    s = sorted(values)
    return s[max(0, math.ceil(q * len(s)) - 1)]


def summary(name, values, unit_ms=True):
    scale, unit = (1000.0, "ms") if unit_ms else (1.0, "s")
    return (f"{name}: median {statistics.median(values) * scale:.{1 if unit_ms else 2}f} {unit}, "
            f"p95 {pct(values, 0.95) * scale:.{1 if unit_ms else 2}f} {unit}, "
            f"min {min(values) * scale:.{1 if unit_ms else 2}f}, max {max(values) * scale:.{1 if unit_ms else 2}f} "
            f"(n={len(values)})")


def poll_with(pollers, method):
    """Switches every poller to `method` (None: idle), letting in-flight polls finish first."""
    for p in pollers:
        p.method = None
    time.sleep(0.1)
    for p in pollers:
        p.method = method
    time.sleep(0.1)


def mine_and_wait(head, addr, pollers):
    """Mines one block at the head node; returns its hash once every poller has seen it."""
    block = head.call("generatetoaddress", 1, addr)[0]
    if not wait_until(lambda: all(block in p.seen for p in pollers), BLOCK_TIMEOUT_S, 0.005):
        missing = [i for i, p in enumerate(pollers) if block not in p.seen]
        raise RuntimeError(f"block {block} did not reach nodes {missing}")
    return block


def hops_of(pollers, key):
    arrivals = [p.seen[key] for p in pollers]
    return [arrivals[i] - arrivals[i - 1] for i in range(1, len(arrivals))], arrivals[-1] - arrivals[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tonari", default=str(ROOT / "build/default/src/app/tonari"))
    ap.add_argument("--nodes", type=int, default=10)
    ap.add_argument("--blocks", type=int, default=30)
    ap.add_argument("--txs", type=int, default=10)
    ap.add_argument("--tx-gap", type=float, default=3.0, help="seconds between two sendtoaddress calls")
    ap.add_argument("--poll-ms", type=float, default=3.0)
    ap.add_argument("--keep-logs", default=None, help="copy every node's debug.log (-debug=net) here")
    ap.add_argument("--dump", default=None, help="write every arrival time (s after node 0) as JSON here")
    args = ap.parse_args()
    if not os.access(args.tonari, os.X_OK):
        sys.exit(f"propagation_bench: {args.tonari} missing; run 'make build' first")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"== propagation across a line of {args.nodes} tonari nodes on {os.cpu_count()} cores, {cpu}; "
          f"poll every {args.poll_ms} ms per node; load average {os.getloadavg()[0]:.2f}", flush=True)
    nodes, pollers = [], []
    with tempfile.TemporaryDirectory(prefix="tonari-propbench-") as tmp:
        try:
            for i in range(args.nodes):
                extra = ["-debug=net", "-listen=1"]
                extra.append(f"-connect=127.0.0.1:{nodes[i - 1].p2p_port}" if i > 0 else "-connect=0")
                node = NodeProcess(args.tonari, f"{tmp}/n{i}", extra)
                node.start()
                nodes.append(node)
            ends = (nodes[0], nodes[-1])
            if not wait_until(lambda: all(len(n.call("getpeerinfo")) == (1 if n in ends else 2) for n in nodes),
                              CONNECT_TIMEOUT_S):
                raise RuntimeError("the line of nodes did not connect")
            head = nodes[0]
            head.call("createwallet", "bench")
            addr = head.call("getnewaddress")
            tip = head.call("generatetoaddress", 100 + args.txs, addr)[-1]
            if not wait_until(lambda: all(n.call("getbestblockhash") == tip for n in nodes), 60):
                raise RuntimeError("the set-up blocks did not reach every node")

            pollers = [Poller(n, args.poll_ms / 1000.0) for n in nodes]
            for p in pollers:
                p.start()

            # (a) blocks
            block_hops, block_e2e, block_keys = [], [], []
            poll_with(pollers, "getbestblockhash")
            t_start = time.monotonic()
            for _ in range(args.blocks):
                block = mine_and_wait(head, addr, pollers)
                block_keys.append(block)
                hops, e2e = hops_of(pollers, block)
                block_hops += hops
                block_e2e.append(e2e)
                time.sleep(BETWEEN_BLOCKS_S)
            block_wall = time.monotonic() - t_start

            # (b) transactions
            poll_with(pollers, "getrawmempool")
            txids = []
            t_start = time.monotonic()
            for k in range(args.txs):
                txids.append(head.call("sendtoaddress", head.call("getnewaddress"), "0.01"))
                if k + 1 < args.txs:
                    time.sleep(args.tx_gap)
            if not wait_until(lambda: all(t in p.seen for p in pollers for t in txids), TX_TIMEOUT_S, 0.05):
                missing = {i: sum(t not in p.seen for t in txids) for i, p in enumerate(pollers)}
                raise RuntimeError(f"transactions missing per node: {missing}")
            tx_wall = time.monotonic() - t_start
            tx_hops, tx_e2e = [], []
            for t in txids:
                hops, e2e = hops_of(pollers, t)
                tx_hops += hops
                tx_e2e.append(e2e)
            # (c) a block holding the transactions every mempool already has
            poll_with(pollers, "getbestblockhash")
            full_block = mine_and_wait(head, addr, pollers)
            full_hops, full_e2e = hops_of(pollers, full_block)
            full_txs = len(head.call("getblock", full_block)["tx"])
            traffic = {}
            for n in nodes:
                for peer in n.call("getpeerinfo"):
                    for command in ("cmpctblock", "block", "blocktxn", "getblocktxn"):
                        got = peer["bytesrecv_per_msg"].get(command, 0)
                        traffic[command] = traffic.get(command, 0) + got
            if args.dump:
                rel = {k: [p.seen[k] - pollers[0].seen[k] for p in pollers] for k in txids + list(block_keys)}
                pathlib.Path(args.dump).write_text(json.dumps({"txs": txids, "arrivals": rel}, indent=1))
            polls = sum(p.polls for p in pollers)
            errors = sum(p.errors for p in pollers)
        finally:
            for p in pollers:
                p.stop_flag.set()
            for p in pollers:
                p.join(5)
            for n in nodes:
                if n.running():
                    try:
                        n.call("stop")
                        n.wait_exit(30)
                    except Exception:
                        pass
                n.kill()
            if args.keep_logs:
                out = pathlib.Path(args.keep_logs)
                out.mkdir(parents=True, exist_ok=True)
                for i, n in enumerate(nodes):
                    log = n.net_dir / "debug.log"
                    if log.exists():
                        shutil.copy(log, out / f"n{i}-debug.log")

    hops = args.nodes - 1
    print(f"(a) {args.blocks} blocks mined at node 0, {hops} hops each ({block_wall:.1f} s)")
    print("    " + summary("per hop", block_hops))
    print("    " + summary("end to end", block_e2e))
    print(f"    end to end / {hops} hops: median {statistics.median(block_e2e) / hops * 1000:.2f} ms a hop "
          f"(single hops are at the polling resolution)")
    print(f"(b) {args.txs} wallet transactions sent at node 0, one every {args.tx_gap} s "
          f"(all reached node {hops} after {tx_wall:.1f} s)")
    print("    " + summary("per hop", tx_hops, unit_ms=False))
    print("    " + summary("end to end", tx_e2e, unit_ms=False))
    print(f"    mean per hop {statistics.mean(tx_hops):.2f} s; negative hops (poll jitter): "
          f"{sum(h < 0 for h in tx_hops)} tx, {sum(h < 0 for h in block_hops)} block")
    print(f"(c) one block of {full_txs} transactions already in every mempool: end to end "
          f"{full_e2e * 1000:.1f} ms over {hops} hops ({full_e2e / hops * 1000:.2f} ms a hop)")
    print("    bytes received over the whole run, all nodes: " +
          ", ".join(f"{k} {v:,}" for k, v in traffic.items()))
    print(f"pollers: {polls} RPC polls, {errors} errors")
    print("reproduce: " + " ".join([sys.executable, str(pathlib.Path(__file__).resolve())] + sys.argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
