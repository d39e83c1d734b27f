#!/usr/bin/env python3
"""Local service discovery (BEP 14) between tonari processes on loopback's multicast, with a
Python listener and a Python flooder on the same group (239.192.152.143:6771):
1. a seeder and a downloader given no address, no tracker and no DHT find each other by their
   announces, which the listener sees in BEP 14's form (BT-SEARCH, Port, Infohash, cookie);
2. a seeder of a private torrent (BEP 27) never announces it;
3. a flood — 3,000 announces for the seeder's torrent from one host cycling ports, and junk —
   while a slow download runs: the seeder stays up, its memory bounded, it believes (and dials)
   at most MAX_PORTS_PER_ADDRESS ports of that host per gap, and the honest download completes.
"""
import pathlib
import random
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import run_test  # noqa: E402
from node_process import wait_until  # noqa: E402
from torrent_process import TorrentProcess, digests, make_torrent, memory_mib, write_random_file  # noqa: E402

GROUP, PORT = "239.192.152.143", 6771
MAX_PORTS_PER_ADDRESS = 16  # torrent/lsd/local_discovery.h
MEMORY_BOUND_MIB = 200


class GroupListener:
    """Every datagram multicast to the LSD group on loopback, kept."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("", PORT))
        mreq = struct.pack("4s4s", socket.inet_aton(GROUP), socket.inet_aton("127.0.0.1"))
        self.sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
        self.sock.settimeout(0.2)
        self.datagrams = []
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop:
            try:
                data, _ = self.sock.recvfrom(4096)
            except OSError:
                continue
            self.datagrams.append(data)

    def announcing(self, info_hash_hex):
        return [d for d in self.datagrams if info_hash_hex.encode() in d.lower()]

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


def sender():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
    return s


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    data = tmp / "origin" / "file.bin"
    want = write_random_file(data, 4 << 20, 37)
    torrent = tmp / "file.torrent"
    v1 = make_torrent(r, data, torrent, "--v1", "--piece-size", "16K").get("info_hash_v1", "")
    private = tmp / "private.torrent"
    v1_private = make_torrent(r, data, private, "--v1", "--private").get("info_hash_v1", "")
    listener = GroupListener()
    procs = []
    try:
        # 1. Found by announces alone.
        seeder = TorrentProcess(opts.tonari, torrent, data.parent, mode="seed", lsd=True).start()
        procs.append(seeder)
        r.check(seeder.wait_listening(), "1: the seeder listens")
        r.check(wait_until(lambda: listener.announcing(v1), 10, 0.05), "1: the seeder's announce reaches the group")
        announce = listener.announcing(v1)[0].decode(errors="replace") if listener.announcing(v1) else ""
        r.check(announce.startswith("BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\n")
                and f"\r\nPort: {seeder.port}\r\n" in announce and "\r\ncookie: " in announce
                and announce.endswith("\r\n\r\n"), f"1: in BEP 14's form: {announce!r}")
        downloader = TorrentProcess(opts.tonari, torrent, tmp / "dl", lsd=True, extra=["--max-down", "400K"]).start()
        procs.append(downloader)
        r.check(wait_until(lambda: "announced itself on the local network" in seeder.err(), 15, 0.05),
                f"1: the seeder hears the downloader's announce: {seeder.err()[-300:]}")

        # 2. A private torrent is never announced.
        secret = TorrentProcess(opts.tonari, private, data.parent, mode="seed", lsd=True).start()
        procs.append(secret)
        r.check(secret.wait_listening(), "2: the private seeder listens")

        # 3. The flood, while the download runs.
        flood = sender()
        before = seeder.err().count("connect failed")
        for i in range(3000):
            port = 20000 + i
            flood.sendto(b"BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: %d\r\nInfohash: %s\r\n\r\n\r\n"
                         % (port, v1.encode()), (GROUP, PORT))
            if i % 10 == 0:
                flood.sendto(random.randbytes(random.randint(1, 1500)), (GROUP, PORT))
        flood.close()
        code = downloader.wait(120)
        r.check(code == 0, f"3: the honest download completes through the flood (exit {code}): {downloader.err()[-300:]}")
        r.check(digests(tmp / "dl").get("file.bin") == want, "3: the file has the original sha256")
        r.check(seeder.running(), "3: the seeder is still up")
        peak = memory_mib(seeder.proc.pid, "VmHWM")
        r.check(peak is not None and peak < MEMORY_BOUND_MIB, f"3: its peak memory stays under {MEMORY_BOUND_MIB} MiB ({peak})")
        # The announces it believed: the downloader's and the flood's, all from 127.0.0.1, at
        # most MAX_PORTS_PER_ADDRESS within one gap (the flood takes well under 10 s); each
        # flooded port is dialled at most once so far (all refused).
        heard = seeder.err().count("announced itself on the local network")
        dials = seeder.err().count("connect failed") - before
        r.check(1 < heard <= MAX_PORTS_PER_ADDRESS, f"3: the seeder believed at most {MAX_PORTS_PER_ADDRESS} ports of "
                                                    f"the flooding host ({heard - 1} besides the downloader)")
        r.check(dials <= heard, f"3: and dialled no more than it believed ({dials})")
        print(f"3: peak memory {peak} MiB; {heard - 1} flooded announces believed, {dials} dials failed so far")
        r.check(not listener.announcing(v1_private), "2: the private torrent's hash never reached the group")
        r.check("lsd:" not in secret.err(), f"2: the private seeder did not start local discovery: {secret.err()[-200:]}")
        r.check(seeder.stop() == 0 and secret.stop() == 0, "the seeders stop cleanly")
    finally:
        listener.close()
        for p in procs:
            p.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-torrent-lsd-"))
