#!/usr/bin/env python3
"""LAN discovery (spec "LAN discovery"), on loopback with no bootstrap node at all:

- two tonari nodes on ports of the Tox range (33445-33545), listening on every address, find
  each other by their broadcasts alone (the loopback network's broadcast address reaches
  every socket on the machine);
- a third with `--no-lan-discovery` is never learned and learns nobody, though it hears them;
- tox-bootstrapd (c-toxcore 0.2.18) with LAN discovery on takes tonari's discovery packet,
  asks tonari for nodes, and the two know each other;
- a node bound to `::` sends its packet to the link's nodes (ff02::1) too, and takes one that
  comes that way (an IPv6-only socket plays the other side).

Every other Tox test runs with LAN discovery off, so the nodes here meet no other test's.
"""
import os
import pathlib
import socket
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import poll, run_test  # noqa: E402
from node_process import claim_port  # noqa: E402
from tox_processes import ChatBootstrap, ToxBootstrapd  # noqa: E402

TOX_PORTS = range(33445, 33546)
# Discovery goes out every 10 s to the range's first port and 10 more in turn: the lowest free
# ports are reached in the first round, any port of the range within 100 s.
FIND_TIMEOUT_S = 120
# How long the node with discovery off is watched: two discovery rounds.
QUIET_WATCH_S = 21


class RangePorts:
    """Ports of the Tox range, lowest first, each claimed for this test before use. c-toxcore
    clients of tests running beside this one take ports of the range too: a process that could
    not bind its port is started again on the next one."""

    def __init__(self):
        self.candidates = iter(TOX_PORTS)

    def start(self, make):
        for port in self.candidates:
            if not claim_port(port):
                continue
            proc = make(port)
            try:
                return proc.start()
            except RuntimeError:  # the port was taken between the claim and the bind
                proc.stop()
        raise RuntimeError(f"no free UDP port left in {TOX_PORTS.start}-{TOX_PORTS.stop - 1}")


def ipv6_link(r, opts, tmp, ports, procs):
    """A node bound to `::` also sends to every node on the link (ff02::1), and takes discovery
    packets that come that way. A socket that speaks IPv6 only stands in for the other side, so
    nothing can arrive by the IPv4 broadcasts."""
    listener = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        for port in ports.candidates:
            if not claim_port(port):
                continue
            try:
                listener.bind(("::", port))
                break
            except OSError:
                continue
        listener.settimeout(1)
        node = ports.start(lambda p: ChatBootstrap(opts.tonari, tmp / f"v6-{p}", lan_discovery=True, port=p, bind="::"))
        procs.append(node)
        key = bytes.fromhex(node.public_key)

        def heard(kind, sender_key):
            deadline = time.monotonic() + FIND_TIMEOUT_S
            while time.monotonic() < deadline:
                try:
                    data, source = listener.recvfrom(2048)
                except socket.timeout:
                    continue
                if data[:1] == bytes([kind]) and data[1:33] == sender_key:
                    return source
            return None

        source = heard(0x21, key)
        r.check(source is not None and ":" in source[0] and not source[0].startswith("::ffff:"),
                f"the node bound to :: sent its discovery packet over IPv6 to the link's nodes: from {source}")
        stranger = os.urandom(32)
        listener.sendto(bytes([0x21]) + stranger, ("ff02::1", node.port))
        source = heard(0x02, key)
        r.check(source is not None, f"and took one that came over IPv6: it asked the sender for nodes (from {source})")
    finally:
        listener.close()


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    ports = RangePorts()
    procs = []
    try:
        # The daemon first, on the lowest port: each tonari node's first round of discovery
        # reaches it, and every round after that if it holds the range's first port.
        daemon = ports.start(lambda p: ToxBootstrapd(tmp / f"daemon-{p}", lan_discovery=True, port=p))
        procs.append(daemon)
        start = time.monotonic()
        a = ports.start(lambda p: ChatBootstrap(opts.tonari, tmp / f"a-{p}", lan_discovery=True, port=p, bind="0.0.0.0"))
        procs.append(a)
        b = ports.start(lambda p: ChatBootstrap(opts.tonari, tmp / f"b-{p}", lan_discovery=True, port=p, bind="0.0.0.0"))
        procs.append(b)
        quiet = ports.start(lambda p: ChatBootstrap(opts.tonari, tmp / f"quiet-{p}", port=p, bind="0.0.0.0"))
        procs.append(quiet)
        ports_left = ports
        ports = [daemon.port, a.port, b.port, quiet.port]
        print(f"ports: tox-bootstrapd {ports[0]}, tonari {ports[1]} and {ports[2]}, discovery off {ports[3]}")

        met = poll(lambda: a.knows(b.public_key) and b.knows(a.public_key), FIND_TIMEOUT_S)
        r.check(met, "two tonari nodes with no bootstrap node found each other by LAN discovery")
        print(f"the tonari nodes found each other {time.monotonic() - start:.1f} s after the first started")
        # A node's later rounds go to other ports of the range in turn: the one that started
        # second may hear the other's only after a full turn (100 s). One packet is enough.
        acted = a.status().get("lan_discovered", 0) + b.status().get("lan_discovered", 0)
        r.check(acted >= 1, f"they met through discovery packets ({acted} acted on), the only way they could")
        r.check(poll(lambda: a.knows(daemon.public_key) and b.knows(daemon.public_key), FIND_TIMEOUT_S),
                "tox-bootstrapd with LAN discovery on answered tonari's discovery packets: both tonari nodes "
                "know it")
        print(f"both knew tox-bootstrapd {time.monotonic() - start:.1f} s after the first started")

        time.sleep(QUIET_WATCH_S)  # nothing must happen: there is no event to wait for
        r.check(not quiet.status().get("known") and quiet.status().get("lan_discovered") == 0,
                f"the node with --no-lan-discovery learned nobody: {quiet.status()}")
        r.check(not a.knows(quiet.public_key) and not b.knows(quiet.public_key),
                "and nobody learned it")
        ipv6_link(r, opts, tmp, ports_left, procs)
        for p in procs:
            r.check(p.alive(), f"{type(p).__name__} on port {p.port} still running")
    finally:
        for p in reversed(procs):
            p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-tox-lan-", extra_options=["--toxdriver"]))
