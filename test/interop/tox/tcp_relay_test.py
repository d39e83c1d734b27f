#!/usr/bin/env python3
"""Friends with UDP off on one side: c-toxcore 0.2.18 with UDP disabled reaches tonari only
through a TCP relay, run first by tonari (`tonari chat bootstrap --tcp-relay-port`), then by
c-toxcore's tox-bootstrapd (tcp_relay_no_udp_test.py turns UDP off on tonari's side instead).
For each relay:

- c-toxcore (UDP off, told only the relay) finds tonari through the onion, entered over TCP;
  tonari learns c-toxcore's relay from its DHT key announcement and connects there itself;
- the friend request arrives and is accepted; both see the other online over TCP (c-toxcore
  reports a TCP connection, tonari a session without UDP);
- a message each way with receipts, and a 4 MiB file each way, SHA-256 equal.
"""
import hashlib
import pathlib
import random
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import poll, run_test  # noqa: E402
from tox_processes import ChatBootstrap, ChatClient, ToxBootstrapd, ToxDriver  # noqa: E402

CONNECT_TIMEOUT_S = 120
MESSAGE_TIMEOUT_S = 30
SIZE = 4 << 20
# Through a relay c-toxcore moves about 1 MiB/s here; a loaded machine is slower.
TRANSFER_TIMEOUT_S = 120


def scenario(r, opts, tmp, relay_kind, tonari_without_udp=False):
    """One pair through one relay; UDP off on c-toxcore's side, or on tonari's."""
    tmp = pathlib.Path(tmp) / (relay_kind + ("-tonari-no-udp" if tonari_without_udp else ""))
    data = random.Random(15).randbytes(SIZE)
    source = tmp / "film.bin"
    tmp.mkdir(parents=True)
    source.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    procs = []
    try:
        if relay_kind == "tonari":
            node = ChatBootstrap(opts.tonari, tmp / "node", tcp_relay=True).start()
        else:
            node = ToxBootstrapd(tmp / "node", tcp_relay=True).start()
        procs.append(node)
        no_udp = ["--no-udp", "--tcp-relay", node.relay()]
        bob = ChatClient(opts.tonari, tmp / "bob", [node.node()], name="Bob (tonari)",
                         extra=["--downloads", str(tmp / "bob-downloads")] + (no_udp if tonari_without_udp else [])).start()
        procs.append(bob)
        alice = ToxDriver(opts.toxdriver, tmp / "alice",
                          args=([] if tonari_without_udp else no_udp) +
                          ["--bootstrap", "127.0.0.1:%d:%s" % node.node()[1:], "--name", "Alice"]).start()
        procs.append(alice)
        alice.send(cmd="add", id=bob.first("ready")["tox_id"], message="Hi Bob, over TCP")
        request = poll(lambda: bob.first("friend_request"), CONNECT_TIMEOUT_S, 0.1)
        r.check(request is not None and request.get("message") == "Hi Bob, over TCP",
                f"[{relay_kind} relay] tonari got c-toxcore's request: {request}")
        if not request:
            return
        bob.send(cmd="accept", public_key=request["public_key"])
        online = poll(lambda: bob.first("friend_online") and alice.first("friend_connection", status="tcp"),
                      CONNECT_TIMEOUT_S, 0.1)
        r.check(online, f"[{relay_kind} relay] both online, c-toxcore over TCP: {alice.all('friend_connection')}")
        if not online:
            return
        r.check(bob.first("friend_online").get("connection") == "tcp",
                f"[{relay_kind} relay] tonari's session runs through the relay: {bob.first('friend_online')}")

        alice.send(cmd="msg", friend=0, text="hello through the relay")
        bob.send(cmd="msg", friend=0, text="hello back through the relay")
        r.check(poll(lambda: bob.first("message", text="hello through the relay"), MESSAGE_TIMEOUT_S),
                f"[{relay_kind} relay] tonari got c-toxcore's message")
        r.check(poll(lambda: alice.first("message", text="hello back through the relay"), MESSAGE_TIMEOUT_S),
                f"[{relay_kind} relay] c-toxcore got tonari's message")
        r.check(poll(lambda: alice.first("receipt") and bob.first("receipt"), MESSAGE_TIMEOUT_S),
                f"[{relay_kind} relay] both messages receipted")

        started = time.monotonic()
        bob.send(cmd="file", friend=0, path=str(source))
        done = poll(lambda: alice.first("file_done"), TRANSFER_TIMEOUT_S, 0.05)
        print(f"[{relay_kind} relay] tonari -> c-toxcore: 4 MiB in {time.monotonic() - started:.1f} s")
        r.check(done and done["size"] == SIZE and done["sha256"].lower() == digest,
                f"[{relay_kind} relay] c-toxcore received tonari's 4 MiB file whole: {done}")
        alice.send(cmd="send_file", friend=0, path=str(source))
        offer = poll(lambda: bob.first("file_offer"), MESSAGE_TIMEOUT_S, 0.05)
        r.check(offer is not None, f"[{relay_kind} relay] tonari got c-toxcore's file offer")
        if offer:
            started = time.monotonic()
            bob.send(cmd="accept_file", friend=0, file=offer["file"])
            got = poll(lambda: bob.first("file_done"), TRANSFER_TIMEOUT_S, 0.05)
            print(f"[{relay_kind} relay] c-toxcore -> tonari: 4 MiB in {time.monotonic() - started:.1f} s")
            r.check(got and got["sha256"] == digest and (tmp / "bob-downloads" / "film.bin").read_bytes() == data,
                    f"[{relay_kind} relay] tonari received c-toxcore's 4 MiB file whole: {got}")
        if relay_kind == "tonari":
            status = node.status()
            r.check(status.get("relay_clients", 0) >= 2 and status.get("relay_relayed", 0) > 1000,
                    f"tonari's relay carried the session: {status.get('relay_clients')} clients, "
                    f"{status.get('relay_relayed')} packets relayed, {status.get('relay_onion_requests')} onion requests")
    finally:
        for p in reversed(procs):
            p.stop()


def body(r, opts, tmp):
    scenario(r, opts, tmp, "tonari")
    scenario(r, opts, tmp, "toxcore")


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-tox-tcp-relay-", extra_options=["--toxdriver"]))
