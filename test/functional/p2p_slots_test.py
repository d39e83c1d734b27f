#!/usr/bin/env python3
"""Connection slots and bans.

Inbound eviction: a node A with 30 inbound slots (-maxconnections=40, 10 kept for outbound)
holds an honest peer B that synced blocks from it, then 60 scripted peers connect one after
another and stay. A must keep at most 30 inbound peers, make room by evicting newcomers rather
than turning every one away, and never evict B — also after B reconnects and is younger than
the flood, when only its measured ping protects it. B still receives a block mined afterwards.

Bans: `setban` drops and keeps out the banned peers, `listbanned` shows the ban, and it
survives both a clean restart and a kill -9 (banlist.json is written when the ban is set);
`clearbanned` lets B back in.
"""
import os
import sys

from checks import run_test
from node_process import NodeProcess, wait_until
import p2p_peer as pp

ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"
MAX_CONNECTIONS = 40
INBOUND_SLOTS = MAX_CONNECTIONS - 10
FLOOD = 60



def bans(r, a, b):
    a.call("setban", "127.0.0.0/8", "add", 3600)
    a.call("setban", "192.0.2.0/24", "add", 0, False)
    r.check(wait_until(lambda: a.call("getconnectioncount") == 0, 15), "setban drops every loopback peer")
    listed = {x["address"] for x in a.call("listbanned")}
    r.check(listed == {"127.0.0.0/8", "192.0.2.0/24"}, f"listbanned shows both bans ({listed})")
    a.call("stop")
    r.check(a.wait_exit() == 0, "A stops cleanly")
    r.check((a.net_dir / "banlist.json").exists(), "the bans are in banlist.json")
    a.start()
    listed = {x["address"] for x in a.call("listbanned")}
    r.check(listed == {"127.0.0.0/8", "192.0.2.0/24"}, f"after a restart the bans are still there ({listed})")
    a.call("setban", "192.0.2.0/24", "remove")
    a.call("setban", "198.51.100.7", "add")
    a.kill()  # SIGKILL: only what was written at setban time survives
    a.start()
    listed = {x["address"] for x in a.call("listbanned")}
    r.check(listed == {"127.0.0.0/8", "198.51.100.7/32"}, f"after kill -9 the latest bans are there ({listed})")
    probe = pp.P2PPeer(a.p2p_port)
    r.check(probe.wait_for_disconnect(10) and not probe.messages, "a banned address is closed at accept")
    probe.close()
    a.call("clearbanned")
    r.check(a.call("listbanned") == [], "clearbanned empties the list")
    # B keeps retrying its -connect peer.
    r.check(wait_until(lambda: a.call("getconnectioncount") == 1, 30), "B connects again after clearbanned")
    a.call("stop")
    r.check(a.wait_exit() == 0, "A stops cleanly after the restarts")


def body(r, opts, tmp):
    flood = []
    a = NodeProcess(opts.tonari, os.path.join(tmp, "a"), ["-debug=net", f"-maxconnections={MAX_CONNECTIONS}"])
    b = NodeProcess(opts.tonari, os.path.join(tmp, "b"), ["-debug=net"])
    try:
        a.start()
        b.start(f"-connect=127.0.0.1:{a.p2p_port}")
        r.check(wait_until(lambda: a.call("getconnectioncount") == 1, 30), "B connects to A")
        tip = a.call("generatetoaddress", 10, ADDRESS)[-1]
        r.check(wait_until(lambda: b.call("getbestblockhash") == tip, 30), "B syncs A's blocks")
        b_addr = a.call("getpeerinfo")[0]["addr"]
        r.check(wait_until(lambda: "minping" in a.call("getpeerinfo")[0], 30), "A has measured B's ping")

        refused_at_once = 0
        for i in range(FLOOD):
            p = pp.P2PPeer(a.p2p_port)
            flood.append(p)
            if not p.handshake(timeout=30):
                refused_at_once += 1
            # Let the node settle this arrival before the next one.
            r.check(p.ping(timeout=30) or p.closed, f"flood peer {i}: answered or closed")
        def inbound():
            return [x for x in a.call("getpeerinfo") if x["inbound"]]
        r.check(wait_until(lambda: len(inbound()) <= INBOUND_SLOTS, 10),
                f"at most {INBOUND_SLOTS} inbound peers (have {len(inbound())})")
        r.check(any(x["addr"] == b_addr for x in inbound()), "the honest peer B was never evicted")

        def alive():
            return sum(1 for p in flood if not p.closed)
        r.check(wait_until(lambda: alive() == INBOUND_SLOTS - 1, 10),
                f"the flood holds the other {INBOUND_SLOTS - 1} slots (has {alive()})")
        # The last arrival is connected: room was made for it by evicting an earlier one.
        r.check(not flood[-1].closed, "the newest flood peer got a slot by eviction")
        r.check(refused_at_once < FLOOD - INBOUND_SLOTS, f"not every newcomer was turned away ({refused_at_once})")
        log = (a.net_dir / "debug.log").read_text(errors="replace")
        r.check("evicted to make room for an inbound connection" in log, "the log says who was evicted and why")

        # B comes back as one of the youngest peers: now only its measured ping protects it.
        def b_row():
            return next((x for x in inbound() if x["subver"].startswith("/Tonari")), None)
        a.call("disconnectnode", b_addr)
        def b_back():
            row = b_row()  # read once: B's row may come and go between two calls
            return row is not None and row["addr"] != b_addr and "minping" in row
        r.check(wait_until(b_back, 30), "B reconnects (B retries its -connect peer) and A measures its ping")
        for i in range(5):
            p = pp.P2PPeer(a.p2p_port)
            flood.append(p)
            r.check(p.handshake(timeout=30) and p.ping(timeout=30), f"late flood peer {i}: gets a slot by eviction")
        r.check(b_row() is not None, "B, younger than most of the flood, was not evicted: its ping protects it")

        tip = a.call("generatetoaddress", 1, ADDRESS)[0]
        r.check(wait_until(lambda: b.call("getbestblockhash") == tip, 30), "B still receives new blocks")
        for p in flood:
            p.close()
        bans(r, a, b)
    finally:
        for p in flood:
            p.close()
        a.kill()
        b.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-evict-"))
