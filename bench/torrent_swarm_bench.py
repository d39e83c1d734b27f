#!/usr/bin/env python3
"""Swarm offload: one origin seeding a 64 MiB multi-file torrent to N tonari downloaders on
loopback, every peer finding the others through tonari's own tracker (no --connect lists), and
the origin's upload divided by the file size — the claim that in a P2P swarm the origin sends
about one copy however many download. Also the time until every downloader has checked every
piece.

  /usr/bin/python3 bench/torrent_swarm_bench.py --leechers 8 --leechers 32 [--no-super-seed]
"""
import argparse
import pathlib
import random
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "functional"))
from node_process import wait_until  # noqa: E402
from torrent_process import TorrentProcess, TrackerProcess  # noqa: E402

SIZE = 64 << 20


def run(tonari, leechers, super_seed, tmp):
    origin = tmp / "origin" / "share"
    origin.mkdir(parents=True)
    rng = random.Random(7)
    (origin / "a.bin").write_bytes(rng.randbytes(SIZE - (8 << 20)))
    (origin / "b.bin").write_bytes(rng.randbytes(8 << 20))
    tracker = TrackerProcess(tonari, tmp / "tracker", interval=10).start()
    torrent = tmp / "share.torrent"
    subprocess.run([tonari, "torrent", "create", str(origin), "-o", str(torrent), "--piece-size", "256K",
                    "--tracker", tracker.http], check=True, capture_output=True)
    procs = [tracker]
    try:
        seeder = TorrentProcess(tonari, torrent, origin.parent, mode="seed",
                                extra=["--super-seed"] if super_seed else []).start()
        procs.append(seeder)
        if not seeder.wait_listening():
            sys.exit("the origin did not start: " + seeder.err()[-300:])
        wait_until(lambda: f"tracker {tracker.http}: " in seeder.err(), 30, 0.05)
        started = time.monotonic()
        peers = []
        for i in range(leechers):
            p = TorrentProcess(tonari, torrent, tmp / f"dl{i}", extra=["--seed", "--max-peers", "60"]).start()
            peers.append(p)
            procs.append(p)
        if not wait_until(lambda: all(p.complete() for p in peers), 600, 0.2):
            sys.exit("not every downloader completed")
        took = time.monotonic() - started
        for p in [seeder] + peers:
            p.stop()
        uploaded = seeder.transferred()[1]
        return uploaded / SIZE, took
    finally:
        for p in procs:
            p.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tonari", default=str(ROOT / "build" / "default" / "src" / "app" / "tonari"))
    ap.add_argument("--leechers", type=int, action="append", help="downloaders (repeatable; default 8 and 32)")
    ap.add_argument("--no-super-seed", action="store_true", help="seed plainly (BEP 16 off)")
    opts = ap.parse_args()
    print(f"{'downloaders':>11}  {'origin upload / size':>20}  {'all complete':>12}")
    for n in opts.leechers or [8, 32]:
        with tempfile.TemporaryDirectory(prefix="tonari-swarm-bench-") as tmp:
            ratio, took = run(opts.tonari, n, not opts.no_super_seed, pathlib.Path(tmp))
        print(f"{n:>11}  {ratio:>19.2f}x  {took:>10.1f} s", flush=True)


if __name__ == "__main__":
    main()
