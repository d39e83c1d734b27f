#!/usr/bin/env python3
"""Magnet links through the DHT alone (BEP 5; no tracker, no peer in the link), with three DHT
nodes on loopback: `tonari torrent dht-node` (the bootstrap node), libtorrent and tonari.

1. libtorrent seeds a 6 MiB multi-file torrent and announces it to the DHT; tonari, given only
   `magnet:?xt=urn:btih:…` and the bootstrap node, finds libtorrent by a get_peers lookup,
   fetches the metadata from it (BEP 9) and then the files, sha256 equal.
2. The other way: tonari seeds and announces itself; a fresh libtorrent session given only the
   magnet link and the bootstrap node finds tonari through the DHT and downloads everything.

libtorrent needs, on loopback: an explicit 127.0.0.1 listen address (it runs no DHT on a
"local network" socket), no one-node-per-IP routing and search restrictions, a high
per-IP packet limit (every node here shares 127.0.0.1), and the bootstrap node added as a
node (bootstrap routers never enter its routing table).
"""
import pathlib
import random
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import run_test  # noqa: E402
from libtorrent_session import import_libtorrent  # noqa: E402
from node_process import free_port, wait_until  # noqa: E402
from torrent_process import DhtNodeProcess, TorrentProcess, digests  # noqa: E402

TIMEOUT_S = 120
ASK_AGAIN_S = 10


def dht_session(lt, bootstrap_port):
    port = free_port()
    ses = lt.session({"listen_interfaces": f"127.0.0.1:{port}", "enable_dht": True, "enable_lsd": False,
                      "enable_upnp": False, "enable_natpmp": False, "enable_outgoing_utp": False,
                      "enable_incoming_utp": False, "allow_multiple_connections_per_ip": True,
                      "dht_bootstrap_nodes": f"127.0.0.1:{bootstrap_port}", "dht_restrict_routing_ips": False,
                      "dht_restrict_search_ips": False, "dht_block_ratelimit": 100000,
                      "dht_ignore_dark_internet": False})
    ses.add_dht_node(("127.0.0.1", bootstrap_port))
    return ses


def wait_asking(handle, timeout):
    """Waits for the torrent to complete, asking the DHT for peers again every few seconds. A
    fresh session's first lookup can run before its routing table has filled (on a loaded
    machine it does), and libtorrent's own next lookup is many minutes away; asking again is
    what a user's "update" button does. Either side may open the connection: each learns the
    other's address only from the DHT (the tonari seeder looks its torrent up too)."""
    deadline = time.monotonic() + timeout
    next_ask = 0.0
    while time.monotonic() < deadline:
        if handle.status().is_seeding:
            return True
        if time.monotonic() >= next_ask:
            handle.force_dht_announce()
            next_ask = time.monotonic() + ASK_AGAIN_S
        time.sleep(0.2)
    return handle.status().is_seeding


def body(r, opts, tmp):
    lt = import_libtorrent(r)
    if lt is None:
        return
    tmp = pathlib.Path(tmp)
    share = tmp / "origin" / "share"
    (share / "sub").mkdir(parents=True)
    rng = random.Random(17)
    (share / "a.bin").write_bytes(rng.randbytes(5 << 20))
    (share / "sub" / "b.bin").write_bytes(rng.randbytes(1 << 20))
    want = digests(share)
    torrent = tmp / "share.torrent"
    made = r.run("torrent", "create", str(share), "-o", str(torrent), "--v1", "--piece-size", "64K")
    r.check(made.returncode == 0, f"tonari creates a torrent with no tracker: {made.stderr.strip()}")
    info = lt.torrent_info(str(torrent))
    v1 = str(info.info_hashes().v1)
    magnet = f"magnet:?xt=urn:btih:{v1}"
    procs = []
    try:
        boot = DhtNodeProcess(opts.tonari, tmp / "boot").start()
        procs.append(boot)
        r.check(wait_until(lambda: "dht node: udp" in boot.output(), 30), f"the bootstrap node runs: {boot.output()}")

        # 1. libtorrent seeds and announces; tonari finds it through the DHT alone.
        seeder = dht_session(lt, boot.port)
        h = seeder.add_torrent({"ti": info, "save_path": str(share.parent)})
        r.check(wait_until(lambda: h.status().is_seeding, 60, 0.1), "libtorrent checks the files and seeds")
        h.force_dht_announce()
        r.check(wait_until(lambda: boot.stored_peers() >= 1, 60, 0.5),
                f"libtorrent's announce reached the bootstrap node: {boot.output()[-300:]}")
        dest = tmp / "tonari-copy"
        dl = TorrentProcess(opts.tonari, magnet, dest, dht=True, extra=["--dht-bootstrap", boot.endpoint]).start()
        procs.append(dl)
        code = dl.wait(TIMEOUT_S)
        r.check(code == 0, f"tonari gets the magnet link through the DHT (exit {code}): {dl.err()[-600:]}")
        r.check(digests(dest / "share") == want, "... and its files have the original sha256")
        r.check("metadata: share" in dl.err() and "checked against the info-hash" in dl.err(),
                "... the metadata came from a peer and matched the info-hash")
        r.check(f"peer 127.0.0.1:{seeder.listen_port()}: connected" in dl.err(),
                f"... from libtorrent, whose address only the DHT gave: {dl.err()[-300:]}")
        seeder.remove_torrent(h)
        del seeder

        # 2. tonari seeds and announces; libtorrent finds it through the DHT alone.
        before = boot.stored_peers()
        tonari_seed = TorrentProcess(opts.tonari, torrent, share.parent, mode="seed", dht=True,
                                     extra=["--dht-bootstrap", boot.endpoint]).start()
        procs.append(tonari_seed)
        r.check(tonari_seed.wait_listening(), "tonari seeds with the DHT on")
        r.check(wait_until(lambda: boot.stored_peers() > before or f"127.0.0.1:{tonari_seed.port}" in boot.output(), 60, 0.5),
                f"tonari's announce reached the bootstrap node: {boot.output()[-300:]} / {tonari_seed.err()[-300:]}")
        leecher = dht_session(lt, boot.port)
        params = lt.parse_magnet_uri(magnet)
        params.save_path = str(tmp / "lt-copy")
        lh = leecher.add_torrent(params)
        done = wait_asking(lh, TIMEOUT_S)
        r.check(done, f"libtorrent gets the magnet link from tonari through the DHT ({lh.status().progress:.2f})")
        r.check(done and digests(tmp / "lt-copy" / "share") == want, "... and its files have the original sha256")
        r.check(tonari_seed.stop() == 0, "the tonari seeder stops cleanly")
        r.check((tmp / "origin" / ".tonari" / "dht.nodes").exists(), "it saved the DHT nodes it knew for the next start")
        r.check(boot.running(), "the bootstrap node is still up")
    finally:
        for p in procs:
            p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-torrent-dht-"))
