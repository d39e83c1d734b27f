#!/usr/bin/env python3
"""tonari ↔ tonari under each pair of `--encryption` policies, a 4 MiB torrent each time, the
files equal to the original and the transport each side logs for the connection as expected:

  seeder    downloader   transport
  prefer    prefer       rc4 (both sides)
  require   prefer       rc4
  prefer    require      rc4
  off       prefer       plaintext (the downloader's MSE dial is refused; it dials again in plain)
  prefer    off          plaintext (the seeder answers a plain handshake)

and `--encryption require` against `off` never connects (the dial fails and says so), while
a bad value for the option is refused with a clear error.
"""
import pathlib
import random
import re
import sys

from checks import run_test
from node_process import wait_until
from torrent_process import TorrentProcess, digests  # noqa: E402

CASES = [("prefer", "prefer", "rc4"), ("require", "prefer", "rc4"), ("prefer", "require", "rc4"),
         ("off", "prefer", "plaintext"), ("prefer", "off", "plaintext")]


def transports(proc, direction):
    return re.findall(rf"connected \({direction}, ([a-z0-9-]+)\)", proc.err())


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    share = tmp / "origin" / "share"
    share.mkdir(parents=True)
    rng = random.Random(3)
    (share / "a.bin").write_bytes(rng.randbytes(3 << 20))
    (share / "b.bin").write_bytes(rng.randbytes((1 << 20) + 5))
    want = digests(share)
    torrent = tmp / "share.torrent"
    made = r.run("torrent", "create", str(share), "-o", str(torrent), "--piece-size", "64K")
    r.check(made.returncode == 0, f"tonari creates a torrent: {made.stderr.strip()}")
    procs = []
    try:
        for n, (seed_policy, get_policy, expected) in enumerate(CASES):
            name = f"seed {seed_policy} / get {get_policy}"
            seeder = TorrentProcess(opts.tonari, torrent, tmp / "origin", mode="seed",
                                    extra=["--encryption", seed_policy]).start()
            procs.append(seeder)
            r.check(seeder.wait_listening(), f"{name}: the seeder listens")
            dest = tmp / f"copy-{n}"
            dl = TorrentProcess(opts.tonari, torrent, dest, connect=[seeder.endpoint],
                                extra=["--encryption", get_policy]).start()
            procs.append(dl)
            code = dl.wait(60)
            r.check(code == 0 and digests(dest / "share") == want, f"{name}: the download completes (exit {code}): "
                                                                    f"{dl.err()[-300:]}")
            r.check(transports(dl, "outbound") == [expected], f"{name}: the downloader's connection is {expected}: "
                                                              f"{transports(dl, 'outbound')}")
            r.check(wait_until(lambda: expected in transports(seeder, "inbound"), 10),
                    f"{name}: the seeder's connection is {expected}: {transports(seeder, 'inbound')}")
            if seed_policy == "off":
                r.check("outbound stream handshake failed" in dl.err() and "dialling again in plain" in dl.err(),
                        f"{name}: the downloader says its MSE dial was refused and it dialled again in plain")
            r.check(seeder.stop() == 0, f"{name}: the seeder stops cleanly")

        seeder = TorrentProcess(opts.tonari, torrent, tmp / "origin", mode="seed", extra=["--encryption", "off"]).start()
        procs.append(seeder)
        r.check(seeder.wait_listening(), "off seeder listens")
        dl = TorrentProcess(opts.tonari, torrent, tmp / "never", connect=[seeder.endpoint],
                            extra=["--encryption", "require"]).start()
        procs.append(dl)
        failed = f"peer {seeder.endpoint}: connect failed: stream handshake failed"
        r.check(wait_until(lambda: failed in dl.err(), 30), f"require against off: the dial fails and says so: {dl.err()[-300:]}")
        r.check(transports(dl, "outbound") == [], "... and never connects")
        r.check(dl.stop() == 1, "the download, stopped incomplete, exits 1")
        r.check(seeder.stop() == 0, "the seeder stops cleanly")

        bad = r.run("torrent", "get", str(torrent), "-d", str(tmp / "bad"), "--encryption", "always")
        r.check(bad.returncode != 0 and "--encryption takes prefer, require or off" in bad.stderr,
                f"a bad --encryption value is refused clearly: {bad.stderr.strip()[-200:]}")
    finally:
        for p in procs:
            p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-torrent-encryption-"))
