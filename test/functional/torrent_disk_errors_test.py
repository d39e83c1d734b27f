#!/usr/bin/env python3
"""Disk trouble during a transfer, on loopback with a 4 MiB two-file torrent:

1. Disk full: a downloader whose file writes stop at 1 MiB (RLIMIT_FSIZE, with SIGXFSZ ignored
   so the write fails with EFBIG as on a full disk) stops with a clear "error: writing the
   torrent's files: …" and exit status 1 — no crash. Started again without the limit, it keeps
   only the pieces it had verified and written, fetches the rest, and its files equal the
   original: no piece that failed to reach the disk was ever counted as done.
2. A file that vanished: a seeder whose file is deleted under it says "error: reading the
   torrent's files: … has vanished" and exits 1 when a peer asks for a piece of it — no crash,
   and no made-up data sent.
"""
import pathlib
import random
import resource
import shutil
import signal
import sys

from checks import run_test
from torrent_process import TorrentProcess, digests  # noqa: E402

LIMIT = 1 << 20


def limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # stays ignored across exec: writes fail with EFBIG


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    share = tmp / "origin" / "share"
    share.mkdir(parents=True)
    rng = random.Random(41)
    (share / "big.bin").write_bytes(rng.randbytes(3 << 20))
    (share / "small.bin").write_bytes(rng.randbytes(1 << 20))
    want = digests(share)
    torrent = tmp / "share.torrent"
    made = r.run("torrent", "create", str(share), "-o", str(torrent), "--v1", "--piece-size", "64K")
    r.check(made.returncode == 0, f"tonari creates a torrent: {made.stderr.strip()}")
    procs = []
    try:
        seeder = TorrentProcess(opts.tonari, torrent, tmp / "origin", mode="seed").start()
        procs.append(seeder)
        r.check(seeder.wait_listening(), "the seeder listens")

        # --- 1. disk full ----------------------------------------------------------------------
        full = TorrentProcess(opts.tonari, torrent, tmp / "full", connect=[seeder.endpoint]).start(limit_file_size)
        procs.append(full)
        code = full.wait(60)
        err = full.err()
        r.check(code == 1, f"1: the downloader stops with exit 1 when the disk is full (exit {code}): {err[-300:]}")
        r.check("error: writing the torrent's files:" in err, f"1: ... saying why: {err[-300:]}")
        again = TorrentProcess(opts.tonari, torrent, tmp / "full", connect=[seeder.endpoint]).start()
        procs.append(again)
        code = again.wait(60)
        r.check(code == 0, f"1: started again without the limit it completes (exit {code}): {again.err()[-300:]}")
        r.check(digests(tmp / "full" / "share") == want, "1: ... and its files equal the original")

        # --- 2. a file that vanished ------------------------------------------------------------
        copy = tmp / "copy"
        shutil.copytree(tmp / "origin" / "share", copy / "share")
        fragile = TorrentProcess(opts.tonari, torrent, copy, mode="seed").start()
        procs.append(fragile)
        r.check(fragile.wait_listening(), "2: a second seeder listens")
        (copy / "share" / "big.bin").unlink()
        asker = TorrentProcess(opts.tonari, torrent, tmp / "asker", connect=[fragile.endpoint]).start()
        procs.append(asker)
        code = fragile.wait(60)
        r.check(code == 1, f"2: the seeder whose file vanished stops with exit 1 (exit {code}): {fragile.err()[-300:]}")
        r.check("error: reading the torrent's files:" in fragile.err() and "has vanished" in fragile.err(),
                f"2: ... saying which file vanished: {fragile.err()[-300:]}")
        asker.stop()
        r.check("failed its hash check" not in asker.err(),
                f"2: the asker was sent no made-up data (no piece failed its check): {asker.err()[-300:]}")
    finally:
        for p in procs:
            p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-torrent-disk-"))
