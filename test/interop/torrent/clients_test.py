#!/usr/bin/env python3
"""A 64 MiB multi-file torrent between tonari and Transmission 3.00, aria2 and qBittorrent 4.5,
both ways, every peer finding the others only through tonari's own tracker: tonari seeds
and the other client downloads; the other client seeds and tonari downloads. The sha256 of every
file must match the original.

Measured traps (docs/dependencies.md): Transmission ignores 127.x peers handed out by a
tracker, so when it downloads, tonari dials it (Transmission announces first, then tonari);
aria2 1.36 hashes a hybrid or v2 .torrent's info dictionary differently from every other client
(it re-encodes it), so it is given a v1 torrent.
"""
import pathlib
import random
import sys
import urllib.parse

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import clients  # noqa: E402
from checks import run_test  # noqa: E402
from node_process import free_port, wait_until  # noqa: E402
from scrape import info_hashes, scrape  # noqa: E402
from torrent_process import TorrentProcess, TrackerProcess, digests  # noqa: E402

SIZE = 64 << 20
TRANSFER_TIMEOUT_S = 180


def make_share(root):
    share = root / "share"
    (share / "extras").mkdir(parents=True)
    rng = random.Random(13)
    (share / "film.bin").write_bytes(rng.randbytes(SIZE - 3_000_000))
    (share / "extras" / "a.bin").write_bytes(rng.randbytes(2_000_000))
    (share / "extras" / "b.txt").write_bytes(rng.randbytes(999_999))
    (share / "readme").write_bytes(rng.randbytes(1))
    return share


def swarm_counts(tracker, v1):
    try:
        return scrape(tracker.http, v1)
    except OSError:
        return {}


def tonari_downloads_from(r, opts, tmp, procs, torrent, want, client, check_wire):
    """A tonari downloader finds `client`'s seed through the tracker and gets every file."""
    folder = tmp / ("from-" + client.lower())
    leecher = TorrentProcess(opts.tonari, torrent, folder).start()
    procs.append(leecher)
    code = leecher.wait(TRANSFER_TIMEOUT_S)
    r.check(code == 0, f"tonari downloads from {client} (exit {code}): {leecher.err()[-300:]}")
    r.check(digests(folder / "share") == want, f"tonari's copy from {client} has the original sha256")
    if check_wire:
        r.check((leecher.transferred() or (0, 0))[0] >= SIZE * 0.95, f"... and it came over the wire ({leecher.transferred()})")


def with_transmission(r, opts, tmp, procs, tracker, torrent, v1, share, want):
    if not clients.available("transmission-cli"):
        r.fail("transmission-cli is missing (scripts/install-deps installs it)")
        return
    # Transmission downloads: it announces first, tonari then learns of it and dials it.
    dest = tmp / "transmission"
    config = tmp / "transmission-config"
    port = free_port()
    tr = clients.transmission(torrent, dest, config, port)
    procs.append(tr)
    r.check(wait_until(lambda: swarm_counts(tracker, v1).get("incomplete") == 1, 60, 0.2),
            f"Transmission announced itself to tonari's tracker ({swarm_counts(tracker, v1)})")
    seeder = TorrentProcess(opts.tonari, torrent, share.parent, mode="seed").start()
    procs.append(seeder)
    r.check(seeder.wait_listening(), "tonari seeds")
    done = wait_until(lambda: (dest / "share").exists() and digests(dest / "share") == want, TRANSFER_TIMEOUT_S, 1)
    r.check(done, f"Transmission downloads the whole torrent from tonari: {tr.output()[-300:]}")
    r.check(seeder.stop() == 0, "the tonari seeder stops cleanly")
    r.check((seeder.transferred() or (0, 0))[1] >= SIZE * 0.95, f"tonari uploaded it ({seeder.transferred()})")
    tr.stop()
    if not done:
        return

    # Transmission checks its copy and seeds it; tonari finds it through the tracker and downloads.
    tr = clients.transmission(torrent, dest, tmp / "transmission-seed-config", free_port(), verify=True)
    procs.append(tr)
    r.check(wait_until(lambda: swarm_counts(tracker, v1).get("complete") == 1, 60, 0.2),
            f"Transmission announced itself as a seed ({swarm_counts(tracker, v1)})")
    tonari_downloads_from(r, opts, tmp, procs, torrent, want, "Transmission", check_wire=True)
    tr.stop()


