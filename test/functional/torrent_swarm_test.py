#!/usr/bin/env python3
"""A BitTorrent swarm of tonari processes on loopback: one seeder and eight downloaders of a
64 MiB multi-file torrent. Every downloader finishes with files identical to the original;
the seeder offers its pieces a few at a time (super-seeding, BEP 16) and the downloaders
trade them among themselves, so the seeder uploads little more than one copy (at most 1.5 x
the size) however many download. Then a downloader is killed with SIGKILL half-way and
restarted: it keeps every piece it had checked and fetches only the rest; another is stopped
with SIGTERM and restarts from its resume data without hashing anything. Last, the same
torrent moves over IPv6 loopback.
"""
import os
import pathlib
import random
import re
import sys
import time

from checks import run_test
from node_process import wait_until
from torrent_process import TorrentProcess, digests  # noqa: E402

LEECHERS = 8
SIZE = 64 << 20


def make_content(folder):
    rng = random.Random(11)
    (folder / "sub").mkdir(parents=True)
    sizes = {"big.bin": 40 << 20, "sub/mid.bin": (20 << 20) + 12345, "sub/small.txt": 1000}
    sizes["tail.bin"] = SIZE - sum(sizes.values())
    for name, size in sizes.items():
        (folder / name).write_bytes(rng.randbytes(size))
    return sizes


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    origin = tmp / "origin" / "share"
    make_content(origin)
    torrent = tmp / "share.torrent"
    made = r.run("torrent", "create", str(origin), "-o", str(torrent), "--piece-size", "256K")
    r.check(made.returncode == 0, f"create the torrent: {made.stderr.strip()}")
    want = digests(origin)
    procs = []
    try:
        seeder = TorrentProcess(opts.tonari, torrent, tmp / "origin", mode="seed", extra=["--super-seed"]).start()
        procs.append(seeder)
        r.check(seeder.wait_listening(), f"the seeder listens: {seeder.err()[-300:]}")
        leechers = []
        for i in range(LEECHERS):
            # Each downloader dials the seeder and the downloaders started before it.
            peers = [seeder.endpoint] + [l.endpoint for l in leechers]
            l = TorrentProcess(opts.tonari, torrent, tmp / f"leecher{i}", connect=peers, extra=["--seed"])
            leechers.append(l.start())
            procs.append(l)
        for l in leechers:
            r.check(l.wait_listening(), f"{l.folder.name} listens")
        started = time.monotonic()
        done = wait_until(lambda: all(l.complete() or not l.running() for l in leechers), 240, 0.2)
        took = time.monotonic() - started
        r.check(done and all(l.complete() for l in leechers), "all 8 downloaders complete")
        print(f"8 x 64 MiB swarm complete in {took:.1f} s")
        for l in leechers:
            r.check(digests(l.folder / "share") == want, f"{l.folder.name}'s files have the original sha256")
        codes = [p.stop() for p in procs]
        r.check(all(c == 0 for c in codes), f"every process stops cleanly on SIGTERM: {codes}")
        seeded = seeder.transferred()
        r.check(seeded is not None, "the seeder reports what it uploaded")
        if seeded is not None:
            ratio = seeded[1] / SIZE
            print(f"the seeder uploaded {seeded[1]} bytes = {ratio:.2f} x the size for {LEECHERS} downloaders")
            r.check(ratio <= 1.5, f"the seeder uploaded at most 1.5 x the size ({ratio:.2f})")
        uploads = [l.transferred()[1] for l in leechers if l.transferred()]
        r.check(sum(uploads) >= (LEECHERS - 1.5) * SIZE, f"the downloaders served each other: {uploads}")

        # kill -9 half-way, then a restart keeps what was checked.
        seeder = TorrentProcess(opts.tonari, torrent, tmp / "origin", mode="seed").start()
        procs.append(seeder)
        r.check(seeder.wait_listening(), "the seeder is back")
        victim_dir = tmp / "victim"
        victim = TorrentProcess(opts.tonari, torrent, victim_dir, connect=[seeder.endpoint],
                                extra=["--max-down", "16M"]).start()
        procs.append(victim)

        def on_disk():  # bytes really written: files are sparse until their pieces arrive
            return sum(p.stat().st_blocks * 512 for p in victim_dir.rglob("*") if p.is_file())
        r.check(wait_until(lambda: on_disk() >= SIZE // 3 or not victim.running(), 60, 0.05),
                "the downloader has a third of the data on disk")
        victim.kill()
        r.check(not victim.complete(), "the SIGKILL landed before the download finished")
        again = TorrentProcess(opts.tonari, torrent, victim_dir, connect=[seeder.endpoint])
        again.port = victim.port
        again.start()
        procs.append(again)
        r.check(again.wait(120) == 0, f"the restarted downloader completes: {again.err()[-300:]}")
        r.check(digests(victim_dir / "share") == want, "its files have the original sha256")
        have = [int(x) for x in re.findall(r"(\d+) of (\d+) pieces already here", again.err())[-1]]
        moved = again.transferred()
        print(f"after the restart {have[0]} of {have[1]} pieces were already there; "
              f"it downloaded {moved[0] if moved else '?'} bytes")
        r.check(have[0] > 0, "the restart kept the pieces checked before the kill")
        missing = (have[1] - have[0]) * (256 << 10)
        r.check(moved is not None and moved[0] <= missing + (4 << 20),
                f"only the missing pieces were fetched again ({moved[0] if moved else '?'} <= {missing} + slack)")

        # SIGTERM half-way: the resume data written on the way out lets the restart skip the
        # recheck, and again only the missing pieces come over the wire.
        paused_dir = tmp / "paused"
        paused = TorrentProcess(opts.tonari, torrent, paused_dir, connect=[seeder.endpoint],
                                extra=["--max-down", "16M"]).start()
        procs.append(paused)

        def paused_on_disk():
            return sum(p.stat().st_blocks * 512 for p in paused_dir.rglob("*") if p.is_file())
        r.check(wait_until(lambda: paused_on_disk() >= SIZE // 3 or not paused.running(), 60, 0.05),
                "a second downloader has a third of the data on disk")
        r.check(paused.stop() == 1, "SIGTERM stops it before the end (exit 1: incomplete)")
        resumed = TorrentProcess(opts.tonari, torrent, paused_dir, connect=[seeder.endpoint]).start()
        procs.append(resumed)
        r.check(resumed.wait(120) == 0, f"the resumed downloader completes: {resumed.err()[-300:]}")
        r.check(digests(paused_dir / "share") == want, "its files have the original sha256")
        found = re.findall(r"resume data: (\d+) of (\d+) pieces verified before and the files unchanged, so no recheck",
                           resumed.err())
        r.check(bool(found) and int(found[-1][0]) > 0, f"it started from its resume data, no recheck: {found}")
        r.check("checking share" not in resumed.err(), "... and hashed nothing on start")
        if found:
            missing = (int(found[-1][1]) - int(found[-1][0])) * (256 << 10)
            moved = resumed.transferred()
            r.check(moved is not None and moved[0] <= missing + (4 << 20),
                    f"only the missing pieces were fetched ({moved[0] if moved else '?'} <= {missing} + slack)")
            print(f"resumed with {found[-1][0]} of {found[-1][1]} pieces from resume data; "
                  f"downloaded {moved[0] if moved else '?'} bytes")

        # The same over IPv6 loopback.
        seeder.stop()
        seeder6 = TorrentProcess(opts.tonari, torrent, tmp / "origin", mode="seed", bind="::1").start()
        procs.append(seeder6)
        r.check(seeder6.wait_listening() and "[::1]" in seeder6.out_path.read_text(), "a seeder listens on [::1]")
        leecher6 = TorrentProcess(opts.tonari, torrent, tmp / "v6", connect=[seeder6.endpoint], bind="::1").start()
        procs.append(leecher6)
        r.check(leecher6.wait(120) == 0 and digests(tmp / "v6" / "share") == want,
                "a downloader gets the whole torrent over IPv6 with the original sha256")
    finally:
        for p in procs:
            p.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-swarm-"))
