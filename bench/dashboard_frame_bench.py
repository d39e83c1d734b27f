#!/usr/bin/env python3
"""The dashboard page's frame time with 10 nodes: ten regtest nodes in a ring, node 0's page
watching the other nine (-dashboardwatch), held open in Debian's chromium (headless, through
test/browser/page_driver.mjs), while node 0 sends --rate payments a second to node 5 and node 3
mines a block every 5 s. For --seconds the page records how long each render() takes (the
page's whole work for one event: every table, the graph, the wave, the chart, the ledgers and
the story), the intervals between animation frames, and the long tasks (over 50 ms).

  /usr/bin/python3 bench/dashboard_frame_bench.py [--seconds 20] [--rate 10]
"""
import argparse
import json
import pathlib
import select
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "functional"))
from node_process import NodeProcess, RpcError, free_port, wait_until  # noqa: E402

NODES = 10


def percentile(values, p):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tonari", default=str(ROOT / "build" / "default" / "src" / "app" / "tonari"))
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--rate", type=float, default=10, help="payments a second")
    opts = ap.parse_args()
    nodes, driver = [], None
    with tempfile.TemporaryDirectory(prefix="tonari-frame-bench-") as tmp:
        try:
            ports = [free_port() for _ in range(NODES)]
            watch = [f"-dashboardwatch=http://127.0.0.1:{p}/" for p in ports[1:]]
            for i in range(NODES):
                extra = [f"-dashboard={ports[i]}", "-listen=1"] + (watch if i == 0 else [])
                nodes.append(NodeProcess(opts.tonari, f"{tmp}/n{i}", extra))
            for i, n in enumerate(nodes):
                if i > 0:
                    n.extra_args.append(f"-connect=127.0.0.1:{nodes[i - 1].p2p_port}")
            for n in reversed(nodes):  # the watched ones first, so node 0's relay finds them up
                n.start()
            nodes[0].call("addnode", f"127.0.0.1:{nodes[-1].p2p_port}", "onetry")  # close the ring
            payer, payee, miner = nodes[0], nodes[5], nodes[3]
            payer.call("createwallet", "w")
            payee.call("createwallet", "w")
            addr = payer.call("getnewaddress")
            payer.call("generatetoaddress", 400, addr)  # 300 mature coins: one confirmed coin per payment
            tip = payer.call("getbestblockhash")
            if not wait_until(lambda: all(n.call("getbestblockhash") == tip for n in nodes), 120):
                sys.exit("the ten nodes did not agree on the set-up chain")
            driver = subprocess.Popen(["node", str(ROOT / "test" / "browser" / "page_driver.mjs"), f"http://127.0.0.1:{ports[0]}/"],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            # The page has every node in its table and its stream live before the clock starts.
            driver.stdin.write(f"snapshot {NODES} 0 {tmp}/frame-bench.png - -\n")
            driver.stdin.flush()
            ready, _, _ = select.select([driver.stdout], [], [], 60)
            shown = json.loads(driver.stdout.readline()) if ready else {"failed": "no answer"}
            if "failed" in shown:
                sys.exit(f"the page did not show the ten nodes: {shown['failed'][:300]}")
            driver.stdin.write(f"frames {opts.seconds}\n")
            driver.stdin.flush()
            dest = payee.call("getnewaddress")
            t0, sent, errors, next_block = time.monotonic(), 0, 0, time.monotonic() + 5
            while time.monotonic() - t0 < opts.seconds:
                while sent < int((time.monotonic() - t0) * opts.rate):
                    try:
                        payer.call("sendtoaddress", dest, 0.001)
                    except RpcError:
                        errors += 1
                    sent += 1
                if time.monotonic() >= next_block:
                    miner.call("generatetoaddress", 1, addr)
                    next_block += 5
                time.sleep(0.01)
            ready, _, _ = select.select([driver.stdout], [], [], opts.seconds + 60)
            result = json.loads(driver.stdout.readline()) if ready else {}
        finally:
            if driver:
                try:
                    driver.stdin.write("quit\n")
                    driver.stdin.flush()
                    driver.wait(timeout=20)
                except (OSError, subprocess.TimeoutExpired):
                    driver.kill()
            for n in nodes:
                n.kill()
    renders, intervals, long_tasks = result.get("renders", []), result.get("intervals", []), result.get("longTasks", [])
    print(f"{NODES} nodes, {sent} payments ({errors} refused) and a block every 5 s in {opts.seconds:.0f} s; "
          f"the page handled {len(renders)} events ({len(renders) / opts.seconds:.0f}/s)")
    print(f"render() per event: median {statistics.median(renders) if renders else 0:.2f} ms, "
          f"p95 {percentile(renders, 95):.2f} ms, max {max(renders, default=0):.2f} ms")
    print(f"animation frame interval: median {statistics.median(intervals) if intervals else 0:.1f} ms, "
          f"p95 {percentile(intervals, 95):.1f} ms, max {max(intervals, default=0):.1f} ms; "
          f"long tasks (> 50 ms): {len(long_tasks)}")
    if result.get("errors"):
        print(f"page errors: {result['errors']}")


if __name__ == "__main__":
    main()
