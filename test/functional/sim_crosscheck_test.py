#!/usr/bin/env python3
"""The simulator against real nodes: one 10-node topology run twice, as `tonari sim` from a
scenario file and as ten `tonari node` processes on loopback, the same blocks mined by the same
nodes in the same order.

Each node delays every message it sends by its own amount: `send_delay_ms` in the scenario file,
`-simlatency` for the real node. The links have no other latency or bandwidth limit in the
simulator, and loopback adds little. Block checks cost nothing in the simulator
(`"validation": "none"`), and a coinbase-only regtest block costs a real node about a millisecond.

The delays were chosen so that, at each node, the fastest path to it beats the next fastest by at
least 160 ms. That holds whether each link carries the block in high-bandwidth compact mode (one
delay), by headers then getdata, or as the first block. So which peer delivers each block is
decided by the protocol and the delays, not by scheduling noise.

For each of five blocks and each node, the real network must give:
- the same peer the block came from (the real node's `block_connected` event names it), so the
  same delivery tree and hop counts;
- the same propagation order: any two nodes the simulator has more than 40 ms apart arrive in
  that order;
- an arrival time (from the miner's own `block_connected` event) no earlier than the
  simulator's, less the events' millisecond resolution, and no later than the simulator's plus
  the processing a real node adds along the path.
"""
import json
import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import run_test  # noqa: E402
from dashboard_events_test import EventReader  # noqa: E402
from node_process import NodeProcess, free_port, wait_until  # noqa: E402

# Each pair (a, b): node a dials node b, as `-connect` does.
LINKS = [(1, 0), (2, 0), (3, 1), (3, 2), (4, 2), (5, 3), (5, 4), (6, 1), (6, 8), (7, 5), (7, 6), (8, 4), (9, 7), (9, 8)]
SEND_DELAY_MS = [330, 390, 170, 200, 380, 190, 380, 330, 170, 380]
MINERS = [0, 9, 5, 0, 9]
NODES = len(SEND_DELAY_MS)
# Real nodes add processing and loopback time to every message of a hop; this bounds it.
SLACK_S = 0.08
SLACK_SHARE = 0.15
# The simulator's arrival order is binding for nodes at least this far apart.
ORDER_GAP_S = 0.04
# Events carry milliseconds, so an arrival can read up to 1 ms early.
RESOLUTION_S = 0.001


def scenario():
    return {
        "name": "crosscheck-10",
        "nodes": NODES,
        "reachable_share": 1,
        "jitter": 0,
        "validation": "none",
        "links": [list(link) for link in LINKS],
        "send_delay_ms": SEND_DELAY_MS,
        "warmup_s": 30,
        "duration_s": 20 * len(MINERS) + 20,
        "blocks": [{"at_s": 5 + 20 * k, "miner": m} for k, m in enumerate(MINERS)],
        "report_arrivals": True,
    }


def simulate(r, opts, tmp):
    path = pathlib.Path(tmp) / "crosscheck.json"
    path.write_text(json.dumps(scenario()))
    out = pathlib.Path(tmp) / "report.json"
    run = subprocess.run([opts.tonari, "sim", "--scenario", str(path), "--json", str(out)],
                         capture_output=True, text=True, timeout=120)
    r.check(run.returncode == 0, f"tonari sim runs the scenario file: {run.stderr[-300:]}")
    report = json.loads(out.read_text()) if out.exists() else {}
    bad = pathlib.Path(tmp) / "bad.json"
    bad.write_text(json.dumps({**scenario(), "links": [[0, 10]]}))
    for path_given, expected in ((bad, "link [0, 10] names a node past the last (9)"),
                                 (pathlib.Path(tmp) / "missing.json", "cannot read scenario file")):
        refused = subprocess.run([opts.tonari, "sim", "--scenario", str(path_given)], capture_output=True, text=True, timeout=60)
        r.check(refused.returncode == 1 and expected in refused.stderr and not refused.stdout,
                f"a file that is not a valid scenario is refused, saying why: {refused.stderr.strip()}")
    blocks = report.get("arrivals", [])
    r.check(len(blocks) == len(MINERS) and [b["miner"] for b in blocks] == MINERS and report.get("converged"),
            f"the simulator mined {len(blocks)} blocks at nodes {[b['miner'] for b in blocks]} and converged")
    return blocks


def start_network(tonari, tmp, readers, nodes):
    dashboards = [free_port() for _ in range(NODES)]
    for i in range(NODES):
        nodes.append(NodeProcess(tonari, f"{tmp}/n{i}", ["-listen=1", f"-simlatency={SEND_DELAY_MS[i]}", "-v2transport=0",
                                                         f"-dashboard={dashboards[i]}"]))
    for i, node in enumerate(nodes):
        node.extra_args += [f"-connect=127.0.0.1:{nodes[b].p2p_port}" for a, b in LINKS if a == i] or ["-connect=0"]
    for node in nodes:
        node.start()
    for port in dashboards:
        readers.append(EventReader(port, last_event_id=0))
    return [node.p2p_port for node in nodes]


