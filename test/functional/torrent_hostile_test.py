#!/usr/bin/env python3
"""Hostile BitTorrent peers, written in Python on raw sockets (torrent_peer.py), against real
`tonari torrent` processes on loopback, with a 4 MiB v1 torrent of 64 KiB pieces:

1. Corrupt data: a downloader dials an honest tonari seeder and a fake seed that answers every
   request with random bytes. It still completes with the original files, says a piece failed
   its hash check, bans the fake (closes its connection while still running, and closes its
   reconnections before any handshake) and keeps the honest seeder.
2. Malformed messages to a seeder after a valid handshake (a length prefix of 0x7fffffff, a
   zero-length request, a bitfield of the wrong size or after another message, a have for a
   piece that does not exist, a second handshake) and garbage instead of a handshake: each
   connection is closed within seconds, for the reason the code gives, and the seeder keeps
   running and serving an honest downloader (garbage goes to MSE's handshake under the default
   `--encryption prefer`, and to the BitTorrent handshake under `--encryption off`).
3. A peer that connects and says nothing is dropped by the handshake timeout (10 s).
4. A request flood (5,000 requests, never reading the answers): the seeder's memory stays
   bounded, it ends the flooding connection or keeps serving others, and an honest downloader
   still completes.
"""
import hashlib
import json
import pathlib
import random
import re
import sys
import threading
import time

from checks import run_test
from node_process import wait_until, wait_while_progressing
from torrent_process import TorrentProcess, digests, memory_mib  # noqa: E402
import torrent_peer as tp

PIECE = 64 << 10
SIZES = {"a.bin": 3 << 20, "b.bin": (1 << 20) + 777}  # the last piece is short
TOTAL = sum(SIZES.values())
PIECES = (TOTAL + PIECE - 1) // PIECE
CLOSE_TIMEOUT_S = 5            # a malformed message ends the connection within this
HANDSHAKE_TIMEOUT_S = 10       # swarm.h: HANDSHAKE_TIMEOUT_US
HANDSHAKE_DROP_LIMIT_S = 25    # the timeout, the 50 ms tick and a busy machine
FLOOD_REQUESTS = 5000
# Peak resident memory the seeder may reach over the whole run. A seeder that queued the
# 5,000 answered blocks of the flood (80 MiB) on top of its own few MiB would pass it; one
# that bounds what a peer may queue (8 MiB of blocks) stays far below.
PEAK_MEMORY_LIMIT_MIB = 200
DOWNLOAD_TIMEOUT_S = 120
STALL_TIMEOUT_S = 20           # no new data on disk this long: the download is stuck


def make_content(folder):
    rng = random.Random(7)
    folder.mkdir(parents=True)
    for name, size in SIZES.items():
        (folder / name).write_bytes(rng.randbytes(size))


def on_disk(folder):
    """Bytes really written under a folder (the files are sparse until their pieces arrive)."""
    total = 0
    for p in folder.rglob("*"):
        try:
            total += p.stat().st_blocks * 512 if p.is_file() else 0
        except FileNotFoundError:  # a file renamed away while we looked
            pass
    return total


class RssSampler:
    """Samples a process's VmRSS every 10 ms on a thread; `peak` is the largest seen."""

    def __init__(self, pid):
        self.pid = pid
        self.peak = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.is_set():
            rss = memory_mib(self.pid)
            if rss is not None:
                self.peak = max(self.peak, rss)
            self.stop.wait(0.01)

    def close(self):
        self.stop.set()
        self.thread.join(timeout=5)


