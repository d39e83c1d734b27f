#!/usr/bin/env python3
"""The Tox DHT between tonari and c-toxcore 0.2.18 (Debian's tox-bootstrapd), on loopback:

- tox-bootstrapd serves two tonari nodes: each gets into the daemon's close list (the daemon
  pings it and it answers), each learns the other from the daemon's nodes responses, and one
  finds the other by a DHT search;
- tox-bootstrapd bootstraps from a tonari node: the daemon takes tonari's nodes responses, and a
  third tonari node that knows only the daemon learns of the first through it;
- both answer a bootstrap-info query with the same layout;
- junk and truncated packets of every DHT kind change nothing: the tonari node stays up and
  still serves an honest node.
"""
import pathlib
import random
import socket
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import poll, run_test  # noqa: E402
from tox_processes import ChatBootstrap, ToxBootstrapd, bootstrap_info  # noqa: E402

# c-toxcore pings a new node within 2 s and asks its close nodes again every few seconds; a
# node that finds the others takes a few round trips. Generous for a loaded machine.
LEARN_TIMEOUT_S = 60


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    procs = []
    try:
        daemon = ToxBootstrapd(tmp / "daemon").start()
        procs.append(daemon)
        b = ChatBootstrap(opts.tonari, tmp / "b", [daemon.node()]).start()
        procs.append(b)
        a = ChatBootstrap(opts.tonari, tmp / "a", [daemon.node()], find=[b.public_key]).start()
        procs.append(a)

        r.check(poll(lambda: a.knows(daemon.public_key), LEARN_TIMEOUT_S),
                "tonari got a nodes response from tox-bootstrapd (decrypted, request id matched)")
        r.check(poll(lambda: a.knows(b.public_key) and b.knows(a.public_key), LEARN_TIMEOUT_S),
                "the two tonari nodes learned each other from tox-bootstrapd's nodes responses")
        found = poll(lambda: a.first("found"), LEARN_TIMEOUT_S)
        r.check(found and found["public_key"] == b.public_key and found["address"] == f"127.0.0.1:{b.port}",
                f"a DHT search through tox-bootstrapd found the other tonari node at its address: {found}")

        # The other way round: the daemon starts from a tonari node.
        t = ChatBootstrap(opts.tonari, tmp / "t").start()
        procs.append(t)
        daemon2 = ToxBootstrapd(tmp / "daemon2", bootstrap_nodes=[t.node()]).start()
        procs.append(daemon2)
        r.check(poll(lambda: t.knows(daemon2.public_key), LEARN_TIMEOUT_S),
                "a tonari node with no bootstrap node learned tox-bootstrapd, which bootstrapped from it")
        u = ChatBootstrap(opts.tonari, tmp / "u", [daemon2.node()]).start()
        procs.append(u)
        r.check(poll(lambda: u.knows(t.public_key), LEARN_TIMEOUT_S),
                "a tonari node that knows only tox-bootstrapd learned the tonari node the daemon started from")

        # Bootstrap info: the same layout from both.
        version, motd = bootstrap_info(daemon.port)
        r.check(motd == daemon.motd and version > 0, f"tox-bootstrapd's info: version {version}, motd {motd!r}")
        version, motd = bootstrap_info(t.port)
        r.check(motd == "tonari under test" and version == 1, f"tonari's info: version {version}, motd {motd!r}")

        # Junk: every DHT kind at every interesting length, random bytes, from a stranger.
        before = t.status()
        rng = random.Random(5)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for kind in [0x00, 0x01, 0x02, 0x04, 0x20, 0x21, 0xF0, 0x80, 0x83, 0x18, 0x1A, 0x1B, 0xFF]:
                for length in [0, 1, 32, 56, 57, 72, 73, 81, 82, 83, 112, 113, 114, 200, 500, 1400]:
                    payload = bytes([kind]) + rng.randbytes(max(0, length - 1)) if length else b""
                    s.sendto(payload, ("127.0.0.1", t.port))
        r.check(poll(lambda: t.status().get("malformed", 0) > before.get("malformed", 0), 10),
                f"tonari counted the junk as malformed: {t.status().get('malformed')}")
        r.check(t.alive(), "the tonari node is still running after the junk")
        v = ChatBootstrap(opts.tonari, tmp / "v", [t.node()]).start()
        procs.append(v)
        r.check(poll(lambda: v.knows(t.public_key), LEARN_TIMEOUT_S),
                "after the junk, the tonari node still answers an honest node")
        for p in (a, b, t, u, v):
            r.check(p.status().get("undecryptable", 0) == 0 or p is t,
                    f"no packet between honest nodes failed decryption ({p.folder.name})")
        for p in (daemon, daemon2):
            r.check(p.alive(), "tox-bootstrapd is still running")
    finally:
        codes = [p.stop() for p in procs]
        r.check(all(c in (0, None) for c in codes[:]), f"every process stopped cleanly on SIGTERM: {codes}")


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-tox-dht-", extra_options=["--toxdriver"]))
