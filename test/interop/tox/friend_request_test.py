#!/usr/bin/env python3
"""Friend requests between tonari and c-toxcore 0.2.18, both ways, through the onion, on
loopback with a tonari bootstrap node:

- c-toxcore adds tonari's Tox ID: tonari shows the request with its message and the sender's
  key, and accepts it;
- tonari adds a c-toxcore user's Tox ID: the c-toxcore client gets the request with tonari's
  message and key; once it accepts, tonari learns its DHT key from its DHT public key packet;
- a request to tonari's key with the wrong nospam (a valid checksum, an old or guessed ID) is
  never shown;
- the friends are in tonari's saved profile afterwards.
"""
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import poll, run_test  # noqa: E402
from tox_processes import ChatBootstrap, ChatClient, ToxDriver  # noqa: E402

REQUEST_TIMEOUT_S = 120


def with_nospam(tox_id, nospam_hex):
    """The same key with another nospam, and the checksum that goes with it."""
    raw = bytes.fromhex(tox_id[:64] + nospam_hex)
    check = [0, 0]
    for i, b in enumerate(raw):
        check[i % 2] ^= b
    return (raw + bytes(check)).hex().upper()


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    procs = []
    try:
        node = ChatBootstrap(opts.tonari, tmp / "node").start()
        procs.append(node)
        boot = ["--bootstrap", "127.0.0.1:%d:%s" % node.node()[1:]]
        bob = ChatClient(opts.tonari, tmp / "bob", [node.node()], name="Bob (tonari)").start()
        procs.append(bob)
        alice = ToxDriver(opts.toxdriver, tmp / "alice", args=boot + ["--name", "Alice"]).start()
        procs.append(alice)
        carol = ToxDriver(opts.toxdriver, tmp / "carol", args=boot + ["--name", "Carol"]).start()
        procs.append(carol)
        mallory = ToxDriver(opts.toxdriver, tmp / "mallory", args=boot).start()
        procs.append(mallory)
        bob_id = bob.first("ready")["tox_id"]

        # c-toxcore -> tonari, and a request with a nospam tonari never gave out.
        alice.send(cmd="add", id=bob_id, message="Hi Bob, Alice here (c-toxcore)")
        mallory.send(cmd="add", id=with_nospam(bob_id, "DEADBEEF" if bob_id[64:72] != "DEADBEEF" else "0BADF00D"),
                     message="spam")
        alice_key = alice.first("ready")["public_key"]
        request = poll(lambda: bob.first("friend_request"), REQUEST_TIMEOUT_S, 0.1)
        r.check(request and request["public_key"] == alice_key and request["message"] == "Hi Bob, Alice here (c-toxcore)",
                f"tonari got c-toxcore's friend request: {request}")
        if request:
            bob.send(cmd="accept", public_key=request["public_key"])
            r.check(poll(lambda: bob.first("friend_added", public_key=alice_key), 10), "tonari accepted it")

        # tonari -> c-toxcore.
        carol_ready = carol.first("ready")
        bob.send(cmd="add", id=carol_ready["tox_id"], message="Hi Carol, Bob here (tonari)")
        got = poll(lambda: carol.first("friend_request"), REQUEST_TIMEOUT_S, 0.1)
        r.check(got and got["public_key"] == bob.first("ready")["public_key"]
                and got["message"] == "Hi Carol, Bob here (tonari)",
                f"c-toxcore got tonari's friend request: {got}")
        if got:
            # Once Carol accepts, her client searches for Bob and tells him where she is.
            carol.send(cmd="accept", public_key=got["public_key"])
            r.check(poll(lambda: bob.first("friend_dht_key", dht_key=carol_ready["dht_key"]), REQUEST_TIMEOUT_S, 0.1),
                    "tonari learned the c-toxcore friend's DHT key from its DHT public key packet")
        r.check(all(e["public_key"] == alice_key for e in bob.all("friend_request")),
                f"the request with the wrong nospam was never shown: {bob.all('friend_request')}")
        r.check(bob.quit() == 0, "tonari saved its profile and left")
        saved = json.loads(r.run("chat", "profile", "--profile", str(bob.profile), "--json").stdout)
        keys = sorted(f["public_key"] for f in saved["friends"])
        r.check(keys == sorted([alice_key, carol_ready["public_key"]]), f"both friends are in tonari's profile: {keys}")
    finally:
        for p in procs:
            p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-tox-request-", extra_options=["--toxdriver"]))
