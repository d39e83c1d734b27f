#!/usr/bin/env python3
"""The dashboard in a real browser (Debian's chromium, headless, driven by playwright-core from
npm) against a real network of three nodes, no mocks. Node A's page watches B and C
(-dashboardwatch); B and C connect to A, and C to B too.
- Every node appears in the page's table with the height, tip and peer count its RPC gives,
  online; the graph draws the three nodes and one edge per connection (3).
- kill -9 of C: its row shows offline and its edges go (1 left); the others still agree on a
  new block, which the page shows.
- The page logs no console or page error and asks for nothing outside loopback; a screenshot
  is saved for each view as a test artifact (dashboard-network.png, dashboard-node-down.png in
  the test's working directory; docs/images/dashboard.png is one of them).
"""
import json
import pathlib
import shutil
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "functional"))
from checks import run_test  # noqa: E402
from node_process import NodeProcess, free_port, wait_until  # noqa: E402

ARTIFACTS = pathlib.Path.cwd()


def snapshot(r, url, rows, picture, offline=0):
    """What the page shows, or {} after recording why not."""
    if not (HERE / "node_modules" / "playwright-core").is_dir():
        r.fail("playwright-core is missing (scripts/install-deps runs npm ci in test/browser)")
        return {}
    if shutil.which("chromium") is None and not pathlib.Path("/usr/bin/chromium").exists():
        r.fail("chromium is missing (scripts/install-deps installs Debian's chromium)")
        return {}
    proc = subprocess.run(["node", str(HERE / "page_snapshot.mjs"), url, str(ARTIFACTS / picture), str(rows), str(offline)],
                          capture_output=True, text=True, timeout=120)
    try:
        shown = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        r.fail(f"the page driver printed no result: {proc.stderr[-500:]}")
        return {}
    r.check("failed" not in shown, f"the page rendered: {shown.get('failed', '')[:300]}")
    return shown


def body(r, opts, tmp):
    nodes = []
    try:
        ports = {n: free_port() for n in "abc"}
        a = NodeProcess(opts.tonari, f"{tmp}/a", [f"-dashboard={ports['a']}", "-listen=1",
                                                  f"-dashboardwatch=http://127.0.0.1:{ports['b']}/",
                                                  f"-dashboardwatch=http://127.0.0.1:{ports['c']}/"])
        a.start()
        b = NodeProcess(opts.tonari, f"{tmp}/b", [f"-dashboard={ports['b']}", "-listen=1", f"-connect=127.0.0.1:{a.p2p_port}"])
        b.start()
        c = NodeProcess(opts.tonari, f"{tmp}/c", [f"-dashboard={ports['c']}", f"-connect=127.0.0.1:{a.p2p_port}",
                                                  f"-connect=127.0.0.1:{b.p2p_port}"])
        c.start()
        nodes += [a, b, c]
        r.check(wait_until(lambda: len(a.call("getpeerinfo")) == 2 and len(b.call("getpeerinfo")) == 2, 30),
                "A and B each have two peers")
        a.call("createwallet", "w")
        tip = a.call("generatetoaddress", 5, a.call("getnewaddress"))[-1]
        r.check(wait_until(lambda: all(n.call("getbestblockhash") == tip for n in nodes), 30), "all three at height 5")
        url = f"http://127.0.0.1:{ports['a']}/"

        shown = snapshot(r, url, 3, "dashboard-network.png")
        rows = {row[0]: row for row in shown.get("rows", [])}
        names = {"this node": a, f"127.0.0.1:{ports['b']}": b, f"127.0.0.1:{ports['c']}": c}
        r.check(set(rows) == set(names), f"every node appears: {sorted(rows)}")
        for name, node in names.items():
            row = rows.get(name, [""] * 6)
            r.check(row[1] == "online" and row[2] == str(node.call("getblockcount")) and
                    node.call("getbestblockhash").startswith(row[3]) and row[3] != "" and
                    row[4] == str(len(node.call("getpeerinfo"))),
                    f"{name}: the page's height, tip and peers are its RPC's: {row}")
        r.check(shown.get("nodes") == 3 and shown.get("edges") == 3, f"the graph: 3 nodes, 3 edges ({shown.get('nodes')}, {shown.get('edges')})")
        r.check(not shown.get("errors") and not shown.get("external"),
                f"no page errors, nothing outside loopback: {shown.get('errors')} {shown.get('external')}")

        c.kill()
        tip2 = b.call("generatetoaddress", 1, a.call("getnewaddress"))[0]
        r.check(wait_until(lambda: a.call("getbestblockhash") == tip2, 30), "with C dead, A and B agree on a new block")
        shown = snapshot(r, url, 3, "dashboard-node-down.png", offline=1)
        rows = {row[0]: row for row in shown.get("rows", [])}
        r.check(rows.get(f"127.0.0.1:{ports['c']}", [""] * 2)[1] == "offline", "C's row shows it offline")
        r.check(all(rows.get(n, [""] * 3)[2] == "6" for n in ("this node", f"127.0.0.1:{ports['b']}")),
                f"A and B at the new height on the page: {rows}")
        r.check(shown.get("edges") == 1, f"C's edges are gone: {shown.get('edges')} left")
        r.check(not shown.get("errors") and not shown.get("external"), f"still no page errors: {shown.get('errors')}")
        for picture in ("dashboard-network.png", "dashboard-node-down.png"):
            saved = ARTIFACTS / picture
            r.check(saved.exists() and saved.stat().st_size > 10_000, f"a screenshot saved: {saved}")
    finally:
        for n in nodes:
            n.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-browser-"))
