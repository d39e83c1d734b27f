#!/usr/bin/env python3
"""Message Stream Encryption (MSE/PE) between tonari and the clients that insist on it, both
ways, a 16 MiB multi-file torrent, sha256 of every file equal:

- libtorrent with encryption forced (in and out) and RC4 as the only level seeds, tonari with
  `--encryption require` downloads; then tonari seeds under `require` and that libtorrent
  downloads.
- Transmission 3.00 with encryption required (`-er`) seeds and tonari downloads; tonari seeds
  and dials a downloading Transmission (which ignores loopback peers from trackers).
- tonari's logs name the transport of each connection: "rc4" every time.
- With `--encryption require`, a plain BitTorrent handshake (a Python peer) is closed before
  any answer, and a dial to a libtorrent that refuses encryption fails instead of falling back.
"""
import pathlib
import random
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import clients  # noqa: E402
import torrent_peer as tp  # noqa: E402
from checks import run_test  # noqa: E402
from libtorrent_session import import_libtorrent, lt_session  # noqa: E402
from node_process import free_port, wait_until  # noqa: E402
from torrent_process import TorrentProcess, digests  # noqa: E402

SIZE = 16 << 20
TRANSFER_TIMEOUT_S = 120
REQUIRE = ["--encryption", "require"]


def make_share(root):
    share = root / "share"
    (share / "more").mkdir(parents=True)
    rng = random.Random(29)
    (share / "big.bin").write_bytes(rng.randbytes(SIZE - 700_001))
    (share / "more" / "small.bin").write_bytes(rng.randbytes(700_000))
    (share / "more" / "one").write_bytes(b"x")
    return share


def only_rc4(r, proc, direction, what):
    """Every connection tonari logged in this direction is RC4, and there was one."""
    found = re.findall(rf"connected \({direction}, ([a-z0-9-]+)\)", proc.err())
    r.check(found and all(t == "rc4" for t in found), f"{what}: tonari's {direction} connections are RC4: {found}")


def tonari_downloads(r, opts, procs, torrent, dest, port, want, client):
    """tonari under `require` dials the client's seed on 127.0.0.1:port and gets every file, over RC4."""
    dl = TorrentProcess(opts.tonari, torrent, dest, connect=[f"127.0.0.1:{port}"], extra=REQUIRE).start()
    procs.append(dl)
    code = dl.wait(TRANSFER_TIMEOUT_S)
    r.check(code == 0, f"tonari (--encryption require) downloads from {client} (exit {code}): {dl.err()[-400:]}")
    r.check(digests(dest / "share") == want, f"... and its copy from {client} has the original sha256")
    only_rc4(r, dl, "outbound", f"from {client}")


