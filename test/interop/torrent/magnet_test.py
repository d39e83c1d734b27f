#!/usr/bin/env python3
"""Magnet links (BEP 9: the metadata fetched from peers over the extension protocol) with
libtorrent (python3-libtorrent), both ways, for a v1 multi-file torrent:
- libtorrent seeds; `tonari torrent get 'magnet:?xt=urn:btih:…&x.pe=…'` fetches the info
  dictionary from it, checks it against the info-hash, and downloads every file;
- tonari seeds; libtorrent, given only the magnet link and tonari's address, fetches the
  metadata from tonari and downloads.
Then a tonari downloader given a magnet link whose only peer is tonari itself (a seed of a
different torrent) gives up cleanly on SIGTERM, and a link with no tracker or peer is refused.
"""
import pathlib
import random
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import run_test  # noqa: E402
from libtorrent_session import import_libtorrent, lt_session  # noqa: E402
from node_process import wait_until  # noqa: E402
from scrape import info_hashes  # noqa: E402
from torrent_process import TorrentProcess, digests  # noqa: E402

SIZE = 16 << 20


def body(r, opts, tmp):
    lt = import_libtorrent(r)
    if lt is None:
        return
    tmp = pathlib.Path(tmp)
    share = tmp / "origin" / "share"
    (share / "more").mkdir(parents=True)
    rng = random.Random(17)
    (share / "one.bin").write_bytes(rng.randbytes(SIZE - 50_000))
    (share / "more" / "two.bin").write_bytes(rng.randbytes(50_000))
    want = digests(share)
    torrent = tmp / "share.torrent"
    made = r.run("torrent", "create", str(share), "-o", str(torrent), "--v1", "--piece-size", "32K")
    r.check(made.returncode == 0, f"tonari creates a v1 torrent: {made.stderr.strip()}")
    v1, _ = info_hashes(opts.tonari, torrent)
    magnet = f"magnet:?xt=urn:btih:{v1}&dn=share"
    session = lt_session(lt)
    procs = []
    try:
        # libtorrent seeds; tonari has only the magnet link and libtorrent's address.
        h = session.add_torrent({"ti": lt.torrent_info(str(torrent)), "save_path": str(tmp / "origin")})
        r.check(wait_until(lambda: h.status().is_seeding, 60, 0.05), "libtorrent checks the data and seeds")
        port = session.listen_port()
        leecher = TorrentProcess(opts.tonari, f"{magnet}&x.pe=127.0.0.1:{port}", tmp / "tonari").start()
        procs.append(leecher)
        code = leecher.wait(120)
        err = leecher.err()
        r.check(code == 0, f"tonari downloads from a magnet link, metadata from libtorrent (exit {code}): {err[-300:]}")
        r.check("metadata: complete, and its SHA-1 is the info-hash" in err, "tonari checked the metadata's SHA-1")
        r.check(digests(tmp / "tonari" / "share") == want, "tonari's copy has the original sha256")
        session.remove_torrent(h)

        # tonari seeds; libtorrent has only the magnet link and tonari's address.
        seeder = TorrentProcess(opts.tonari, torrent, share.parent, mode="seed").start()
        procs.append(seeder)
        r.check(seeder.wait_listening(), "tonari seeds")
        params = lt.parse_magnet_uri(magnet)
        params.save_path = str(tmp / "lt")
        h = session.add_torrent(params)
        h.connect_peer(("127.0.0.1", seeder.port))
        started = time.monotonic()
        got_metadata = wait_until(lambda: h.status().has_metadata, 60, 0.05)
        r.check(got_metadata, "libtorrent fetches the metadata from tonari")
        done = wait_until(lambda: h.status().is_seeding, 120, 0.05)
        r.check(done, f"libtorrent downloads from tonari after the metadata ({h.status().progress:.2f}, "
                      f"{time.monotonic() - started:.1f} s)")
        r.check(done and digests(tmp / "lt" / "share") == want, "libtorrent's copy has the original sha256")
        r.check(seeder.running(), "the tonari seeder is still up")
        session.remove_torrent(h)

        # Nobody to ask: refused at once. A peer that never answers: SIGTERM ends the wait.
        nobody = r.run("torrent", "get", magnet, "-d", str(tmp / "nobody"), "--port", "0", "--no-dht")
        r.check(nobody.returncode == 1 and "no tracker, no peer and no DHT" in nobody.stderr,
                f"a magnet link with no tracker and no peer is refused: {nobody.stderr.strip()[-200:]}")
        other = "0123456789abcdef0123456789abcdef01234567"
        waiting = TorrentProcess(opts.tonari, f"magnet:?xt=urn:btih:{other}&x.pe=127.0.0.1:{seeder.port}",
                                 tmp / "waiting").start()
        procs.append(waiting)
        r.check(wait_until(lambda: "fetching metadata" in waiting.err() or "another torrent" in waiting.err(), 30, 0.1),
                f"a fetch from a peer without that torrent keeps waiting: {waiting.err()[-200:]}")
        code = waiting.stop()
        r.check(code == 1, f"SIGTERM ends the fetch with exit 1 (not complete): {code}")
        r.check("error: metadata: stopped" in waiting.err(), "and it says it was stopped")
        r.check(seeder.stop() == 0, "the tonari seeder stops cleanly")
    finally:
        for p in procs:
            p.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-torrent-magnet-"))
