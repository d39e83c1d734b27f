#!/usr/bin/env python3
"""The file-sharing act in a real browser (Debian's chromium through playwright-core, as
dashboard_browser_test.py). Two downloaders of an 8 MiB torrent start first, each with
`--dashboard`; a regtest node's dashboard watches them and the origin (`-dashboardwatch`), so
the swarm's events land on the same bus as the Bitcoin node's; the page is the node's, live
before the origin starts seeding, so it sees every step of the transfer.

- Before the origin: two rows, the downloaders, nothing in their piece maps.
- After: three rows, every one at 100% with a full piece map; each downloader's map was drawn
  partly filled on the way (the page recorded every map it drew); the origin's row names both
  downloaders among those it uploaded to; the summary gives the origin's upload against the
  file's size (at least one copy: every piece was only at the origin at first, so the page
  waits for that); the log tells both downloads completing; the node's own sections stay.
- The origin's own page, opened afterwards, shows the same three rows from its snapshot and
  hides the Bitcoin sections (it has no chain).
- No page errors, nothing asked outside loopback; screenshots saved (swarm-*.png).
"""
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "functional"))
sys.path.insert(0, str(HERE))
from checks import run_test  # noqa: E402
from dashboard_browser_test import Page  # noqa: E402
from node_process import NodeProcess, free_port, wait_until  # noqa: E402
from torrent_dashboard_test import FULL, PIECES, SIZE, WatchedSwarm, state  # noqa: E402

RATE = "1M"  # slow enough that the page draws each map several times on the way


def check_rows(r, shown, where):
    rows = shown.get("swarm", [])
    labels = [row[0] for row in rows]
    downloaders = [l for l in labels if l.startswith("downloader :")]
    r.check(len(rows) == 3 and len(downloaders) == 2 and all(row[2] == "100%" for row in rows)
            and shown.get("maps") == [FULL] * 3,
            f"{where}: three rows, all at 100% with full piece maps: {rows}")
    origin_row = next((row for row in rows if row[0].startswith("origin")), [""] * 6)
    r.check(all(d.split(" (")[0] in origin_row[5] for d in downloaders),
            f"{where}: the origin's row names both downloaders among those it uploaded to: {origin_row[5]}")
    summary = shown.get("summary", "")
    ratio = shown.get("ratio", "–")
    ratio = float(ratio) if re.match(r"^\d+\.\d\d$", ratio or "") else None
    sent = re.match(r"^([\d.]+) MiB$", origin_row[4])
    r.check(ratio is not None and ratio >= 1.0 and sent is not None
            and abs(float(sent[1]) / (SIZE >> 20) - ratio) < 0.02 and "2 of them have the whole file" in summary,
            f"{where}: the summary gives the origin's upload against the file's size: {summary} (ratio {ratio}, "
            f"uploaded cell {origin_row[4]})")
    r.check(not shown.get("errors") and not shown.get("external"),
            f"{where}: no page errors, nothing outside loopback: {shown.get('errors')} {shown.get('external')}")


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    procs, pages, nodes = [], [], []
    try:
        scene = WatchedSwarm(r, opts, tmp, procs, rate=RATE)
        node_port = free_port()
        node = NodeProcess(opts.tonari, tmp / "node", [f"-dashboard={node_port}"] +
                           [f"-dashboardwatch=http://127.0.0.1:{p}/" for p in scene.ports])
        node.start()
        nodes.append(node)
        scene.start_downloaders()  # no origin yet: they dial it again until it answers
        page = Page(r, f"http://127.0.0.1:{node_port}/")
        pages.append(page)
        before = page.swarm(2, 0, "swarm-start.png")
        r.check(len(before.get("swarm", [])) == 2 and before.get("maps") == ["0" * PIECES] * 2,
                f"before the origin: the two downloaders' rows, nothing in their maps: {before.get('swarm')}")

        scene.start_origin()
        r.check(wait_until(scene.all_published_complete, 120, 0.2),
                f"both downloaders complete: {[d.err()[-200:] for d in scene.downloaders]}")
        # Every piece left the origin at least once; its status says so within half a second.
        r.check(wait_until(lambda: (state(scene.ports[0]) or {}).get("node", {}).get("status", {})
                           .get("uploaded", 0) >= SIZE, 30), "the origin's status counts at least one copy sent")
        after = page.swarm(3, 3, "swarm-done.png", ratio=1.0, completes=2)
        check_rows(r, after, "the node's page")
        seen = after.get("seen") or {}
        watched = [m for m in seen if m != "this node"]
        for member in watched:
            maps = seen[member]
            partial = [m for m in maps if 0 < m.count("f") < PIECES]
            if member.endswith(f":{scene.ports[0]}"):
                r.check(maps[-1] == FULL, f"the origin's map was full: {maps[-1][:16]}…")
                continue
            r.check(len(partial) >= 1 and maps[-1] == FULL,
                    f"{member}'s piece map was drawn filling in: {len(maps)} maps drawn, {len(partial)} partly full")
        r.check(len(watched) == 3, f"the page drew maps for every member: {sorted(seen)}")
        done = [line for line in after.get("log", []) if "torrent_complete" in line and "downloaded film.bin" in line]
        r.check(len(done) == 2, f"the log tells both downloads completing: {done}")
        r.check(after.get("bitcoin_hidden") is False, "the node's page keeps its own sections")

        own = Page(r, f"http://127.0.0.1:{scene.ports[0]}/")
        pages.append(own)
        shown = own.swarm(3, 3, "swarm-origin.png", ratio=1.0)
        check_rows(r, shown, "the origin's page")
        r.check(shown.get("bitcoin_hidden") is True, "the origin's page hides the Bitcoin sections")
    finally:
        for p in pages:
            p.close()
        for n in nodes:
            n.kill()
        for p in reversed(procs):
            p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-swarm-browser-"))
