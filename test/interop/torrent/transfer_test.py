#!/usr/bin/env python3
"""Files moving between tonari and libtorrent (python3-libtorrent, Debian's) on loopback, both
ways, for v1, hybrid and v2 torrents of a multi-file folder: tonari seeds and libtorrent
downloads, libtorrent seeds and tonari downloads; the sha256 of every file must match.

libtorrent is told to use TCP without encryption: tonari does not speak uTP (BEP 29), and a
plain libtorrent also shows tonari's encrypted dials falling back to plain (encryption_test.py
covers MSE/PE itself).
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
from torrent_process import TorrentProcess, digests  # noqa: E402

SIZE = 24 << 20


def body(r, opts, tmp):
    lt = import_libtorrent(r)
    if lt is None:
        return
    tmp = pathlib.Path(tmp)
    origin = tmp / "origin" / "share"
    (origin / "docs").mkdir(parents=True)
    rng = random.Random(5)
    (origin / "movie.bin").write_bytes(rng.randbytes(SIZE - 300_000))
    (origin / "docs" / "notes.txt").write_bytes(rng.randbytes(299_000))
    (origin / "docs" / "tiny").write_bytes(rng.randbytes(1000))
    want = digests(origin)
    session = lt_session(lt)
    procs = []
    try:
        for version in ("v1", "hybrid", "v2"):
            torrent = tmp / f"share-{version}.torrent"
            made = r.run("torrent", "create", str(origin), "-o", str(torrent), f"--{version}", "--piece-size", "64K")
            r.check(made.returncode == 0, f"tonari creates a {version} torrent: {made.stderr.strip()}")
            info = lt.torrent_info(str(torrent))

            # tonari seeds, libtorrent downloads.
            seeder = TorrentProcess(opts.tonari, torrent, tmp / "origin", mode="seed").start()
            procs.append(seeder)
            r.check(seeder.wait_listening(), f"{version}: tonari seeds")
            dest = tmp / f"lt-{version}"
            h = session.add_torrent({"ti": info, "save_path": str(dest)})
            h.connect_peer(("127.0.0.1", seeder.port))
            started = time.monotonic()
            done = wait_until(lambda: h.status().is_seeding, 120, 0.05)
            took = time.monotonic() - started
            r.check(done, f"{version}: libtorrent downloads from tonari ({h.status().progress:.2f})")
            r.check(done and digests(dest / "share") == want,
                    f"{version}: libtorrent's copy has the original sha256 ({SIZE >> 20} MiB in {took:.2f} s)")
            r.check(seeder.stop() == 0, f"{version}: the tonari seeder stops cleanly")
            r.check(seeder.transferred() is not None and seeder.transferred()[1] >= SIZE * 0.99,
                    f"{version}: tonari uploaded the whole torrent ({seeder.transferred()})")
            session.remove_torrent(h)

            # libtorrent seeds (its copy, checked above), tonari downloads.
            h = session.add_torrent({"ti": info, "save_path": str(dest)})
            wait_until(lambda: h.status().is_seeding, 60, 0.05)
            port = session.listen_port()
            leecher = TorrentProcess(opts.tonari, torrent, tmp / f"tonari-{version}",
                                     connect=[f"127.0.0.1:{port}"]).start()
            procs.append(leecher)
            code = leecher.wait(120)
            r.check(code == 0, f"{version}: tonari downloads from libtorrent (exit {code}): {leecher.err()[-300:]}")
            r.check(digests(tmp / f"tonari-{version}" / "share") == want, f"{version}: tonari's copy has the original sha256")
            session.remove_torrent(h)
    finally:
        for p in procs:
            p.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-torrent-xfer-"))
