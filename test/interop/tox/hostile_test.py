#!/usr/bin/env python3
"""Hostile input against a tonari chat client that is friends with a c-toxcore client, one
attack after another, on loopback; after each, the client is still up, its memory stays
bounded (peak RSS under MEMORY_LIMIT_MB) and the honest friend still gets messages both ways.

- junk: every packet kind at every interesting length, random bytes, from many ports;
- floods of well-formed packets from fresh keys (sealed with libsodium through ctypes): DHT
  pings, unsolicited nodes responses, cookie requests; random handshakes and session data;
- an oversized file offer (2^60 bytes, a name climbing out of the folder) from the friend:
  shown, accepted under the downloads folder only, cancelled;
- a friend request flood: 34 c-toxcore clients ask at once; at most 32 wait to be answered.
"""
import os
import pathlib
import random
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import sodium_peer  # noqa: E402
from checks import memory_mb, poll, run_test  # noqa: E402
from tox_processes import ChatBootstrap, ChatClient, ToxDriver  # noqa: E402

CONNECT_TIMEOUT_S = 120
FLOOD = 3000
REQUESTERS = 34
MEMORY_LIMIT_MB = 150


def still_talking(r, bob, alice, label):
    """The honest friend still gets a message each way."""
    a_text, b_text = f"alice after {label}", f"bob after {label}"
    alice.send(cmd="msg", friend=0, text=a_text)
    bob.send(cmd="msg", friend=0, text=b_text)
    ok = poll(lambda: bob.first("message", text=a_text) and alice.first("message", text=b_text), 30, 0.02)
    peak = memory_mb(bob.proc.pid, "VmHWM") if bob.alive() else 0
    r.check(bob.alive() and ok and peak < MEMORY_LIMIT_MB,
            f"after {label}: tonari is up, peak memory {peak:.0f} MiB, messages still flow both ways")


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    procs = []
    try:
        node = ChatBootstrap(opts.tonari, tmp / "node").start()
        procs.append(node)
        boot = ["--bootstrap", "127.0.0.1:%d:%s" % node.node()[1:]]
        bob = ChatClient(opts.tonari, tmp / "bob", [node.node()], extra=["--downloads", str(tmp / "dl")]).start()
        procs.append(bob)
        alice = ToxDriver(opts.toxdriver, tmp / "alice", args=boot).start()
        procs.append(alice)
        alice.send(cmd="add", id=bob.first("ready")["tox_id"], message="hi")
        request = poll(lambda: bob.first("friend_request"), CONNECT_TIMEOUT_S, 0.1)
        if not request:
            r.fail("no friend request")
            return
        bob.send(cmd="accept", public_key=request["public_key"])
        if not poll(lambda: bob.first("friend_online") and alice.first("friend_connection"), CONNECT_TIMEOUT_S, 0.1):
            r.fail("never online")
            return
        port = bob.port
        dht_key = bytes.fromhex(bob.first("ready")["dht_key"])
        still_talking(r, bob, alice, "setting up")

        rng = random.Random(21)
        junk = []
        for kind in range(256):
            for length in (1, 2, 32, 57, 72, 73, 82, 113, 145, 161, 177, 354, 385, 1400):
                junk.append(bytes([kind]) + rng.randbytes(length - 1))
        for i in range(0, len(junk), 200):
            sodium_peer.blast(port, junk[i:i + 200])  # a new source port each batch
        still_talking(r, bob, alice, f"{len(junk)} junk packets of every kind")

        sodium_peer.blast(port, [sodium_peer.dht_packet(0x00, dht_key, bytes([0]) + os.urandom(8)) for _ in range(FLOOD)])
        still_talking(r, bob, alice, f"{FLOOD} DHT pings from fresh keys")
        sodium_peer.blast(port, [sodium_peer.dht_packet(0x04, dht_key, bytes([0]) + os.urandom(8))
                                 for _ in range(FLOOD)])
        still_talking(r, bob, alice, f"{FLOOD} unsolicited nodes responses")
        sodium_peer.blast(port, [sodium_peer.cookie_request(dht_key) for _ in range(FLOOD)])
        still_talking(r, bob, alice, f"{FLOOD} cookie requests from fresh keys")
        sodium_peer.blast(port, [bytes([0x1a]) + os.urandom(384) for _ in range(FLOOD)] +
                          [bytes([0x1b]) + os.urandom(rng.randrange(20, 1400)) for _ in range(FLOOD)])
        still_talking(r, bob, alice, f"{FLOOD} forged handshakes and {FLOOD} forged session packets")

        alice.send(cmd="offer", friend=0, size=1 << 60, name="../../../etc/evil")
        offer = poll(lambda: bob.first("file_offer"), 30, 0.05)
        r.check(offer and offer["size"] == 1 << 60, f"tonari shows the oversized offer as it is: {offer}")
        if offer:
            bob.send(cmd="accept_file", friend=0, file=offer["file"])
            poll(lambda: any((tmp / "dl").glob("*")), 10)
            created = [p.name for p in (tmp / "dl").glob("*")]
            r.check(created == ["etcevil"] and not (tmp / "etc").exists(),
                    f"accepted, it lands under the downloads folder only: {created}")
            bob.send(cmd="cancel_file", friend=0, file=offer["file"])
        still_talking(r, bob, alice, "an oversized file offer")

        flooders = [ToxDriver(opts.toxdriver, tmp / f"f{i}", args=boot).start() for i in range(REQUESTERS)]
        procs += flooders
        for i, f in enumerate(flooders):
            f.send(cmd="add", id=bob.first("ready")["tox_id"], message=f"spam {i}")
        poll(lambda: len(bob.all("friend_request")) >= 33, CONNECT_TIMEOUT_S, 0.2)
        shown = len(bob.all("friend_request")) - 1  # Alice's was the first
        r.check(0 < shown <= 32, f"{REQUESTERS} friend requests at once: {shown} shown, the rest dropped (at most 32 wait)")
        still_talking(r, bob, alice, f"a flood of {REQUESTERS} friend requests")
    finally:
        for p in procs:
            p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-tox-hostile-", extra_options=["--toxdriver"]))
