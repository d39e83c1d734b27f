#!/usr/bin/env python3
"""What the dashboard costs a node: CPU time and resident memory of a regtest node taking about
100 transactions a second (and a block every 5 s), with -dashboard off, with it on and nobody
watching, and with it on and one page's event stream open and read. Each mode is a fresh node
with the same load. The payments come from a wallet first given 2,400 mature coinbases, so no chain
of unconfirmed parents limits the rate.

  /usr/bin/python3 bench/dashboard_bench.py [--seconds 20] [--rate 100]
"""
import argparse
import pathlib
import socket
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "functional"))
from node_process import NodeProcess, RpcError, free_port, wait_until  # noqa: E402

TICKS = 100  # per second, as /proc counts CPU time


def cpu_seconds(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def rss_mib(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Reader:
    """A page's event stream, read and thrown away; counts bytes and events."""

    def __init__(self, port):
        self.bytes = 0
        self.events = 0
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(f"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        try:
            while chunk := self.sock.recv(65536):
                self.bytes += len(chunk)
                self.events += chunk.count(b"\nid: ") + chunk.startswith(b"id: ")
        except OSError:
            pass


def run(tonari, tmp, mode, seconds, rate):
    port = free_port()
    extra = [f"-dashboard={port}"] if mode != "off" else []
    node = NodeProcess(tonari, f"{tmp}/{mode}", extra)
    node.start()
    try:
        node.call("createwallet", "w")
        addr = node.call("getnewaddress")
        for _ in range(5):  # 2,500 coinbases, 2,400 of them mature: a confirmed coin for every payment
            node.call("generatetoaddress", 500, addr)
        reader = None
        if mode == "watched":
            wait_until(lambda: "Dashboard on" in (node.net_dir / "debug.log").read_text(errors="replace"), 30)
            reader = Reader(port)
        dest = node.call("getnewaddress")
        cpu0, t0 = cpu_seconds(node.proc.pid), time.monotonic()
        sent, next_block, errors = 0, t0 + 5, {}
        while time.monotonic() - t0 < seconds:
            due = int((time.monotonic() - t0) * rate)
            while sent < due:
                try:
                    node.call("sendtoaddress", dest, 0.001)
                except RpcError as e:
                    errors[e.message] = errors.get(e.message, 0) + 1
                sent += 1
            if time.monotonic() >= next_block:
                node.call("generatetoaddress", 1, addr)
                next_block += 5
            time.sleep(0.005)
        elapsed = time.monotonic() - t0
        cpu = cpu_seconds(node.proc.pid) - cpu0
        result = {"mode": mode, "tx": sent, "tx_per_s": sent / elapsed, "cpu_percent": 100 * cpu / elapsed,
                  "rss_mib": rss_mib(node.proc.pid), "errors": errors}
        if reader:
            result["stream_kib"] = reader.bytes / 1024
            result["events"] = reader.events
        return result
    finally:
        node.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tonari", default=str(ROOT / "build" / "default" / "src" / "app" / "tonari"))
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--rate", type=float, default=100)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tonari-dashboard-bench-") as tmp:
        for mode in ("off", "unwatched", "watched"):
            r = run(opts.tonari, tmp, mode, opts.seconds, opts.rate)
            extra = f", stream {r['stream_kib']:.0f} KiB in {r['events']} events" if "events" in r else ""
            print(f"{mode:9}  {r['tx']} tx at {r['tx_per_s']:.0f}/s  node CPU {r['cpu_percent']:.1f}%  "
                  f"RSS {r['rss_mib']:.0f} MiB{extra}" + (f"  RPC errors {r['errors']}" if r["errors"] else ""), flush=True)


if __name__ == "__main__":
    main()
