#!/usr/bin/env python3
"""Hostile traffic against a tonari DHT node (`tonari torrent dht-node`), from Python UDP
sockets on loopback:

1. A query flood: 20,000 get_peers queries from one source as fast as Python sends them. The
   node answers at most its per-source burst plus its rate for the time taken, and drops the
   rest.
2. Reflection: a get_peers query for a torrent with 100 stored peers, from a source that never
   answered the node, gets back at most 4 times its own size (the values are cut to fit).
3. Garbage: 5,000 datagrams of junk, bencode nested 10,000 deep, oversized strings, queries
   without ids — no answers, no crash.
4. Forged announces: announce_peer with a made-up token is refused with error 203 and stores
   nothing.
After all that the node still answers a ping (once the flood's source has its rate back), is
still running, and its peak memory stayed under MEMORY_BOUND_MIB.
"""
import os
import socket
import sys
import time

from checks import run_test
from node_process import wait_until
from torrent_process import DhtNodeProcess, memory_mib  # noqa: E402

MEMORY_BOUND_MIB = 64
BURST = 100          # dht_node.h: QUERY_BURST_PER_SOURCE
RATE = 25            # dht_node.h: QUERIES_PER_SOURCE_PER_S
AMPLIFICATION = 4    # dht_node.h: AMPLIFICATION_FACTOR


def bstr(b):
    return str(len(b)).encode() + b":" + b


def query(t, method, args):
    """A KRPC query; args are (key, bytes or int) pairs in sorted key order."""
    body = b"d"
    for k, v in args:
        body += bstr(k.encode()) + (b"i%de" % v if isinstance(v, int) else bstr(v))
    body += b"e"
    return b"d1:a" + body + b"1:q" + bstr(method.encode()) + b"1:t" + bstr(t) + b"1:y1:qe"


def is_answer(datagram):
    """A response or an error (the node also sends queries of its own to sockets that queried it)."""
    return b"1:y1:r" in datagram or b"1:y1:e" in datagram


def drain(sock, quiet=0.5):
    """Every answer that arrives until nothing has for `quiet` seconds."""
    got = []
    sock.settimeout(quiet)
    while True:
        try:
            datagram = sock.recvfrom(4096)[0]
        except socket.timeout:
            return got
        if is_answer(datagram):
            got.append(datagram)


def first_answer(sock, timeout=5.0):
    """The first answer to arrive, or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            datagram = sock.recvfrom(4096)[0]
        except socket.timeout:
            return None
        if is_answer(datagram):
            return datagram
    return None


def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    return s


def body(r, opts, tmp):
    node = DhtNodeProcess(opts.tonari, tmp).start()
    try:
        r.check(wait_until(lambda: "dht node: udp" in node.output(), 30), f"the DHT node runs: {node.output()}")
        target = ("127.0.0.1", node.port)
        my_id = os.urandom(20)
        info_hash = os.urandom(20)

        # --- 4 first (it needs the rate budget): a forged announce ------------------------
        s = udp()
        s.sendto(query(b"f1", "announce_peer", [("id", my_id), ("info_hash", info_hash), ("port", 6881),
                                                 ("token", b"forged!!")]), target)
        answers = drain(s)
        r.check(len(answers) == 1 and b"1:y1:e" in answers[0] and b"i203e" in answers[0],
                f"4: an announce with a made-up token gets error 203: {answers}")

        # Store 100 peers for info_hash, each from its own socket with a real token.
        stored = 0
        for i in range(100):
            a = udp()
            a.sendto(query(b"g%d" % i, "get_peers", [("id", os.urandom(20)), ("info_hash", info_hash)]), target)
            raw = first_answer(a)
            token = None
            if raw:
                at = raw.find(b"5:token")
                if at >= 0:
                    length_end = raw.index(b":", at + 7)
                    n = int(raw[at + 7:length_end])
                    token = raw[length_end + 1:length_end + 1 + n]
            if token is not None:
                a.sendto(query(b"a%d" % i, "announce_peer", [("id", os.urandom(20)), ("info_hash", info_hash),
                                                             ("port", 10000 + i), ("token", token)]), target)
                stored += first_answer(a) is not None
            a.close()
            time.sleep(0.05)  # every socket is 127.0.0.1: stay under the per-source rate
        r.check(stored == 100, f"100 peers announced with real tokens: {stored}")
        r.check(wait_until(lambda: node.stored_peers() >= 100, 10), f"the node stores them: {node.output()[-200:]}")

        # --- 2. reflection ----------------------------------------------------------------
        time.sleep(BURST / RATE)  # the source's burst back
        q = query(b"rf", "get_peers", [("id", my_id), ("info_hash", info_hash)])
        s.sendto(q, target)
        answers = drain(s)
        r.check(len(answers) == 1 and len(answers[0]) <= AMPLIFICATION * len(q),
                f"2: a {len(q)}-byte query from an unverified source gets at most {AMPLIFICATION}x back: "
                f"{[len(a) for a in answers]}")

        # --- 1. a flood from one source -----------------------------------------------------
        time.sleep(BURST / RATE)
        flood = udp()
        started = time.monotonic()
        for i in range(20000):
            flood.sendto(query(b"%d" % (i % 65536), "get_peers", [("id", my_id), ("info_hash", info_hash)]), target)
        took = time.monotonic() - started
        answered = len(drain(flood, 1.0))
        allowed = BURST + RATE * (took + 1.0) + 5
        print(f"1: 20,000 queries in {took:.2f} s: {answered} answered (at most {allowed:.0f} allowed)")
        r.check(answered <= allowed, f"1: the flood got at most burst + rate x time answers: {answered} > {allowed:.0f}")
        r.check(answered >= 10, f"1: ... but it was answered at first: {answered}")
        flood.close()

        # --- 3. garbage -----------------------------------------------------------------------
        junk = udp()
        payloads = [b"l" * 10000 + b"e" * 10000, b"d1:t2:aa1:y1:qe", b"i5e", b"9999999:x", os.urandom(1500),
                    b"d1:ad2:id3:abce1:q4:ping1:t2:aa1:y1:qe", b"d1:ad2:id20:" + b"x" * 20 + b"e1:q4:ping1:t100:" +
                    b"t" * 100 + b"1:y1:qe"]
        for i in range(5000):
            junk.sendto(payloads[i % len(payloads)], target)
        r.check(drain(junk) == [], "3: 5,000 junk datagrams get no answer")
        junk.close()

        # --- afterwards -----------------------------------------------------------------------
        time.sleep(BURST / RATE + 1)
        s.sendto(query(b"pp", "ping", [("id", my_id)]), target)
        answers = drain(s, 2.0)
        r.check(len(answers) == 1 and b"1:y1:r" in answers[0], f"the node still answers a ping: {answers}")
        r.check(node.running(), "the node is still running")
        peak = memory_mib(node.proc.pid, "VmHWM")
        print(f"peak memory {peak:.1f} MiB (bound {MEMORY_BOUND_MIB} MiB)")
        r.check(peak is not None and peak < MEMORY_BOUND_MIB, f"its peak memory stayed under {MEMORY_BOUND_MIB} MiB: {peak}")
        s.close()
        code = node.stop()
        r.check(code == 0, f"it stops cleanly: {code}")
        r.check("malformed" in node.output(), "its status line counted the malformed datagrams")
    finally:
        node.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-dht-hostile-"))