def with_aria2(r, opts, tmp, procs, tracker, torrent, v1, share, want):
    if not clients.available("aria2c"):
        r.fail("aria2c is missing (scripts/install-deps installs aria2)")
        return
    # tonari seeds; aria2 finds it through the tracker, downloads, checks and exits.
    seeder = TorrentProcess(opts.tonari, torrent, share.parent, mode="seed").start()
    procs.append(seeder)
    r.check(seeder.wait_listening(), "tonari seeds for aria2")
    r.check(wait_until(lambda: f"tracker {tracker.http}: " in seeder.err(), 60, 0.2),
            f"tonari announced itself to the tracker: {seeder.err()[-200:]}")
    dest = tmp / "aria2"
    a2 = clients.aria2_download(torrent, dest, free_port())
    procs.append(a2)
    code = a2.wait(TRANSFER_TIMEOUT_S)
    r.check(code == 0, f"aria2 downloads from tonari and exits 0 (exit {code}): {a2.output()[-300:]}")
    r.check((dest / "share").exists() and digests(dest / "share") == want, "aria2's copy has the original sha256")
    # A magnet link too: aria2 announces left=0 while it fetches the metadata, and tonari's
    # tracker still tells it of the seed; the metadata comes from tonari (BEP 9).
    magnet = f"magnet:?xt=urn:btih:{v1}&tr={urllib.parse.quote(tracker.http, safe='')}"
    a2m = clients.aria2_download(magnet, tmp / "aria2-magnet", free_port())
    procs.append(a2m)
    code = a2m.wait(TRANSFER_TIMEOUT_S)
    r.check(code == 0 and digests(tmp / "aria2-magnet" / "share") == want,
            f"aria2 gets a magnet link from tonari through the tracker (exit {code}): {a2m.output()[-300:]}")
    r.check(seeder.stop() == 0, "the tonari seeder stops cleanly")
    r.check((seeder.transferred() or (0, 0))[1] >= SIZE * 0.95, f"tonari uploaded it ({seeder.transferred()})")

    # aria2 checks its copy and seeds; tonari downloads from it. (Seeds that left without a
    # "stopped" may still be counted, so the tracker's count is waited on to rise, not checked.)
    seeds_before = swarm_counts(tracker, v1).get("complete", 0)
    a2 = clients.aria2_seed(torrent, dest, free_port())
    procs.append(a2)
    wait_until(lambda: swarm_counts(tracker, v1).get("complete", 0) > seeds_before, 60, 0.2)
    tonari_downloads_from(r, opts, tmp, procs, torrent, want, "aria2", check_wire=False)
    a2.stop()


def with_qbittorrent(r, opts, tmp, procs, tracker, torrent, share, want):
    if not clients.available("qbittorrent-nox"):
        r.fail("qbittorrent-nox is missing (scripts/install-deps installs it)")
        return
    # tonari seeds; qBittorrent finds it through the tracker and downloads.
    seeder = TorrentProcess(opts.tonari, torrent, share.parent, mode="seed").start()
    procs.append(seeder)
    r.check(seeder.wait_listening(), "tonari seeds for qBittorrent")
    dest = tmp / "qbittorrent"
    qb = clients.QBittorrent(torrent, dest, tmp / "qb-profile", free_port(), free_port())
    procs.append(qb)
    done = wait_until(qb.complete, TRANSFER_TIMEOUT_S, 0.5)
    r.check(done, f"qBittorrent downloads the whole torrent from tonari ({qb.torrent().get('state')}): {qb.output()[-300:]}")
    r.check((dest / "share").exists() and digests(dest / "share") == want, "qBittorrent's copy has the original sha256")
    r.check(seeder.stop() == 0, "the tonari seeder stops cleanly")
    r.check((seeder.transferred() or (0, 0))[1] >= SIZE * 0.95, f"tonari uploaded it ({seeder.transferred()})")
    qb.stop()
    if not done:
        return

    # qBittorrent checks its copy (a fresh profile) and seeds; tonari downloads from it.
    qb = clients.QBittorrent(torrent, dest, tmp / "qb-seed-profile", free_port(), free_port())
    procs.append(qb)
    r.check(wait_until(qb.complete, 120, 0.5), f"qBittorrent checks its copy and seeds ({qb.torrent().get('state')})")
    tonari_downloads_from(r, opts, tmp, procs, torrent, want, "qBittorrent", check_wire=True)
    qb.stop()


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    share = make_share(tmp / "origin")
    want = digests(share)
    procs = []
    try:
        tracker = TrackerProcess(opts.tonari, tmp / "tracker").start()
        procs.append(tracker)
        torrent = tmp / "share.torrent"
        made = r.run("torrent", "create", str(share), "-o", str(torrent), "--v1", "--tracker", tracker.http)
        r.check(made.returncode == 0, f"tonari creates a v1 torrent naming its tracker: {made.stderr.strip()}")
        v1, _ = info_hashes(opts.tonari, torrent)
        with_transmission(r, opts, tmp, procs, tracker, torrent, v1, share, want)
        with_aria2(r, opts, tmp, procs, tracker, torrent, v1, share, want)
        # qBittorrent (libtorrent inside) takes the hybrid form, announced under both hashes.
        hybrid = tmp / "share-hybrid.torrent"
        made = r.run("torrent", "create", str(share), "-o", str(hybrid), "--hybrid", "--tracker", tracker.http)
        r.check(made.returncode == 0, f"tonari creates a hybrid torrent naming its tracker: {made.stderr.strip()}")
        with_qbittorrent(r, opts, tmp, procs, tracker, hybrid, share, want)
        r.check(tracker.running(), "the tracker served every client and is still up")
    finally:
        for p in procs:
            p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-torrent-clients-"))
