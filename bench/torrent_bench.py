#!/usr/bin/env python3
"""BitTorrent system benchmarks, each side by side with the reference tool in the same run.

  create    `tonari torrent create` of --create-mib MiB against mktorrent (v1, the same piece
            size, both hashing on every core) and tonari's default hybrid (SHA-1 + SHA-256).
  transfer  a --transfer-mib MiB file over loopback TCP: a fresh tonari downloader from a
            tonari seeder, against a fresh libtorrent downloader from a libtorrent seeder
            (python3-libtorrent), from the downloader's start to every piece checked; once
            plain (tonari --encryption off, libtorrent encryption disabled) and once under
            MSE/PE's RC4 (tonari --encryption require, libtorrent forced with RC4 only).
  recheck   `tonari torrent get` on a complete copy of --create-mib MiB from the page cache:
            it checks every piece and exits; against libtorrent's own full check
            (torrent_handle.force_recheck on the same files).

Every figure is the median of --runs runs (each run fresh; files written once and kept in
the page cache). Output: one line per figure, and JSON in bench/out/torrent_bench.json.

  bench/torrent_bench.py
  bench/torrent_bench.py --only transfer --transfer-mib 512 --runs 3
"""
import argparse
import json
import os
import pathlib
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "functional"))
from node_process import wait_until as wait_for  # noqa: E402
from torrent_process import TorrentProcess  # noqa: E402


def write_random(path, mib):
    rng = random.Random(1)
    with open(path, "wb") as f:
        for _ in range(mib):
            f.write(rng.randbytes(1 << 20))


def timed(cmd, **kw):
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {proc.stderr[-500:]}")
    return time.monotonic() - started


def lt_session(lt, encrypted=False):
    """Plain TCP, or MSE/PE forced with RC4 as the only level (in and out)."""
    policy = lt.enc_policy.forced if encrypted else lt.enc_policy.disabled
    settings = {"listen_interfaces": "127.0.0.1:0", "enable_dht": False, "enable_lsd": False,
                "enable_upnp": False, "enable_natpmp": False, "allow_multiple_connections_per_ip": True,
                "enable_outgoing_utp": False, "enable_incoming_utp": False,
                "out_enc_policy": policy, "in_enc_policy": policy}
    if encrypted:
        settings["allowed_enc_level"] = lt.enc_level.rc4
    return lt.session(settings)


def bench_create(tonari, work, mib, runs):
    data = work / "create" / "data.bin"
    data.parent.mkdir(parents=True, exist_ok=True)
    write_random(data, mib)
    out = {"mib": mib}
    cores = str(os.cpu_count() or 2)
    rows = {
        "tonari_v1": lambda: timed([tonari, "torrent", "create", str(data), "--v1", "--piece-size", "1M", "-o",
                                    str(work / "t.torrent")]),
        "mktorrent_v1": lambda: (pathlib.Path(work / "m.torrent").unlink(missing_ok=True),  # it never overwrites
                                 timed(["mktorrent", "-l", "20", "-t", cores, "-o", str(work / "m.torrent"),
                                        str(data)]))[1],
        "tonari_hybrid": lambda: timed([tonari, "torrent", "create", str(data), "--piece-size", "1M", "-o",
                                        str(work / "h.torrent")]),
    }
    for fn in rows.values():
        fn()  # warm the page cache and both binaries
    for name, fn in rows.items():
        out[name] = statistics.median(fn() for _ in range(runs))
        print(f"create {mib} MiB: {name} {out[name]:.3f} s ({mib / out[name]:.0f} MiB/s)", flush=True)
    out["mktorrent_over_tonari_v1"] = out["mktorrent_v1"] / out["tonari_v1"]
    print(f"create: tonari v1 is {out['mktorrent_over_tonari_v1']:.2f}x mktorrent's speed")
    return out


def bench_recheck(tonari, lt, work, runs):
    data = work / "create" / "data.bin"
    mib = data.stat().st_size >> 20
    torrent = work / "t.torrent"  # the v1 torrent of bench_create, 1 MiB pieces
    times = []
    for _ in range(runs):
        started = time.monotonic()
        proc = subprocess.run([tonari, "torrent", "get", str(torrent), "-d", str(data.parent), "--bind", "127.0.0.1",
                               "--port", "0", "--no-dht", "--no-lsd"], capture_output=True, text=True, timeout=600)
        times.append(time.monotonic() - started)
        if proc.returncode != 0 or "already here" not in proc.stderr:
            raise RuntimeError(f"tonari recheck failed: {proc.stderr[-500:]}")
    ses = lt_session(lt)
    h = ses.add_torrent({"ti": lt.torrent_info(str(torrent)), "save_path": str(data.parent)})
    wait_for(lambda: h.status().is_seeding, 600)
    lt_times = []
    for _ in range(runs):
        started = time.monotonic()
        h.force_recheck()
        wait_for(lambda: h.status().state == lt.torrent_status.states.checking_files, 5, 0.001)
        wait_for(lambda: h.status().is_seeding, 600, 0.005)
        lt_times.append(time.monotonic() - started)
    out = {"mib": mib, "tonari_s": statistics.median(times), "libtorrent_s": statistics.median(lt_times)}
    print(f"recheck {mib} MiB: tonari {out['tonari_s']:.3f} s ({mib / out['tonari_s']:.0f} MiB/s, whole process), "
          f"libtorrent {out['libtorrent_s']:.3f} s ({mib / out['libtorrent_s']:.0f} MiB/s)", flush=True)
    return out


