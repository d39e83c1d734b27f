#!/usr/bin/env python3
"""A tonari node is a full member of a Tox network: two c-toxcore 0.2.18 clients that know only
a tonari bootstrap node (DHT and onion) on loopback become friends and talk.

The friend request travels as onion data: announced at the end of onion paths that tonari
relays and keeps, found by the other's search, routed back along the announcer's path. Then the
two connect directly; messages go both ways with receipts, names and status messages are seen.
tonari's own counters show it relayed onion packets, kept both announcements and passed the
request on. Measured here: about 10 s from start to friends online (c-toxcore through its own
tox-bootstrapd: about the same).
"""
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import poll, run_test  # noqa: E402
from tox_processes import ChatBootstrap, ToxDriver  # noqa: E402

# c-toxcore announces itself, searches, and retries every few seconds; on a loaded machine the
# whole exchange can take several times its idle 10 s.
FRIEND_TIMEOUT_S = 120
MESSAGE_TIMEOUT_S = 30


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    procs = []
    try:
        node = ChatBootstrap(opts.tonari, tmp / "tonari").start()
        procs.append(node)
        started = time.monotonic()
        alice = ToxDriver(opts.toxdriver, tmp / "alice", args=["--bootstrap", "127.0.0.1:%d:%s" % node.node()[1:],
                                                                 "--name", "Alice"]).start()
        procs.append(alice)
        bob = ToxDriver(opts.toxdriver, tmp / "bob", args=["--bootstrap", "127.0.0.1:%d:%s" % node.node()[1:],
                                                             "--name", "Bob"]).start()
        procs.append(bob)
        alice.send(cmd="status_message", text="through the onion")
        alice.send(cmd="add", id=bob.first("ready")["tox_id"], message="Hi Bob, it's Alice")

        request = poll(lambda: bob.first("friend_request"), FRIEND_TIMEOUT_S, 0.1)
        r.check(request and request["message"] == "Hi Bob, it's Alice"
                and request["public_key"] == alice.first("ready")["public_key"],
                f"c-toxcore got the friend request through tonari's onion: {request}")
        if not request:
            return
        bob.send(cmd="accept", public_key=request["public_key"])
        online = poll(lambda: alice.first("friend_connection") and bob.first("friend_connection"), FRIEND_TIMEOUT_S, 0.1)
        r.check(online, "both friends came online")
        elapsed = time.monotonic() - started
        print(f"friends online {elapsed:.1f} s after start")

        alice.send(cmd="msg", friend=0, text="hello through tonari")
        bob.send(cmd="msg", friend=0, text="hello back")
        got_b = poll(lambda: bob.first("message"), MESSAGE_TIMEOUT_S, 0.05)
        got_a = poll(lambda: alice.first("message"), MESSAGE_TIMEOUT_S, 0.05)
        r.check(got_b and got_b["text"] == "hello through tonari", f"Bob got Alice's message: {got_b}")
        r.check(got_a and got_a["text"] == "hello back", f"Alice got Bob's message: {got_a}")
        r.check(poll(lambda: alice.first("receipt") and bob.first("receipt"), MESSAGE_TIMEOUT_S, 0.05),
                "both messages were receipted")
        r.check(poll(lambda: bob.first("friend_name", name="Alice"), MESSAGE_TIMEOUT_S, 0.05),
                "Bob sees Alice's name")
        r.check(poll(lambda: bob.first("friend_status_message", text="through the onion"), MESSAGE_TIMEOUT_S, 0.05),
                "Bob sees Alice's status message")

        status = poll(lambda: node.status() if node.status().get("onion_announced", 0) >= 2 else None, 30)
        status = status or node.status()
        r.check(status.get("onion_announced", 0) >= 2,
                f"both clients announced themselves at the tonari node: {status.get('onion_announced')}")
        r.check(status.get("onion_relayed", 0) > 0 and status.get("onion_data_forwarded", 0) >= 1,
                f"tonari relayed onion packets ({status.get('onion_relayed')}) and passed data on "
                f"({status.get('onion_data_forwarded')})")
        r.check(status.get("undecryptable", 0) == 0 and status.get("malformed", 0) == 0,
                f"nothing c-toxcore sent failed to parse or decrypt: {status}")
        r.check(node.alive(), "the tonari node is still running")
    finally:
        codes = [p.stop() for p in procs]
        r.check(codes[0] in (0, None), f"the tonari node stopped cleanly: {codes}")


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-tox-onion-", extra_options=["--toxdriver"]))
