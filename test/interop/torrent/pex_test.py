#!/usr/bin/env python3
"""Peer exchange (BEP 11) with libtorrent: a tonari seeder has two peers — a tonari downloader
and libtorrent, which was given only the seeder's address. The seeder's ut_pex message tells
libtorrent where the tonari downloader listens (libtorrent itself marks that peer as learnt
from peer exchange), and the two connect — in either direction, since the downloader hears of
libtorrent from the seeder the same way.
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
from torrent_process import TorrentProcess  # noqa: E402


def body(r, opts, tmp):
    lt = import_libtorrent(r)
    if lt is None:
        return
    tmp = pathlib.Path(tmp)
    data = tmp / "origin" / "file.bin"
    data.parent.mkdir(parents=True)
    data.write_bytes(random.Random(29).randbytes(8 << 20))
    torrent = tmp / "file.torrent"
    made = r.run("torrent", "create", str(data), "-o", str(torrent), "--v1", "--piece-size", "16K")
    r.check(made.returncode == 0, f"tonari creates a torrent: {made.stderr.strip()}")
    procs = []
    session = lt_session(lt)
    try:
        seeder = TorrentProcess(opts.tonari, torrent, data.parent, mode="seed").start()
        procs.append(seeder)
        r.check(seeder.wait_listening(), "the tonari seeder listens")
        # Slow downloaders, so both are still connected when the exchange happens (5 s in).
        downloader = TorrentProcess(opts.tonari, torrent, tmp / "tonari", connect=[seeder.endpoint],
                                    extra=["--max-down", "100K"]).start()
        procs.append(downloader)
        r.check(downloader.wait_listening(), "the tonari downloader listens")
        h = session.add_torrent({"ti": lt.torrent_info(str(torrent)), "save_path": str(tmp / "lt")})
        h.set_download_limit(100_000)
        h.connect_peer(("127.0.0.1", seeder.port))
        started = time.monotonic()

        # libtorrent marks a peer it heard of by peer exchange; the two then connect in one
        # direction or the other (the tonari downloader hears of libtorrent from the seeder too).
        def via_pex():
            peers = h.get_peer_info()
            return len(peers) >= 2 and any(p.source & lt.peer_info.pex for p in peers)
        found = wait_until(via_pex, 60, 0.1)
        r.check(found, f"libtorrent learns of the tonari downloader through tonari's ut_pex and they connect: "
                       f"{[(p.ip, p.source) for p in h.get_peer_info()]} (downloader on {downloader.port})")
        if found:
            print(f"libtorrent connected to the downloader {time.monotonic() - started:.1f} s after joining")
        r.check(seeder.running() and downloader.running(), "both tonari processes are still up")
        session.remove_torrent(h)
    finally:
        for p in procs:
            p.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-torrent-pex-"))