def with_libtorrent(r, opts, tmp, procs, torrent, share, want):
    lt = import_libtorrent(r)
    if lt is None:
        return
    forced = lt_session(lt, out_enc_policy=lt.enc_policy.forced, in_enc_policy=lt.enc_policy.forced,
                        allowed_enc_level=lt.enc_level.rc4)
    info = lt.torrent_info(str(torrent))
    # libtorrent seeds, tonari downloads under `require`.
    h = forced.add_torrent({"ti": info, "save_path": str(share.parent)})
    r.check(wait_until(lambda: h.status().is_seeding, 60, 0.1), "libtorrent (encryption forced) checks and seeds")
    tonari_downloads(r, opts, procs, torrent, tmp / "from-libtorrent", forced.listen_port(), want, "libtorrent forced")
    forced.remove_torrent(h)

    # tonari seeds under `require`, libtorrent downloads.
    seeder = TorrentProcess(opts.tonari, torrent, share.parent, mode="seed", extra=REQUIRE).start()
    procs.append(seeder)
    r.check(seeder.wait_listening(), "tonari seeds under --encryption require")
    lt_dest = tmp / "lt-copy"
    h = forced.add_torrent({"ti": info, "save_path": str(lt_dest)})
    h.connect_peer(("127.0.0.1", seeder.port))
    done = wait_until(lambda: h.status().is_seeding, TRANSFER_TIMEOUT_S, 0.1)
    r.check(done, f"libtorrent (encryption forced) downloads from tonari ({h.status().progress:.2f})")
    r.check(done and digests(lt_dest / "share") == want, "... and its copy has the original sha256")
    only_rc4(r, seeder, "inbound", "to libtorrent")

    # A plain Python peer: closed before any answer, and the reason logged.
    c = tp.BtConnection(seeder.port)
    c.send(tp.handshake(info_hashes_v1(info)))
    r.check(c.wait_closed(10), "under require, a plain BitTorrent handshake is closed")
    r.check(c.reader.handshake is None, "... without an answer")
    line = f"peer 127.0.0.1:{c.local_port}: inbound stream handshake failed: a plain BitTorrent handshake, and encryption is required"
    r.check(wait_until(lambda: line in seeder.err(), 10), f"... and the seeder says why: {seeder.err()[-300:]}")
    c.close()
    r.check(seeder.stop() == 0, "the tonari seeder stops cleanly")

    # A libtorrent that refuses encryption: tonari under `require` does not fall back to plain.
    plain = lt_session(lt)
    h = plain.add_torrent({"ti": info, "save_path": str(share.parent)})
    r.check(wait_until(lambda: h.status().is_seeding, 60, 0.1), "a plain-only libtorrent seeds")
    refused = TorrentProcess(opts.tonari, torrent, tmp / "refused", connect=[f"127.0.0.1:{plain.listen_port()}"],
                             extra=REQUIRE).start()
    procs.append(refused)
    failed = f"peer 127.0.0.1:{plain.listen_port()}: connect failed: stream handshake failed"
    r.check(wait_until(lambda: failed in refused.err(), 30), f"under require, a dial to a plain-only peer fails: {refused.err()[-300:]}")
    r.check("connected (" not in refused.err(), "... and no connection falls back to plain")
    refused.stop()


def info_hashes_v1(info):
    return bytes.fromhex(str(info.info_hashes().v1))


def with_transmission(r, opts, tmp, procs, torrent, share, want):
    if not clients.available("transmission-cli"):
        r.fail("transmission-cli is missing (scripts/install-deps installs it)")
        return
    # Transmission (required) checks the data and seeds; tonari (require) dials it.
    port = free_port()
    tr = clients.transmission(torrent, share.parent, tmp / "tr-seed-config", port, verify=True, encryption="required")
    procs.append(tr)
    tonari_downloads(r, opts, procs, torrent, tmp / "from-transmission", port, want, "Transmission -er")
    tr.stop()

    # Transmission (required) downloads; tonari (require) seeds and dials it.
    port = free_port()
    tr_dest = tmp / "transmission-copy"
    tr = clients.transmission(torrent, tr_dest, tmp / "tr-get-config", port, encryption="required")
    procs.append(tr)
    seeder = TorrentProcess(opts.tonari, torrent, share.parent, mode="seed", connect=[f"127.0.0.1:{port}"],
                            extra=REQUIRE).start()
    procs.append(seeder)
    done = wait_until(lambda: (tr_dest / "share").exists() and digests(tr_dest / "share") == want, TRANSFER_TIMEOUT_S, 1)
    r.check(done, f"Transmission -er downloads from tonari: {tr.output()[-300:]} / {seeder.err()[-300:]}")
    only_rc4(r, seeder, "outbound", "to Transmission")
    r.check(seeder.stop() == 0, "the tonari seeder stops cleanly")
    tr.stop()


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    share = make_share(tmp / "origin")
    want = digests(share)
    torrent = tmp / "share.torrent"
    made = r.run("torrent", "create", str(share), "-o", str(torrent), "--hybrid", "--piece-size", "256K")
    r.check(made.returncode == 0, f"tonari creates a hybrid torrent: {made.stderr.strip()}")
    v1_torrent = tmp / "share-v1.torrent"
    made = r.run("torrent", "create", str(share), "-o", str(v1_torrent), "--v1", "--piece-size", "256K")
    r.check(made.returncode == 0, f"tonari creates a v1 torrent: {made.stderr.strip()}")
    procs = []
    try:
        with_libtorrent(r, opts, tmp, procs, torrent, share, want)
        with_transmission(r, opts, tmp, procs, v1_torrent, share, want)
    finally:
        for p in procs:
            p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-torrent-encryption-"))
