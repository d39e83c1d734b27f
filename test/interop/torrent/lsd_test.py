#!/usr/bin/env python3
"""Local service discovery (BEP 14) with libtorrent, on loopback's multicast: nobody is given
anyone's address, no tracker, no DHT.
- libtorrent seeds (LSD on); a tonari downloader announces itself on 239.192.152.143:6771 and
  the two find each other (libtorrent marks tonari as learnt by local discovery, or tonari logs
  libtorrent's announce); the file arrives whole.
- tonari seeds; libtorrent joins and announces; tonari hears it and the download completes.
"""
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import run_test  # noqa: E402
from libtorrent_session import import_libtorrent, lt_session  # noqa: E402
from node_process import wait_until  # noqa: E402
from torrent_process import TorrentProcess, digests, make_torrent, write_random_file  # noqa: E402


def body(r, opts, tmp):
    lt = import_libtorrent(r)
    if lt is None:
        return
    tmp = pathlib.Path(tmp)
    data = tmp / "origin" / "file.bin"
    want = write_random_file(data, 6 << 20, 31)
    torrent = tmp / "file.torrent"
    make_torrent(r, data, torrent, "--v1", "--piece-size", "64K")
    session = lt_session(lt, enable_lsd=True)
    procs = []
    try:
        # libtorrent seeds; tonari knows no address at all.
        h = session.add_torrent({"ti": lt.torrent_info(str(torrent)), "save_path": str(data.parent)})
        r.check(wait_until(lambda: h.status().is_seeding, 60, 0.05), "libtorrent checks the data and seeds")
        started = time.monotonic()
        leecher = TorrentProcess(opts.tonari, torrent, tmp / "tonari", lsd=True).start()
        procs.append(leecher)
        code = leecher.wait(90)
        err = leecher.err()
        r.check(code == 0, f"tonari downloads from libtorrent found by local discovery alone (exit {code}): {err[-400:]}")
        r.check("lsd: announcing on the local network" in err, "tonari announced itself on the multicast group")
        r.check(digests(tmp / "tonari").get("file.bin") == want, "tonari's copy has the original sha256")
        print(f"tonari found libtorrent and finished in {time.monotonic() - started:.1f} s")
        session.remove_torrent(h)

        # tonari seeds; libtorrent knows no address at all.
        seeder = TorrentProcess(opts.tonari, torrent, data.parent, mode="seed", lsd=True).start()
        procs.append(seeder)
        r.check(seeder.wait_listening(), "tonari seeds")
        r.check(wait_until(lambda: "lsd: announcing" in seeder.err(), 10, 0.05), "the seeder announces itself")
        started = time.monotonic()
        h = session.add_torrent({"ti": lt.torrent_info(str(torrent)), "save_path": str(tmp / "lt")})
        done = wait_until(lambda: h.status().is_seeding, 90, 0.05)
        r.check("announced itself on the local network" in seeder.err(),
                f"tonari heard libtorrent's announce: {seeder.err()[-300:]}")
        r.check(done, f"libtorrent downloads from the tonari seed found by local discovery "
                      f"({h.status().progress:.2f}, {time.monotonic() - started:.1f} s)")
        r.check(done and digests(tmp / "lt").get("file.bin") == want, "libtorrent's copy has the original sha256")
        r.check(seeder.stop() == 0, "the seeder stops cleanly")
        session.remove_torrent(h)
    finally:
        for p in procs:
            p.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-torrent-lsd-"))
