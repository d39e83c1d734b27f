#!/usr/bin/env python3
"""A Tox DHT of --nodes nodes on loopback, tonari's side by side with c-toxcore's in the same
run: --nodes `tonari chat bootstrap` processes, then as many of c-toxcore 0.2.18's
tox-bootstrapd. In each DHT every node joins from the first node and one random earlier one.

  idle      UDP datagrams sent per node per second once the DHT has settled (--settle s after
            the last node started), counted over --idle s by the kernel (/proc/net/snmp,
            Udp OutDatagrams), so both implementations are measured the same way; memory is
            the nodes' summed proportional set size (each shared page counted once).
  friend    two new clients, each joining from a different random node of the DHT, until
            both see the other online: the first adds the second's Tox ID at once and the
            second accepts as soon as the request shows (announcing, searching, the request
            through the onion, the DHT search, the session). tonari's `chat run` in tonari's
            DHT, c-toxcore clients in c-toxcore's; the median of --runs runs.

Output: one line per DHT, and JSON in bench/out/tox_dht_bench.json.

  bench/tox_dht_bench.py --tonari build/default/src/app/tonari --toxdriver build/default/test/toxdriver
"""
import argparse
import json
import pathlib
import random
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "functional"))
sys.path.insert(0, str(ROOT / "test" / "interop" / "tox"))
from checks import poll  # noqa: E402
from tox_processes import ChatBootstrap, ChatClient, ToxBootstrapd, ToxDriver  # noqa: E402

TIMEOUT_S = 180


def udp_out_datagrams():
    lines = [line.split() for line in pathlib.Path("/proc/net/snmp").read_text().splitlines() if line.startswith("Udp:")]
    return int(lines[1][lines[0].index("OutDatagrams")])


def proportional_mib(pid):
    """The process's proportional set size: pages it shares with the other nodes (the program
    itself) are divided among them, so the sum over the nodes counts each page once."""
    for line in pathlib.Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_dht(kind, opts, tmp, rng):
    nodes = []
    for i in range(opts.nodes):
        joins = [nodes[0].node(), nodes[rng.randrange(i)].node()] if i else []
        joins = list(dict.fromkeys(joins))
        folder = tmp / f"{kind}-node{i}"
        node = (ChatBootstrap(opts.tonari, folder, joins) if kind == "tonari"
                else ToxBootstrapd(folder, bootstrap_nodes=joins)).start()
        nodes.append(node)
        if (i + 1) % 50 == 0:
            print(f"  {kind}: {i + 1} nodes started", flush=True)
    return nodes


def find_friend(kind, opts, tmp, nodes, rng):
    x, y = rng.sample(nodes, 2)
    started = time.monotonic()
    if kind == "tonari":
        a = ChatClient(opts.tonari, tmp / "a", [x.node()]).start()
        b = ChatClient(opts.tonari, tmp / "b", [y.node()]).start()
    else:
        a = ToxDriver(opts.toxdriver, tmp / "a", args=["--bootstrap", "%s:%d:%s" % x.node()]).start()
        b = ToxDriver(opts.toxdriver, tmp / "b", args=["--bootstrap", "%s:%d:%s" % y.node()]).start()
    online_event = "friend_online" if kind == "tonari" else "friend_connection"
    try:
        a.send(cmd="add", id=b.first("ready")["tox_id"], message="benchmark")
        request = poll(lambda: b.first("friend_request"), TIMEOUT_S, 0.01)
        if not request:
            raise RuntimeError(f"{kind}: no friend request in {TIMEOUT_S} s")
        b.send(cmd="accept", public_key=request["public_key"])
        if not poll(lambda: a.first(online_event) and b.first(online_event), TIMEOUT_S, 0.005):
            raise RuntimeError(f"{kind}: never online")
        return time.monotonic() - started
    finally:
        a.stop()
        b.stop()


def measure(kind, opts, tmp, seed):
    rng = random.Random(seed)
    nodes = []
    try:
        t = time.monotonic()
        nodes = start_dht(kind, opts, tmp, rng)
        print(f"  {kind}: {len(nodes)} nodes up in {time.monotonic() - t:.0f} s; settling {opts.settle} s", flush=True)
        time.sleep(opts.settle)
        before = udp_out_datagrams()
        time.sleep(opts.idle)
        sent = udp_out_datagrams() - before
        idle = sent / opts.idle / len(nodes)
        memory = sum(proportional_mib(n.proc.pid) for n in nodes)
        finds = []
        for run in range(opts.runs):
            with tempfile.TemporaryDirectory(prefix=f"tonari-dht-bench-{kind}-") as run_tmp:
                finds.append(find_friend(kind, opts, pathlib.Path(run_tmp), nodes, rng))
            print(f"  {kind}: friends online after {finds[-1]:.1f} s", flush=True)
        return {"nodes": len(nodes), "idle_datagrams_per_node_s": round(idle, 3), "memory_mib": round(memory),
                "friend_online_s": [round(f, 2) for f in finds], "friend_online_median_s": round(statistics.median(finds), 2)}
    finally:
        for n in nodes:
            n.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tonari", default=str(ROOT / "build/default/src/app/tonari"))
    ap.add_argument("--toxdriver", default=str(ROOT / "build/default/test/toxdriver"))
    ap.add_argument("--nodes", type=int, default=200)
    ap.add_argument("--settle", type=int, default=60, help="seconds from the last node's start to the idle count")
    ap.add_argument("--idle", type=int, default=30, help="seconds the idle traffic is counted over")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", choices=["tonari", "all"], default="all", help="tonari: tonari's DHT only")
    opts = ap.parse_args()
    results = {}
    for kind in ["tonari"] if opts.only == "tonari" else ["tonari", "c-toxcore"]:
        with tempfile.TemporaryDirectory(prefix=f"tonari-dht-bench-{kind}-") as tmp:
            r = measure(kind, opts, pathlib.Path(tmp), opts.seed)
        results[kind] = r
        print(f"{kind:10s} {r['nodes']} nodes: idle {r['idle_datagrams_per_node_s']:6.3f} datagrams/s per node, "
              f"{r['memory_mib']} MiB in all; two new clients friends online in {r['friend_online_median_s']:.1f} s "
              f"(median of {opts.runs}: {r['friend_online_s']})", flush=True)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "tox_dht_bench.json").write_text(json.dumps({"settle_s": opts.settle, "idle_s": opts.idle,
                                                        "runs": opts.runs, "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
