#!/usr/bin/env python3
"""Two tonari clients that know only c-toxcore's tox-bootstrapd (0.2.18) become friends and talk:
the daemon is their DHT bootstrap node and relays and stores their onion traffic, so tonari's
onion client (announcing, searching, onion data) and DHT search run against c-toxcore's server
side. Then a direct session carries messages both ways with receipts.
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import poll, run_test  # noqa: E402
from tox_processes import ChatClient, ToxBootstrapd  # noqa: E402

TIMEOUT_S = 120


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    procs = []
    try:
        daemon = ToxBootstrapd(tmp / "daemon").start()
        procs.append(daemon)
        alice = ChatClient(opts.tonari, tmp / "alice", [daemon.node()], name="Alice").start()
        procs.append(alice)
        bob = ChatClient(opts.tonari, tmp / "bob", [daemon.node()], name="Bob").start()
        procs.append(bob)
        r.check(poll(lambda: alice.first("announced") and bob.first("announced"), TIMEOUT_S, 0.1),
                "both tonari clients announced themselves at tox-bootstrapd's onion")
        alice.send(cmd="add", id=bob.first("ready")["tox_id"], message="Hi Bob, via tox-bootstrapd")
        request = poll(lambda: bob.first("friend_request"), TIMEOUT_S, 0.1)
        r.check(request and request["message"] == "Hi Bob, via tox-bootstrapd",
                f"the friend request went through tox-bootstrapd's onion: {request}")
        if not request:
            return
        bob.send(cmd="accept", public_key=request["public_key"])
        r.check(poll(lambda: alice.first("friend_online") and bob.first("friend_online"), TIMEOUT_S, 0.1),
                "the two tonari clients found each other in the DHT and connected")
        alice.send(cmd="msg", friend=0, text="hello Bob")
        bob.send(cmd="msg", friend=0, text="hello Alice")
        r.check(poll(lambda: bob.first("message", text="hello Bob") and alice.first("message", text="hello Alice"), 30),
                "messages went both ways")
        r.check(poll(lambda: alice.first("receipt") and bob.first("receipt"), 30), "with receipts")
        r.check(daemon.alive(), "tox-bootstrapd is still running")
    finally:
        for p in procs:
            p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-tox-bootstrapd-", extra_options=["--toxdriver"]))
