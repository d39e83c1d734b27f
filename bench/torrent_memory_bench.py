#!/usr/bin/env python3
"""Resident memory of a tonari seeder: with one 64 MiB torrent and no peers, then with 200
connected peers (raw BitTorrent connections that handshake, say they have nothing and are
interested, and then stay idle), giving the cost of one torrent process and of each peer.

  /usr/bin/python3 bench/torrent_memory_bench.py [--peers 200]
"""
import argparse
import json
import pathlib
import random
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "functional"))
import torrent_peer as tp  # noqa: E402
from node_process import wait_until  # noqa: E402
from torrent_process import TorrentProcess  # noqa: E402


def rss_kib(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tonari", default=str(ROOT / "build" / "default" / "src" / "app" / "tonari"))
    ap.add_argument("--peers", type=int, default=200)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tonari-mem-bench-") as tmp:
        tmp = pathlib.Path(tmp)
        data = tmp / "seed" / "file.bin"
        data.parent.mkdir()
        data.write_bytes(random.Random(2).randbytes(64 << 20))
        torrent = tmp / "file.torrent"
        subprocess.run([opts.tonari, "torrent", "create", str(data), "-o", str(torrent), "--piece-size", "256K"],
                       check=True, capture_output=True)
        info = json.loads(subprocess.run([opts.tonari, "torrent", "info", str(torrent), "--json"], check=True,
                                         capture_output=True, text=True).stdout)
        info_hash = bytes.fromhex(info["info_hash_v1"])
        seeder = TorrentProcess(opts.tonari, torrent, data.parent, mode="seed",
                                extra=["--max-peers", str(opts.peers + 10)]).start()
        peers = []
        try:
            if not seeder.wait_listening():
                sys.exit("the seeder did not start")
            time.sleep(1)
            base = rss_kib(seeder.proc.pid)
            for _ in range(opts.peers):
                c = tp.BtConnection(seeder.port)
                c.handshake(info_hash)
                c.send(tp.message(15))  # have_none
                c.send(tp.message(2))   # interested
                peers.append(c)
            wait_until(lambda: f"peers {opts.peers}" in seeder.err()[-400:], 30, 0.2)
            time.sleep(1)
            loaded = rss_kib(seeder.proc.pid)
            per_peer = (loaded - base) * 1024 / opts.peers
            print(f"seeder with one 64 MiB torrent (256 pieces), no peers: {base / 1024:.1f} MiB resident")
            print(f"with {opts.peers} connected peers: {loaded / 1024:.1f} MiB resident, "
                  f"{per_peer / 1024:.1f} KiB per peer")
        finally:
            for c in peers:
                c.close()
            seeder.kill()


if __name__ == "__main__":
    main()