def bench_transfer(tonari, lt, work, mib, runs):
    src = work / "xfer" / "seed"
    src.mkdir(parents=True, exist_ok=True)
    write_random(src / "payload.bin", mib)
    torrent = work / "xfer.torrent"
    subprocess.run([tonari, "torrent", "create", str(src / "payload.bin"), "--piece-size", "1M", "-o", str(torrent)],
                   check=True, capture_output=True)
    out = {}
    for mode, encrypted in (("plain", False), ("rc4", True)):
        out[mode] = transfer_pair(tonari, lt, work, src, torrent, mib, runs, encrypted)
    return out


def transfer_pair(tonari, lt, work, src, torrent, mib, runs, encrypted):
    """tonari->tonari and libtorrent->libtorrent, both plain or both under MSE's RC4."""
    policy = ["--encryption", "require" if encrypted else "off"]
    seeder = TorrentProcess(tonari, torrent, src, mode="seed", extra=policy).start()
    if not seeder.wait_listening():
        raise RuntimeError("the tonari seeder did not start")
    tonari_times = []
    try:
        for i in range(runs):
            dest = work / "xfer" / f"t{i}"
            started = time.monotonic()
            leecher = TorrentProcess(tonari, torrent, dest, connect=[seeder.endpoint], extra=policy).start()
            if leecher.wait(600) != 0:
                raise RuntimeError(f"tonari download failed: {leecher.err()[-500:]}")
            tonari_times.append(time.monotonic() - started)
            if encrypted and "connected (outbound, rc4)" not in leecher.err():
                raise RuntimeError("the tonari transfer was not encrypted")
            shutil.rmtree(dest)
    finally:
        seeder.stop()
    ses_seed = lt_session(lt, encrypted)
    info = lt.torrent_info(str(torrent))
    hs = ses_seed.add_torrent({"ti": info, "save_path": str(src)})
    wait_for(lambda: hs.status().is_seeding, 600)
    lt_times = []
    for i in range(runs):
        dest = work / "xfer" / f"l{i}"
        ses = lt_session(lt, encrypted)
        started = time.monotonic()
        h = ses.add_torrent({"ti": info, "save_path": str(dest)})
        h.connect_peer(("127.0.0.1", ses_seed.listen_port()))
        if not wait_for(lambda: h.status().is_seeding, 600, 0.005):
            raise RuntimeError("libtorrent download did not finish")
        lt_times.append(time.monotonic() - started)
        ses.remove_torrent(h)
        del ses
        shutil.rmtree(dest, ignore_errors=True)
    del ses_seed
    t = statistics.median(tonari_times)
    l = statistics.median(lt_times)
    out = {"mib": mib, "tonari_s": t, "libtorrent_s": l, "tonari_mb_s": mib * 1.048576 / t,
           "libtorrent_mb_s": mib * 1.048576 / l, "ratio": l / t}
    mode = "RC4 (MSE/PE)" if encrypted else "plain"
    print(f"transfer {mib} MiB on loopback, {mode}: tonari->tonari {t:.2f} s ({out['tonari_mb_s']:.0f} MB/s, "
          f"whole process), libtorrent->libtorrent {l:.2f} s ({out['libtorrent_mb_s']:.0f} MB/s): "
          f"{out['ratio']:.2f}x", flush=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tonari", default=str(ROOT / "build" / "default" / "src" / "app" / "tonari"))
    ap.add_argument("--only", choices=["create", "transfer", "recheck"], action="append")
    ap.add_argument("--create-mib", type=int, default=1024)
    ap.add_argument("--transfer-mib", type=int, default=512)
    ap.add_argument("--runs", type=int, default=3)
    opts = ap.parse_args()
    try:
        import libtorrent as lt
    except ImportError:
        sys.exit("python3-libtorrent is missing: run under Debian's /usr/bin/python3 after scripts/install-deps")
    which = opts.only or ["create", "recheck", "transfer"]
    results = {}
    with tempfile.TemporaryDirectory(prefix="tonari-torrent-bench-") as tmp:
        work = pathlib.Path(tmp)
        if "create" in which or "recheck" in which:
            results["create"] = bench_create(opts.tonari, work, opts.create_mib, opts.runs)
        if "recheck" in which:
            results["recheck"] = bench_recheck(opts.tonari, lt, work, opts.runs)
        if "transfer" in which:
            results["transfer"] = bench_transfer(opts.tonari, lt, work, opts.transfer_mib, opts.runs)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "torrent_bench.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
