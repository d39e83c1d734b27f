#!/usr/bin/env python3
"""A magnet download against hostile metadata peers (BEP 9), each a Python peer:
1. a metadata-size bomb: a peer announcing 1 GiB of metadata is dropped at its extension
   handshake ("over the limit"), and the downloader's memory stays small;
2. a liar: a peer serving metadata of the right size but the wrong bytes. The downloader finds
   that the SHA-1 does not match the info-hash, drops it, and — once an honest tonari seed
   comes up at the other address in the link — fetches the real metadata and the whole file.
3. a liar about a v2 torrent's piece layers (BEP 52): a peer serving the true metadata of a
   `urn:btmh:` link and forged hashes for every hash request. The downloader finds that they do
   not prove against the file's root, bans the peer, and gets the layers and the file from an
   honest tonari seed.
The downloader stays up throughout.
"""
import pathlib
import random
import socket
import struct
import sys
import threading

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import torrent_peer as tp  # noqa: E402
from checks import run_test  # noqa: E402
from node_process import free_port, wait_until  # noqa: E402
from torrent_process import TorrentProcess, digests, make_torrent, memory_mib  # noqa: E402

EXTENDED = 20
HASH_REQUEST, HASHES = 21, 22
MEMORY_BOUND_MIB = 200


class FakeMetadataPeer:
    """Listens on loopback; to every peer that handshakes it says it has the metadata
    (`size` bytes) and answers each ut_metadata request with `payload` bytes, and each BEP 52
    hash request with as many random hashes as a true answer holds."""

    def __init__(self, size, payload):
        self.size = size
        self.payload = payload
        self.hash_answers = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.served = 0
        self.connections = 0
        self.stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        conn.settimeout(10)
        try:
            hs = b""
            while len(hs) < tp.HANDSHAKE_SIZE:
                chunk = conn.recv(tp.HANDSHAKE_SIZE - len(hs))
                if not chunk:
                    return
                hs += chunk
            if not hs.startswith(tp.PROTOCOL):
                return  # an MSE handshake: hang up, as plain-only clients do, so tonari redials plain
            reserved = bytearray(8)
            reserved[5] |= 0x10  # BEP 10
            conn.sendall(tp.PROTOCOL + bytes(reserved) + hs[28:48] + tp.new_peer_id())
            ext = b"d1:md11:ut_metadatai1ee13:metadata_sizei%dee" % self.size
            conn.sendall(struct.pack(">IBB", len(ext) + 2, EXTENDED, 0) + ext)
            buf = b""
            while not self.stop:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buf += chunk
                while len(buf) >= 4 and len(buf) >= 4 + struct.unpack(">I", buf[:4])[0]:
                    n = struct.unpack(">I", buf[:4])[0]
                    msg, buf = buf[4:4 + n], buf[4 + n:]
                    if len(msg) > 2 and msg[0] == EXTENDED and msg[1] == 1 and b"msg_typei0e" in msg:
                        piece = int(msg.split(b"piecei")[1].split(b"e")[0])
                        start = piece * 16384
                        data = self.payload[start:start + 16384]
                        head = b"d8:msg_typei1e5:piecei%de10:total_sizei%dee" % (piece, self.size)
                        body = bytes([EXTENDED, 3]) + head + data  # 3: tonari's ut_metadata id
                        conn.sendall(struct.pack(">I", len(body)) + body)
                        self.served += 1
                    elif len(msg) == 49 and msg[0] == HASH_REQUEST:
                        _, length, proof_layers = struct.unpack(">III", msg[37:49])
                        uncles = max(0, proof_layers + 1 - (length.bit_length() - 1))
                        body = bytes([HASHES]) + msg[1:49] + random.randbytes(32 * (length + uncles))
                        conn.sendall(struct.pack(">I", len(body)) + body)
                        self.hash_answers += 1
        except OSError:
            return
        finally:
            conn.close()

    def close(self):
        self.stop = True
        self.sock.close()


