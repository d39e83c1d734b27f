#!/usr/bin/env python3
"""Magnet links (BEP 9: the metadata fetched from peers over the extension protocol) with
libtorrent (python3-libtorrent), both ways, for a v1 multi-file torrent:
- libtorrent seeds; `tonari torrent get 'magnet:?xt=urn:btih:…&x.pe=…'` fetches the info
  dictionary from it, checks it against the info-hash, and downloads every file;
- tonari seeds; libtorrent, given only the magnet link and tonari's address, fetches the
  metadata from tonari and downloads.
The same both ways for a v2-only torrent and a `urn:btmh:` link, whose metadata has no piece
layers: they travel as BEP 52 hash requests (a 1,280-piece file takes three runs of 512 with
their proofs, a 7-piece one a run of 8, a one-piece file needs none, and a 513-piece one ends
with a lone piece, which tonari asks for as a run of 2 and libtorrent as a run of 1), so tonari
asks libtorrent for them and answers libtorrent's requests.
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
from torrent_process import TorrentProcess, digests, make_torrent  # noqa: E402

SIZE = 16 << 20


def tonari_fetches(r, opts, lt, session, torrent, seed_dir, magnet, dest, want, procs, label):
    """libtorrent seeds `torrent` from `seed_dir`; tonari, given only the magnet link and
    libtorrent's address, downloads into `dest`. Returns tonari's log."""
    h = session.add_torrent({"ti": lt.torrent_info(str(torrent)), "save_path": str(seed_dir)})
    r.check(wait_until(lambda: h.status().is_seeding, 60, 0.05), f"{label}: libtorrent checks the data and seeds")
    leecher = TorrentProcess(opts.tonari, f"{magnet}&x.pe=127.0.0.1:{session.listen_port()}", dest).start()
    procs.append(leecher)
    code = leecher.wait(120)
    err = leecher.err()
    r.check(code == 0, f"{label}: tonari downloads from a magnet link served by libtorrent (exit {code}): {err[-400:]}")
    r.check(digests(dest / want[0]) == want[1], f"{label}: tonari's copy has the original sha256")
    session.remove_torrent(h)
    return err


def libtorrent_fetches(r, opts, lt, session, torrent, seed_dir, magnet, dest, want, procs, label):
    """tonari seeds `torrent` from `seed_dir`; libtorrent, given only the magnet link and
    tonari's address, downloads into `dest`."""
    seeder = TorrentProcess(opts.tonari, torrent, seed_dir, mode="seed").start()
    procs.append(seeder)
    r.check(seeder.wait_listening(), f"{label}: tonari seeds")
    params = lt.parse_magnet_uri(magnet)
    params.save_path = str(dest)
    h = session.add_torrent(params)
    h.connect_peer(("127.0.0.1", seeder.port))
    started = time.monotonic()
    r.check(wait_until(lambda: h.status().has_metadata, 60, 0.05), f"{label}: libtorrent fetches the metadata from tonari")
    done = wait_until(lambda: h.status().is_seeding, 120, 0.05)
    r.check(done, f"{label}: libtorrent downloads from tonari after the metadata ({h.status().progress:.2f}, "
                  f"{time.monotonic() - started:.1f} s)")
    r.check(done and digests(dest / want[0]) == want[1], f"{label}: libtorrent's copy has the original sha256")
    r.check(seeder.running(), f"{label}: the tonari seeder is still up")
    session.remove_torrent(h)
    return seeder


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
    want = ("share", digests(share))
    torrent = tmp / "share.torrent"
    v1 = make_torrent(r, share, torrent, "--v1", "--piece-size", "32K").get("info_hash_v1")
    magnet = f"magnet:?xt=urn:btih:{v1}&dn=share"

    # v2 only: the piece layers travel as hash requests.
    v2_share = tmp / "origin2" / "share2"
    v2_share.mkdir(parents=True)
    (v2_share / "big.bin").write_bytes(rng.randbytes(1280 * 16384 - 999))
    (v2_share / "mid.bin").write_bytes(rng.randbytes(7 * 16384 - 5))
    (v2_share / "small.bin").write_bytes(rng.randbytes(10_000))
    (v2_share / "odd.bin").write_bytes(rng.randbytes(513 * 16384 - 77))
    want2 = ("share2", digests(v2_share))
    torrent2 = tmp / "share2.torrent"
    v2 = make_torrent(r, v2_share, torrent2, "--v2", "--piece-size", "16K").get("info_hash_v2")
    magnet2 = f"magnet:?xt=urn:btmh:1220{v2}&dn=share2"

    session = lt_session(lt)
    procs = []
    try:
        err = tonari_fetches(r, opts, lt, session, torrent, share.parent, magnet, tmp / "tonari", want, procs, "v1")
        r.check("metadata: complete, and its SHA-1 is the info-hash" in err, "v1: tonari checked the metadata's SHA-1")
        seeder = libtorrent_fetches(r, opts, lt, session, torrent, share.parent, magnet, tmp / "lt", want, procs, "v1")

        err = tonari_fetches(r, opts, lt, session, torrent2, v2_share.parent, magnet2, tmp / "tonari2", want2, procs, "v2")
        r.check("its SHA-256 is the info-hash" in err, "v2: tonari checked the metadata's SHA-256")
        r.check("piece layers: complete, every run proven" in err, "v2: tonari got the piece layers by hash requests")
        seeder2 = libtorrent_fetches(r, opts, lt, session, torrent2, v2_share.parent, magnet2, tmp / "lt2", want2, procs,
                                     "v2 (tonari answers libtorrent's hash requests)")
        r.check(seeder2.stop() == 0, "the tonari v2 seeder stops cleanly")

        # Nobody to ask: refused at once. A peer that never answers: SIGTERM ends the wait.
        nobody = r.run("torrent", "get", magnet, "-d", str(tmp / "nobody"), "--port", "0", "--no-dht", "--no-lsd")
        r.check(nobody.returncode == 1 and "no tracker, no peer, no DHT" in nobody.stderr,
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
