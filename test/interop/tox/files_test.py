#!/usr/bin/env python3
"""File transfers between tonari and c-toxcore 0.2.18 over a net_crypto session, on loopback:
a 16 MiB file each way, the receiver's SHA-256 equal to the sender's; the offer names the file
and its size; a file offered and cancelled by the receiver goes no further; the sender sees the
transfer end. Prints each direction's rate (c-toxcore's own congestion control paces the
c-toxcore -> tonari direction).
"""
import hashlib
import pathlib
import random
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import poll, run_test  # noqa: E402
from tox_processes import ChatBootstrap, ChatClient, ToxDriver  # noqa: E402

SIZE = 16 << 20
CONNECT_TIMEOUT_S = 120
# c-toxcore sends at about 1.3-2 MiB/s here: 16 MiB in 8-13 s idle; a loaded machine is slower.
TRANSFER_TIMEOUT_S = 150


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    data = random.Random(14).randbytes(SIZE)
    source = tmp / "film.bin"
    source.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    procs = []
    try:
        node = ChatBootstrap(opts.tonari, tmp / "node").start()
        procs.append(node)
        bob = ChatClient(opts.tonari, tmp / "bob", [node.node()], name="Bob (tonari)",
                         extra=["--downloads", str(tmp / "bob-downloads")]).start()
        procs.append(bob)
        alice = ToxDriver(opts.toxdriver, tmp / "alice", args=["--bootstrap", "127.0.0.1:%d:%s" % node.node()[1:]]).start()
        procs.append(alice)
        alice.send(cmd="add", id=bob.first("ready")["tox_id"], message="Hi Bob")
        request = poll(lambda: bob.first("friend_request"), CONNECT_TIMEOUT_S, 0.1)
        r.check(request is not None, "tonari got the friend request")
        if not request:
            return
        bob.send(cmd="accept", public_key=request["public_key"])
        online = poll(lambda: bob.first("friend_online") and alice.first("friend_connection"), CONNECT_TIMEOUT_S, 0.1)
        r.check(online, "the two are online")
        if not online:
            return

        # tonari -> c-toxcore (the test program accepts every offer).
        started = time.monotonic()
        bob.send(cmd="file", friend=0, path=str(source))
        done = poll(lambda: alice.first("file_done"), TRANSFER_TIMEOUT_S, 0.05)
        elapsed = time.monotonic() - started
        r.check(done and done["size"] == SIZE and done["sha256"].lower() == digest,
                f"c-toxcore received tonari's 16 MiB file whole: {done}")
        r.check(poll(lambda: bob.first("file_sent"), 10), "tonari saw its transfer end")
        print(f"tonari -> c-toxcore: 16 MiB in {elapsed:.2f} s ({SIZE / elapsed / (1 << 20):.1f} MiB/s)")

        # c-toxcore -> tonari.
        started = time.monotonic()
        alice.send(cmd="send_file", friend=0, path=str(source))
        offer = poll(lambda: bob.first("file_offer"), 30, 0.05)
        r.check(offer and offer["size"] == SIZE and offer["name"] == "film.bin", f"tonari got the offer: {offer}")
        if offer:
            bob.send(cmd="accept_file", friend=0, file=offer["file"])
            got = poll(lambda: bob.first("file_done"), TRANSFER_TIMEOUT_S, 0.05)
            elapsed = time.monotonic() - started
            r.check(got and got["size"] == SIZE and got["sha256"] == digest and
                    hashlib.sha256(pathlib.Path(got["path"]).read_bytes()).hexdigest() == digest,
                    f"tonari received c-toxcore's 16 MiB file whole, on disk: {got}")
            print(f"c-toxcore -> tonari: 16 MiB in {elapsed:.2f} s ({SIZE / elapsed / (1 << 20):.1f} MiB/s)")

        # An offer tonari turns down.
        small = tmp / "note.txt"
        small.write_bytes(b"not wanted")
        alice.send(cmd="send_file", friend=0, path=str(small))
        second = poll(lambda: [e for e in bob.all("file_offer") if e["name"] == "note.txt"], 30, 0.05)
        r.check(bool(second), "a second offer arrived")
        if second:
            bob.send(cmd="cancel_file", friend=0, file=second[0]["file"])
            time.sleep(1)
            r.check(not (tmp / "bob-downloads" / "note.txt").exists(), "a cancelled offer writes nothing")
        r.check(bob.alive() and alice.alive(), "both clients are still running")
    finally:
        for p in procs:
            p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-tox-files-", extra_options=["--toxdriver"]))