def rescued_by_a_seed(r, opts, dl, torrent, seed_dir, seed_port, name, label, procs):
    """An honest tonari seed comes up at `seed_port` (the magnet link's other address): the
    downloader `dl`, still up, completes with the original file `name`."""
    r.check(dl.running(), f"{label}: the downloader is still up")
    seeder = TorrentProcess(opts.tonari, torrent, seed_dir, mode="seed")
    seeder.port = seed_port
    seeder.start()
    procs.append(seeder)
    code = dl.wait(120)
    r.check(code == 0, f"{label}: with an honest seed up, the download completes (exit {code}): {dl.err()[-300:]}")
    r.check(digests(dl.folder).get(name) == digests(seed_dir)[name], f"{label}: the file has the original sha256")
    r.check(seeder.stop() == 0, f"{label}: the seeder stops cleanly")


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    share = tmp / "origin" / "file.bin"
    share.parent.mkdir(parents=True)
    share.write_bytes(random.Random(23).randbytes(4 << 20))
    torrent = tmp / "file.torrent"
    v1 = make_torrent(r, share, torrent, "--v1", "--piece-size", "16K").get("info_hash_v1")
    share2 = tmp / "origin2" / "v2.bin"
    share2.parent.mkdir(parents=True)
    share2.write_bytes(random.Random(29).randbytes(3 << 20))
    torrent2 = tmp / "v2.torrent"
    v2 = make_torrent(r, share2, torrent2, "--v2", "--piece-size", "16K").get("info_hash_v2")
    procs = []
    fakes = []
    try:
        # 1. The bomb.
        bomb = FakeMetadataPeer(1 << 30, b"")
        fakes.append(bomb)
        dl = TorrentProcess(opts.tonari, f"magnet:?xt=urn:btih:{v1}&x.pe=127.0.0.1:{bomb.port}", tmp / "bomb").start()
        procs.append(dl)
        r.check(wait_until(lambda: "over the limit" in dl.err(), 30, 0.1),
                f"1: a peer announcing 1 GiB of metadata is dropped at its handshake: {dl.err()[-300:]}")
        peak = memory_mib(dl.proc.pid, "VmHWM")
        r.check(dl.running(), "1: the downloader is still up")
        r.check(peak is not None and peak < MEMORY_BOUND_MIB, f"1: its peak memory stays under {MEMORY_BOUND_MIB} MiB ({peak})")
        r.check(dl.stop() == 1, "1: SIGTERM ends the fetch (exit 1: nothing downloaded)")
        print(f"1: peak memory {peak:.1f} MiB")

        # 2. The liar, then an honest seed at the link's second address. It announces the
        # metadata's exact size, so that only the hash can catch it.
        start, end = tp.info_span(torrent.read_bytes())
        liar = FakeMetadataPeer(end - start, random.Random(1).randbytes(end - start))
        fakes.append(liar)
        seed_port = free_port()
        dl = TorrentProcess(opts.tonari, f"magnet:?xt=urn:btih:{v1}&x.pe=127.0.0.1:{liar.port}&x.pe=127.0.0.1:{seed_port}",
                            tmp / "liar").start()
        procs.append(dl)
        r.check(wait_until(lambda: "failed its hash check" in dl.err(), 30, 0.1),
                f"2: metadata from the liar fails its SHA-1 check: {dl.err()[-300:]}")
        r.check("peer 127.0.0.1:%d: disconnecting: sent metadata that failed its hash check" % liar.port in dl.err(),
                "2: the liar is dropped")
        rescued_by_a_seed(r, opts, dl, torrent, share.parent, seed_port, "file.bin", "2", procs)
        print(f"2: the liar served {liar.served} metadata pieces over {liar.connections} connection(s)")

        # 3. True v2 metadata, forged piece layers; then an honest seed.
        raw2 = torrent2.read_bytes()
        start, end = tp.info_span(raw2)
        forger = FakeMetadataPeer(end - start, raw2[start:end])
        fakes.append(forger)
        seed_port = free_port()
        dl = TorrentProcess(opts.tonari, f"magnet:?xt=urn:btmh:1220{v2}&x.pe=127.0.0.1:{forger.port}"
                            f"&x.pe=127.0.0.1:{seed_port}", tmp / "forged").start()
        procs.append(dl)
        r.check(wait_until(lambda: "do not prove against their file's root" in dl.err(), 30, 0.1),
                f"3: forged piece hashes fail their proof: {dl.err()[-300:]}")
        r.check("its SHA-256 is the info-hash" in dl.err(), "3: the true metadata passed its SHA-256 check first")
        rescued_by_a_seed(r, opts, dl, torrent2, share2.parent, seed_port, "v2.bin", "3", procs)
        after = dl.err().split("do not prove")[-1]
        r.check(f"127.0.0.1:{forger.port}: connected" not in after, "3: the forger is banned, never heard again")
        print(f"3: the forger answered {forger.hash_answers} hash request(s)")
    finally:
        for p in procs:
            p.kill()
        for f in fakes:
            f.close()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-torrent-magnet-hostile-"))
