#!/usr/bin/env python3
"""Rate limits for all peers together: a seeder with `--max-up 1M` and a downloader with
`--max-down 1M`, each on a 4 MiB torrent over loopback (where it would otherwise take a
fraction of a second). Each limit holds across two downloaders / two seeders at once: what
the limited side moved takes at least (bytes − the one-second burst) ÷ rate, and the files
are intact.
Lower bounds only — a busy machine makes it slower, never faster.
"""
import pathlib
import random
import sys
import time

from checks import run_test
from torrent_process import TorrentProcess, digests  # noqa: E402

SIZE = 4 << 20
RATE = 1 << 20
MIN_SECONDS = (SIZE - RATE) / RATE * 0.9


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    share = tmp / "origin" / "share"
    share.mkdir(parents=True)
    rng = random.Random(5)
    (share / "a.bin").write_bytes(rng.randbytes(SIZE // 2))
    (share / "b.bin").write_bytes(rng.randbytes(SIZE // 2))
    want = digests(share)
    torrent = tmp / "share.torrent"
    made = r.run("torrent", "create", str(share), "-o", str(torrent), "--piece-size", "64K")
    r.check(made.returncode == 0, f"tonari creates a torrent: {made.stderr.strip()}")
    procs = []
    try:
        # --max-up on the seeder, shared by two downloaders: 2 x 4 MiB at 1 MiB/s.
        seeder = TorrentProcess(opts.tonari, torrent, tmp / "origin", mode="seed", extra=["--max-up", "1M"]).start()
        procs.append(seeder)
        r.check(seeder.wait_listening(), "a seeder with --max-up 1M listens")
        started = time.monotonic()
        downloaders = [TorrentProcess(opts.tonari, torrent, tmp / f"up-{i}", connect=[seeder.endpoint]).start()
                       for i in range(2)]
        procs.extend(downloaders)
        codes = [d.wait(120) for d in downloaders]
        took = time.monotonic() - started
        r.check(codes == [0, 0], f"both downloaders complete: {codes}")
        r.check(all(digests(tmp / f"up-{i}" / "share") == want for i in range(2)), "... with intact files")
        r.check(seeder.stop() == 0, "the seeder stops cleanly")
        # The downloaders also trade with each other (they hear of each other by peer
        # exchange), so the bound is on what the seeder itself sent.
        uploaded = (seeder.transferred() or (0, 0))[1]
        floor = (uploaded - RATE) / RATE * 0.9
        print(f"upload limit: the seeder at --max-up 1M sent {uploaded / (1 << 20):.1f} MiB to 2 downloaders of "
              f"{SIZE >> 20} MiB in {took:.2f} s (at least {floor:.2f} s expected)")
        r.check(uploaded >= SIZE, f"the seeder sent at least one copy: {uploaded}")
        r.check(took >= floor, f"the seeder's upload stayed under its limit ({took:.2f} s < {floor:.2f} s)")

        # --max-down on a downloader fed by two unlimited seeders.
        seeders = [TorrentProcess(opts.tonari, torrent, tmp / "origin", mode="seed").start() for _ in range(2)]
        procs.extend(seeders)
        r.check(all(s.wait_listening() for s in seeders), "two unlimited seeders listen")
        started = time.monotonic()
        dl = TorrentProcess(opts.tonari, torrent, tmp / "down", connect=[s.endpoint for s in seeders],
                            extra=["--max-down", "1M"]).start()
        procs.append(dl)
        code = dl.wait(120)
        took = time.monotonic() - started
        r.check(code == 0 and digests(tmp / "down" / "share") == want, f"the limited downloader completes intact (exit {code})")
        print(f"download limit: {SIZE >> 20} MiB at --max-down 1M took {took:.2f} s (at least {MIN_SECONDS:.2f} s expected)")
        r.check(took >= MIN_SECONDS, f"its download stayed under its limit ({took:.2f} s < {MIN_SECONDS:.2f} s)")
        bad = r.run("torrent", "get", str(torrent), "-d", str(tmp / "bad"), "--max-up", "fast", "--no-dht", "--no-lsd")
        r.check(bad.returncode == 1 and "--max-up takes" in bad.stderr, f"a bad --max-up is refused: {bad.stderr.strip()}")
    finally:
        for p in procs:
            p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-torrent-rate-"))