def all_blocks():
    """(piece, offset, length) of every block of the torrent, the short last piece included."""
    out = []
    for piece in range(PIECES):
        size = min(PIECE, TOTAL - piece * PIECE)
        for offset in range(0, size, tp.BLOCK_SIZE):
            out.append((piece, offset, min(tp.BLOCK_SIZE, size - offset)))
    return out


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    origin = tmp / "origin" / "share"
    make_content(origin)
    want = digests(origin)
    torrent = tmp / "share.torrent"
    made = r.run("torrent", "create", str(origin), "--v1", "--piece-size", "64K", "-o", str(torrent))
    r.check(made.returncode == 0, f"create the v1 torrent: {made.stderr.strip()}")
    info = r.run("torrent", "info", str(torrent), "--json")
    r.check(info.returncode == 0, f"torrent info --json: {info.stderr.strip()}")
    info_hash = bytes.fromhex(json.loads(info.stdout)["info_hash_v1"])
    r.check(len(info_hash) == 20, "the torrent has a 20-byte v1 info hash")

    procs, conns, fakes, samplers = [], [], [], []

    def connect():
        c = tp.BtConnection(seeder.port)
        conns.append(c)
        return c

    def honest_download(name, connect_to):
        dl = TorrentProcess(opts.tonari, torrent, tmp / name, connect=connect_to).start()
        procs.append(dl)
        code = dl.wait(DOWNLOAD_TIMEOUT_S)
        r.check(code == 0 and dl.complete(), f"{name}: the honest downloader completes (exit {code}): {dl.err()[-300:]}")
        r.check(digests(tmp / name / "share") == want, f"{name}: its files have the original sha256")
        return dl

    try:
        seeder = TorrentProcess(opts.tonari, torrent, tmp / "origin", mode="seed").start()
        procs.append(seeder)
        r.check(seeder.wait_listening(), f"the seeder listens: {seeder.err()[-300:]}")

        # --- 1. corrupt data from a fake seed ------------------------------------------------
        fake = tp.CorruptSeed(info_hash, PIECES)
        fakes.append(fake)
        fake_ep = f"127.0.0.1:{fake.port}"
        # --seed keeps it running once complete, so every close seen below is its own doing.
        dl1 = TorrentProcess(opts.tonari, torrent, tmp / "corrupt", connect=[fake_ep, seeder.endpoint],
                             extra=["--seed"]).start()
        procs.append(dl1)
        # Given up on only once nothing more reaches its disk for a while: a stalled download
        # (both peers banned) fails in seconds, a slow one on a busy machine still passes.
        done = wait_while_progressing(lambda: dl1.complete() or not dl1.running(),
                                      lambda: on_disk(tmp / "corrupt"), STALL_TIMEOUT_S, DOWNLOAD_TIMEOUT_S)
        r.check(done and dl1.complete(), f"1: the downloader completes despite the corrupt seed: {dl1.err()[-800:]}")
        r.check(digests(tmp / "corrupt" / "share") == want, "1: its files have the original sha256")
        served = [c for c in fake.snapshot() if c["blocks_sent"] > 0]
        r.check(len(served) >= 1, f"1: the fake seed was asked for blocks and sent random ones: {fake.snapshot()}")
        r.check(wait_until(lambda: all(c["closed_by_peer"] for c in fake.snapshot() if c["blocks_sent"] > 0), 10),
                f"1: tonari closed every connection the corrupt blocks came on: {fake.snapshot()}")
        r.check(dl1.running(), "1: ... while still running (a ban, not its exit)")
        err = dl1.err()
        r.check(re.search(r"piece \d+ failed its hash check", err) is not None,
                "1: the downloader's log says a piece failed its hash check")
        ban = err.find(f"peer {fake_ep}: disconnecting: banned")
        r.check(ban >= 0, f"1: the downloader's log says the fake seed was banned: {err[-800:]}")
        r.check(f"peer {seeder.endpoint}: disconnecting: banned" not in err, "1: the honest seeder was not banned")
        # It dials the peers it was told to keep every 3 s; the banned one is hung up on at once.
        first = len(fake.snapshot())
        r.check(wait_until(lambda: len(fake.snapshot()) > first and fake.snapshot()[-1]["closed_by_peer"], 15),
                "1: the downloader dials the fake again and closes that connection")
        r.check(not any(c["handshaken"] for c in fake.snapshot()[first:]),
                "1: ... without a handshake (the ban holds)")
        code = dl1.stop()
        r.check(code == 0, f"1: the downloader stops cleanly: {code}")
        summary = dl1.transferred()
        r.check(summary is not None and re.search(r"(\d+) peers banned", dl1.err()) is not None,
                "1: its summary counts the banned peer")
        fake.close()
        print(f"1: {len(served)} fake connection(s) sent {sum(c['blocks_sent'] for c in served)} random blocks; "
              f"{len(fake.snapshot()) - first} reconnection(s) refused")

        # --- 2. malformed and oversized messages ---------------------------------------------
        good_bits = bytes((PIECES + 7) // 8)
        cases = [
            ("a: length prefix 0x7fffffff", b"\x7f\xff\xff\xff" + b"\x00" * 64, "bad frame header: message length"),
            ("b: request of length 0", tp.request(0, 0, 0), "malformed message: request: block length 0"),
            ("c: bitfield of the wrong size", tp.message(tp.BITFIELD, bytes(len(good_bits) - 1)),
             "bitfield of the wrong size"),
            ("d: a later bitfield taking back a piece", tp.have(0) + tp.message(tp.BITFIELD, good_bits),
             "bitfield takes back pieces"),
            ("e: have for piece 10**6", tp.have(10 ** 6), "have for a piece that does not exist"),
            ("f: a second handshake", tp.handshake(info_hash), "a second handshake"),
        ]
        for name, payload, reason in cases:
            c = connect()
            r.check(c.handshake(info_hash), f"2{name}: the seeder answers a valid handshake")
            c.send(payload)
            started = time.monotonic()
            r.check(c.wait_closed(CLOSE_TIMEOUT_S),
                    f"2{name}: the seeder closes the connection within {CLOSE_TIMEOUT_S} s")
            took = time.monotonic() - started
            line = f"peer 127.0.0.1:{c.local_port}: disconnect"
            r.check(wait_until(lambda: any(line in l and reason in l for l in seeder.err().splitlines()), CLOSE_TIMEOUT_S),
                    f"2{name}: the seeder's log gives the reason '{reason}'")
            r.check(seeder.running(), f"2{name}: the seeder is still running")
            print(f"2{name}: closed after {took:.2f} s")
            c.close()
        # Under the default `--encryption prefer` a first byte other than 19 starts an MSE
        # handshake, so garbage is refused by it (at once when it is longer than any MSE
        # padding allows, else at the handshake deadline); a seeder with `--encryption off`
        # refuses it in the BitTorrent handshake itself.
        plain_seeder = TorrentProcess(opts.tonari, torrent, tmp / "origin", mode="seed",
                                      extra=["--encryption", "off"]).start()
        procs.append(plain_seeder)
        r.check(plain_seeder.wait_listening(), f"a seeder with --encryption off listens: {plain_seeder.err()[-300:]}")
        garbage = [
            ("g: garbage instead of a handshake", b"GET / HTTP/1.1\r\nHost: tonari\r\n\r\n" + bytes(700),
             seeder, "inbound stream handshake failed: no HASH('req1', S)"),
            ("g': garbage framed as a short message (--encryption off)", b"\x00\x00\x00\x05hello" + bytes(59),
             plain_seeder, "disconnecting: expected a handshake"),
            ("g'': a handshake for another torrent", tp.handshake(hashlib.sha1(b"other").digest()),
             seeder, "disconnecting: handshake for another torrent"),
        ]
        for name, payload, target, reason in garbage:
            c = tp.BtConnection(target.port)
            conns.append(c)
            c.send(payload)
            r.check(c.wait_closed(CLOSE_TIMEOUT_S),
                    f"2{name}: the seeder closes the connection within {CLOSE_TIMEOUT_S} s")
            r.check(c.reader.handshake is None, f"2{name}: ... without sending a handshake")
            line = f"peer 127.0.0.1:{c.local_port}: {reason}"
            r.check(wait_until(lambda: line in target.err(), CLOSE_TIMEOUT_S),
                    f"2{name}: the seeder's log gives the reason '{reason}': {target.err()[-300:]}")
            r.check(target.running(), f"2{name}: the seeder is still running")
            c.close()
        r.check(plain_seeder.stop() == 0, "the --encryption off seeder stops cleanly")
        dl2 = honest_download("after-malformed", [seeder.endpoint])

        # --- 3. a silent peer ----------------------------------------------------------------
        c = connect()
        started = time.monotonic()
        r.check(c.wait_closed(HANDSHAKE_DROP_LIMIT_S),
                f"3: a peer that sends nothing is dropped within {HANDSHAKE_DROP_LIMIT_S} s")
        took = time.monotonic() - started
        print(f"3: the silent peer was dropped after {took:.1f} s")
        r.check(took >= HANDSHAKE_TIMEOUT_S - 1, f"3: ... by the {HANDSHAKE_TIMEOUT_S} s handshake timeout "
                                                  f"(not before: {took:.1f} s)")
        # Nothing arrived, so it never left MSE's first step: the stream handshake's deadline.
        # (The close comes first; the log line follows through the seeder's strand.)
        line = f"peer 127.0.0.1:{c.local_port}: inbound stream handshake timeout"
        r.check(wait_until(lambda: line in seeder.err(), CLOSE_TIMEOUT_S),
                "3: the seeder's log says 'inbound stream handshake timeout'")
        r.check(seeder.running(), "3: the seeder is still running")
        c.close()

        # --- 4. a request flood --------------------------------------------------------------
        before = memory_mib(seeder.proc.pid)
        sampler = RssSampler(seeder.proc.pid)
        samplers.append(sampler)
        c = connect()
        r.check(c.handshake(info_hash), "4: the seeder answers the flooder's handshake")
        c.send(tp.message(tp.INTERESTED))
        r.check(c.wait_for(lambda: tp.UNCHOKE in c.ids(), 10), f"4: the seeder unchokes the flooder: {c.ids()}")
        blocks = all_blocks()
        flood = b"".join(tp.request(*blocks[i % len(blocks)]) for i in range(FLOOD_REQUESTS))
        received_before = c.received
        r.check(c.send(flood), f"4: {FLOOD_REQUESTS} requests sent")
        # Not reading: wait for the seeder to give up on us (or to have nothing more to do).
        mark = f"peer 127.0.0.1:{c.local_port}: disconnect"
        logged = wait_until(lambda: mark in seeder.err() or not seeder.running(), 30, 0.05)
        r.check(seeder.running(), "4: the seeder survives the flood")
        reason = next((l for l in seeder.err().splitlines() if mark in l), "(none)")
        print(f"4: the seeder's log about the flooder: {reason.strip()}")
        flood_closed = logged and c.wait_closed(30)  # read what was in flight, then the close
        flooder_read = c.received
        print(f"4: the flooder read {c.received - received_before} bytes before "
              f"{'the seeder closed the connection' if flood_closed else 'giving up reading'}")
        dl4 = honest_download("after-flood", [seeder.endpoint])
        r.check(flood_closed or dl4.complete(),
                "4: the seeder closed the flooding connection or kept serving others")
        sampler.close()
        peak = memory_mib(seeder.proc.pid, "VmHWM")
        print(f"4: seeder RSS {before or 0:.1f} MiB before the flood, peak sampled during it {sampler.peak:.1f} MiB, "
              f"VmHWM over the whole run {peak or 0:.1f} MiB")
        r.check(sampler.peak < PEAK_MEMORY_LIMIT_MIB,
                f"4: the seeder's RSS stayed under {PEAK_MEMORY_LIMIT_MIB} MiB during the flood ({sampler.peak:.1f})")
        r.check(peak is not None and peak < PEAK_MEMORY_LIMIT_MIB,
                f"4: the seeder's peak RSS over the whole run stayed under {PEAK_MEMORY_LIMIT_MIB} MiB ({peak})")
        c.close()
        code = seeder.stop()
        r.check(code == 0, f"the seeder stops cleanly on SIGTERM after all of it: {code}")
        # For the report, not a check: what the seeder counts as uploaded against what reached
        # the peers (the downloaders' payload from it, and every byte the flooder read).
        uploaded = seeder.transferred()
        reached = flooder_read + sum(d.transferred()[0] for d in (dl1, dl2, dl4) if d.transferred())
        reached -= sum(c["bytes_sent"] for c in fake.snapshot())
        print(f"the seeder reports {uploaded[1] if uploaded else '?'} bytes uploaded; "
              f"its peers received at most {reached}")
    finally:
        for s in samplers:
            s.close()
        for c in conns:
            c.close()
        for f in fakes:
            f.close()
        for p in procs:
            p.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-torrent-hostile-"))
