#!/usr/bin/env python3
"""A magnet download against hostile metadata peers (BEP 9), each a Python peer:
1. a metadata-size bomb: a peer announcing 1 GiB of metadata is dropped at its extension
   handshake ("over the limit"), and the downloader's memory stays small;
2. a liar: a peer serving metadata of the right size but the wrong bytes. The downloader finds
   that the SHA-1 does not match the info-hash, drops it, and — once an honest tonari seed
   comes up at the other address in the link — fetches the real metadata and the whole file.
The downloader stays up throughout.
"""
import json
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
from torrent_process import TorrentProcess, digests, memory_mib  # noqa: E402

EXTENDED = 20
MEMORY_BOUND_MIB = 200


class FakeMetadataPeer:
    """Listens on loopback; to every peer that handshakes it says it has the metadata
    (`size` bytes) and answers each ut_metadata request with `payload` bytes."""

    def __init__(self, size, payload):
        self.size = size
        self.payload = payload
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
        except OSError:
            return
        finally:
            conn.close()

    def close(self):
        self.stop = True
        self.sock.close()


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    share = tmp / "origin" / "file.bin"
    share.parent.mkdir(parents=True)
    share.write_bytes(random.Random(23).randbytes(4 << 20))
    torrent = tmp / "file.torrent"
    made = r.run("torrent", "create", str(share), "-o", str(torrent), "--v1", "--piece-size", "16K")
    r.check(made.returncode == 0, f"tonari creates a v1 torrent: {made.stderr.strip()}")
    v1 = json.loads(r.run("torrent", "info", "--json", str(torrent)).stdout)["info_hash_v1"]
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

        # 2. The liar, then an honest seed at the link's second address.
        # The metadata is the info dictionary, the last value of the .torrent file (keys are
        # sorted): the liar announces its exact size so that only the hash can catch it.
        raw = torrent.read_bytes()
        start = raw.index(b"4:infod") + 6
        info_len = len(raw) - 1 - start
        liar = FakeMetadataPeer(info_len, random.Random(1).randbytes(info_len))
        fakes.append(liar)
        seed_port = free_port()
        dl = TorrentProcess(opts.tonari, f"magnet:?xt=urn:btih:{v1}&x.pe=127.0.0.1:{liar.port}&x.pe=127.0.0.1:{seed_port}",
                            tmp / "liar").start()
        procs.append(dl)
        r.check(wait_until(lambda: "failed its hash check" in dl.err(), 30, 0.1),
                f"2: metadata from the liar fails its SHA-1 check: {dl.err()[-300:]}")
        r.check("peer 127.0.0.1:%d: disconnecting: sent metadata that failed its hash check" % liar.port in dl.err(),
                "2: the liar is dropped")
        seeder = TorrentProcess(opts.tonari, torrent, tmp / "origin", mode="seed")
        seeder.port = seed_port
        seeder.start()
        procs.append(seeder)
        code = dl.wait(120)
        r.check(code == 0, f"2: with an honest seed up, the download completes (exit {code}): {dl.err()[-300:]}")
        r.check(digests(tmp / "liar").get("file.bin") == digests(tmp / "origin")["file.bin"],
                "2: the file has the original sha256")
        print(f"2: the liar served {liar.served} metadata pieces over {liar.connections} connection(s)")
        r.check(seeder.stop() == 0, "2: the seeder stops cleanly")
    finally:
        for p in procs:
            p.kill()
        for f in fakes:
            f.close()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-torrent-magnet-hostile-"))