def node_of_address(readers, ports):
    """{(receiving node, address it sees): sending node}: a node's listening port, seen by
    anyone, and the local end of each of its dials, seen by the node it dialled. Keyed by the
    receiver too, because two processes' dials to different nodes may share a local port."""
    listening = {f"127.0.0.1:{port}": i for i, port in enumerate(ports)}
    owner = {(j, address): i for address, i in listening.items() for j in range(len(ports))}
    for i, reader in enumerate(readers):
        for e in reader.of("peer_connected"):
            if e["data"]["direction"] == "outbound" and e["data"]["address"] in listening:
                owner[(listening[e["data"]["address"]], e["data"]["local"])] = i
    return owner


def body(r, opts, tmp):
    sim_blocks = simulate(r, opts, tmp)
    if len(sim_blocks) != len(MINERS):
        return
    nodes, readers = [], []
    try:
        ports = start_network(opts.tonari, tmp, readers, nodes)
        degree = [sum(1 for link in LINKS if i in link) for i in range(NODES)]
        r.check(wait_until(lambda: all(len(n.call("getpeerinfo")) == degree[i] for i, n in enumerate(nodes)), 60),
                f"all {len(LINKS)} links are up (degrees {degree})")
        # Each dial's local end names its node; the events saying so may trail getpeerinfo.
        outbound = [sum(1 for a, _ in LINKS if a == i) for i in range(NODES)]
        r.check(wait_until(lambda: all(sum(1 for e in reader.of("peer_connected") if e["data"]["direction"] == "outbound")
                                       >= outbound[i] for i, reader in enumerate(readers)), 30),
                "every node's dials are in its event stream")
        owner = node_of_address(readers, ports)
        for miner in sorted(set(MINERS)):
            nodes[miner].call("createwallet", "w")
        for k, miner in enumerate(MINERS):
            node = nodes[miner]
            mined = node.call("generatetoaddress", 1, node.call("getnewaddress"))[0]
            r.check(wait_until(lambda: all(any(e["data"]["hash"] == mined for e in reader.of("block_connected"))
                                           for reader in readers), 60),
                    f"block {k + 1}, mined at node {miner}, reaches all {NODES} nodes")
            compare(r, k, mined, sim_blocks[k], readers, owner)
    finally:
        for reader in readers:
            reader.close()
        for n in nodes:
            n.kill()


def compare(r, k, mined, sim, readers, owner):
    miner = sim["miner"]
    events = []
    for reader in readers:
        found = [e for e in reader.of("block_connected") if e["data"]["hash"] == mined]
        events.append(found[0] if found else None)
    if any(e is None for e in events):
        return
    start = events[miner]["time"] / 1000
    r.check(events[miner]["data"]["from"] == "local", f"block {k + 1}: the miner's own block is local")
    real_from = [owner.get((i, e["data"].get("address")), -2) if i != miner else -1 for i, e in enumerate(events)]
    real_after = [e["time"] / 1000 - start for e in events]
    sim_from = [n["from"] for n in sim["nodes"]]
    sim_after = [n["after_s"] for n in sim["nodes"]]
    r.check(real_from == sim_from, f"block {k + 1}: each node had it from the same peer (real {real_from}, simulated {sim_from})")

    def hops(parents, i):
        count = 0
        while parents[i] >= 0 and count <= NODES:
            i, count = parents[i], count + 1
        return count

    real_hops = [hops(real_from, i) for i in range(NODES)]
    sim_hops = [hops(sim_from, i) for i in range(NODES)]
    r.check(real_hops == sim_hops, f"block {k + 1}: the same hop counts {sim_hops}")
    out_of_order = [(a, b) for a in range(NODES) for b in range(NODES)
                    if a != miner and b != miner and sim_after[a] + ORDER_GAP_S < sim_after[b] and real_after[a] > real_after[b]]
    r.check(not out_of_order, f"block {k + 1}: the same propagation order (pairs out of order: {out_of_order})")
    late = [(i, round(real_after[i], 3), sim_after[i]) for i in range(NODES) if i != miner and
            not (sim_after[i] - RESOLUTION_S <= real_after[i] <= sim_after[i] * (1 + SLACK_SHARE) + SLACK_S)]
    shown = ", ".join(f"{i}: {real_after[i]:.3f}/{sim_after[i]:.3f}" for i in range(NODES) if i != miner)
    r.check(not late, f"block {k + 1}: real/simulated seconds to each node within bounds ({shown}); outside: {late}")
    worst = max(real_after[i] - sim_after[i] for i in range(NODES) if i != miner)
    print(f"block {k + 1} from node {miner}, hops {sim_hops}, real/simulated s: {shown}; real at most {worst * 1000:.0f} ms later")


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-sim-crosscheck-"))
