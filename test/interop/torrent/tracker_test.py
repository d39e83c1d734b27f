#!/usr/bin/env python3
"""Trackers, with software nobody here wrote:
- Debian's opentracker over HTTP and over UDP (BEP 15): a tonari seeder and a tonari downloader
  find each other through it alone (no --connect), and the file arrives with its sha256.
- tonari's own tracker (`tonari torrent tracker`) serving libtorrent: libtorrent finds a tonari
  seeder through it (HTTP) and downloads; then libtorrent seeds and tonari finds it through the
  same tracker over UDP; the tracker's scrape counts the seeds.
"""
import pathlib
import random
import re
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import run_test  # noqa: E402
from libtorrent_session import import_libtorrent, lt_session  # noqa: E402
from node_process import wait_until  # noqa: E402
from opentracker import Opentracker  # noqa: E402
from scrape import info_hashes, scrape  # noqa: E402
from torrent_process import TorrentProcess, TrackerProcess, digests  # noqa: E402

SIZE = 16 << 20


def make_share(root):
    share = root / "share"
    (share / "sub").mkdir(parents=True)
    rng = random.Random(11)
    (share / "big.bin").write_bytes(rng.randbytes(SIZE - 100_000))
    (share / "sub" / "small.bin").write_bytes(rng.randbytes(100_000))
    return share


def via_opentracker(r, opts, tmp, procs, share, want):
    if not Opentracker.available():
        r.fail("opentracker is missing (scripts/install-deps installs it)")
        return
    torrent = tmp / "ot.torrent"
    made = r.run("torrent", "create", str(share), "-o", str(torrent), "--v1", "--piece-size", "64K")
    r.check(made.returncode == 0, f"tonari creates a v1 torrent: {made.stderr.strip()}")
    v1, _ = info_hashes(opts.tonari, torrent)
    ot = Opentracker([v1]).start()
    procs.append(ot)
    for proto, url in (("HTTP", ot.http), ("UDP", ot.udp)):
        seeder = TorrentProcess(opts.tonari, torrent, share.parent, mode="seed", extra=["--tracker", url]).start()
        procs.append(seeder)
        r.check(seeder.wait_listening(), f"opentracker {proto}: tonari seeds")
        r.check(wait_until(lambda: re.search(f"tracker {re.escape(url)}: \\d+ peers", seeder.err()), 60, 0.1),
                f"opentracker {proto}: the seeder announced ({seeder.err()[-200:]})")
        dest = tmp / f"ot-{proto}"
        leecher = TorrentProcess(opts.tonari, torrent, dest, extra=["--tracker", url]).start()
        procs.append(leecher)
        code = leecher.wait(120)
        r.check(code == 0, f"opentracker {proto}: tonari downloads from the peer it was given (exit {code}): "
                           f"{leecher.err()[-300:]}")
        r.check(digests(dest / "share") == want, f"opentracker {proto}: the copy has the original sha256")
        r.check(f"tracker {url}: 1 peers (started)" in leecher.err() or f"tracker {url}: 2 peers (started)" in leecher.err(),
                f"opentracker {proto}: the seeder came from the tracker's answer")
        r.check(seeder.stop() == 0, f"opentracker {proto}: the seeder stops cleanly")


def via_tonari_tracker(r, opts, tmp, procs, share, want):
    lt = import_libtorrent(r)
    if lt is None:
        return
    tracker = TrackerProcess(opts.tonari, tmp / "tracker").start()
    procs.append(tracker)
    torrent = tmp / "own.torrent"
    made = r.run("torrent", "create", str(share), "-o", str(torrent), "--hybrid", "--piece-size", "64K",
                 "--tracker", tracker.http)
    r.check(made.returncode == 0, f"tonari creates a hybrid torrent naming its tracker: {made.stderr.strip()}")
    v1, _ = info_hashes(opts.tonari, torrent)

    # tonari seeds and announces; libtorrent learns of it from the tracker alone.
    seeder = TorrentProcess(opts.tonari, torrent, share.parent, mode="seed").start()
    procs.append(seeder)
    r.check(seeder.wait_listening(), "tonari seeds")
    r.check(wait_until(lambda: scrape(tracker.http, v1).get("complete") == 1, 60, 0.1),
            f"the tracker's scrape counts the tonari seed ({scrape(tracker.http, v1)})")
    session = lt_session(lt, announce_to_all_trackers=True, announce_to_all_tiers=True)
    dest = tmp / "lt"
    h = session.add_torrent({"ti": lt.torrent_info(str(torrent)), "save_path": str(dest)})
    started = time.monotonic()
    done = wait_until(lambda: h.status().is_seeding, 120, 0.05)
    r.check(done, f"libtorrent finds the tonari seed through tonari's tracker and downloads "
                  f"({h.status().progress:.2f}, {time.monotonic() - started:.1f} s)")
    r.check(done and digests(dest / "share") == want, "libtorrent's copy has the original sha256")
    r.check(seeder.stop() == 0, "the tonari seeder stops cleanly")
    r.check(wait_until(lambda: scrape(tracker.http, v1).get("complete") == 1, 60, 0.1),
            f"the stopped seeder left the tracker; libtorrent seeds there ({scrape(tracker.http, v1)})")

    # libtorrent seeds; tonari finds it through the same tracker, over UDP.
    leecher = TorrentProcess(opts.tonari, torrent, tmp / "tonari-udp", extra=["--no-trackers", "--tracker", tracker.udp]).start()
    procs.append(leecher)
    code = leecher.wait(120)
    r.check(code == 0, f"tonari downloads from libtorrent found over UDP (exit {code}): {leecher.err()[-300:]}")
    r.check(digests(tmp / "tonari-udp" / "share") == want, "tonari's copy has the original sha256")
    r.check(tracker.running(), "the tracker is still up")
    r.check(tracker.stop() == 0, "the tracker stops cleanly on SIGTERM")
    session.remove_torrent(h)


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    share = make_share(tmp / "origin")
    want = digests(share)
    procs = []
    try:
        via_opentracker(r, opts, tmp, procs, share, want)
        via_tonari_tracker(r, opts, tmp, procs, share, want)
    finally:
        for p in procs:
            if hasattr(p, "kill"):
                p.kill()
            else:
                p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-torrent-tracker-"))
