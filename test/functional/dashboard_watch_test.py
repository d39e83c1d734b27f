#!/usr/bin/env python3
"""One dashboard watching a whole network (-dashboardwatch): nodes B and C serve their own
dashboards and connect to A; A's dashboard follows theirs and relays their events, so a single
stream shows all three:
- A's stream says B and C are online (relay_status) and carries their events wrapped as
  `relay {node, event}` — B's own block_connected ("local") beside A's (from peer B);
- A's /api/state lists B and C with the heights their RPC gives;
- kill -9 of C: A's stream says C went offline and its state is gone; after a restart C comes
  back online and its new events are relayed; A's own ids stay gap-free throughout.
"""
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import run_test  # noqa: E402
from dashboard_events_test import EventReader, close_all, gap_free, get  # noqa: E402
from node_process import NodeProcess, free_port, wait_until  # noqa: E402


def body(r, opts, tmp):
    nodes, readers = [], []
    try:
        ports = {name: free_port() for name in "abc"}
        a = NodeProcess(opts.tonari, f"{tmp}/a", [f"-dashboard={ports['a']}", "-listen=1",
                                                  f"-dashboardwatch=http://127.0.0.1:{ports['b']}/",
                                                  f"-dashboardwatch=http://127.0.0.1:{ports['c']}/"])
        a.start()
        nodes.append(a)
        r.check(wait_until(lambda: "Dashboard on" in (a.net_dir / "debug.log").read_text(errors="replace"), 30),
                "A serves its dashboard")
        watcher = EventReader(ports["a"])
        readers.append(watcher)
        b = NodeProcess(opts.tonari, f"{tmp}/b", [f"-dashboard={ports['b']}", f"-connect=127.0.0.1:{a.p2p_port}"])
        c = NodeProcess(opts.tonari, f"{tmp}/c", [f"-dashboard={ports['c']}", f"-connect=127.0.0.1:{a.p2p_port}"])
        b.start()
        c.start()
        nodes += [b, c]
        name = {n: f"127.0.0.1:{ports[n]}" for n in "bc"}

        def status(node):
            return [e["data"]["online"] for e in watcher.of("relay_status") if e["data"]["node"] == name[node]]

        r.check(wait_until(lambda: status("b") and status("c") and status("b")[-1] and status("c")[-1], 30),
                "A's stream says B and C are online")
        b.call("createwallet", "w")
        mined = b.call("generatetoaddress", 1, b.call("getnewaddress"))[0]

        def relayed(node, kind, key=None, value=None):
            return [e["data"]["event"] for e in watcher.of("relay") if e["data"]["node"] == name[node]
                    and e["data"]["event"]["type"] == kind and (key is None or e["data"]["event"]["data"].get(key) == value)]

        r.check(wait_until(lambda: relayed("b", "block_connected", "hash", mined), 20), "B's block, relayed from B's stream")
        r.check(relayed("b", "block_connected", "hash", mined)[0]["data"]["from"] == "local", "mined at B, B says")
        r.check(wait_until(lambda: any(e["data"]["hash"] == mined and e["data"]["from"] == "peer"
                                       for e in watcher.of("block_connected")), 20),
                "and A's own event for it: from a peer")
        r.check(wait_until(lambda: relayed("c", "block_connected", "hash", mined), 20), "C connects it too, relayed")

        state = json.loads(get(ports["a"], "/api/state")[1])
        watched = {w["node"]: w for w in state.get("watched", [])}
        r.check(set(watched) == set(name.values()), f"A's state lists B and C: {list(watched)}")
        r.check(all(watched[name[n]]["online"] and watched[name[n]]["state"]["node"]["height"] == node.call("getblockcount")
                    for n, node in (("b", b), ("c", c))), "with the heights their RPC gives")

        c.kill()
        r.check(wait_until(lambda: status("c") and not status("c")[-1], 30), "kill -9 of C: A's stream says it is offline")
        state = json.loads(get(ports["a"], "/api/state")[1])
        gone = [w for w in state.get("watched", []) if w["node"] == name["c"]]
        r.check(gone and not gone[0]["online"] and gone[0]["state"] is None, f"and A's state has no C: {gone}")
        c.start()
        r.check(wait_until(lambda: status("c")[-1], 30), "C restarted: online again")
        second = b.call("generatetoaddress", 1, b.call("getnewaddress"))[0]
        r.check(wait_until(lambda: relayed("c", "block_connected", "hash", second), 30),
                "C's events after the restart are relayed")
        r.check(gap_free(watcher.events), f"A's own ids stay gap-free ({len(watcher.events)} events)")
    finally:
        close_all(readers, nodes)


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-dashboard-watch-"))
