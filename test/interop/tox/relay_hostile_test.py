#!/usr/bin/env python3
"""Hostile clients against tonari's TCP relay (`tonari chat bootstrap --tcp-relay-port`) while
an honest pair talks through it: c-toxcore with UDP off and a tonari client. After each attack
the relay is still up, its peak memory stays under MEMORY_LIMIT_MB, the honest pair still gets
messages both ways, and the attacker was cut off where it should be:

- junk handshakes (random 128 bytes) from many connections: closed at once;
- connections that open and say nothing: closed when the handshake times out (10 s);
- a client that completes the handshake, then sends a packet only a relay sends, or a
  tampered packet: cut off;
- a client that completes the handshake and never reads, while it floods OOB packets to itself
  (each relayed back to it) and pings: what is relayed to it is dropped past 256 KiB queued, and
  it is cut off once its own replies pile up past 1 MiB.
"""
import os
import pathlib
import socket
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import sodium_peer  # noqa: E402
from checks import memory_mb, poll, run_test  # noqa: E402
from tox_processes import ChatBootstrap, ChatClient, ToxDriver  # noqa: E402

CONNECT_TIMEOUT_S = 120
MEMORY_LIMIT_MB = 150
JUNK_CONNECTIONS = 200
STALLED_CONNECTIONS = 100
# The relay closes a handshake that has not completed after 10 s.
HANDSHAKE_TIMEOUT_S = 10


def closed_by_peer(sock, timeout):
    """Whether the other side closes the connection (EOF or a reset) within `timeout`."""
    sock.settimeout(timeout)
    try:
        while True:
            if not sock.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    procs = []
    try:
        node = ChatBootstrap(opts.tonari, tmp / "node", tcp_relay=True).start()
        procs.append(node)
        relay_key = bytes.fromhex(node.public_key)
        bob = ChatClient(opts.tonari, tmp / "bob", [node.node()]).start()
        procs.append(bob)
        alice = ToxDriver(opts.toxdriver, tmp / "alice",
                          args=["--no-udp", "--tcp-relay", node.relay(),
                                "--bootstrap", "127.0.0.1:%d:%s" % node.node()[1:]]).start()
        procs.append(alice)
        alice.send(cmd="add", id=bob.first("ready")["tox_id"], message="hi")
        request = poll(lambda: bob.first("friend_request"), CONNECT_TIMEOUT_S, 0.1)
        if not request:
            r.fail("no friend request through the relay")
            return
        bob.send(cmd="accept", public_key=request["public_key"])
        if not poll(lambda: bob.first("friend_online") and alice.first("friend_connection", status="tcp"),
                    CONNECT_TIMEOUT_S, 0.1):
            r.fail("never online through the relay")
            return

        def relay_ok(label):
            a_text, b_text = f"alice after {label}", f"bob after {label}"
            alice.send(cmd="msg", friend=0, text=a_text)
            bob.send(cmd="msg", friend=0, text=b_text)
            ok = poll(lambda: bob.first("message", text=a_text) and alice.first("message", text=b_text), 30, 0.02)
            peak = memory_mb(node.proc.pid, "VmHWM") if node.alive() else 0
            what = f"after {label}: the relay is up, peak memory {peak:.0f} MiB, the pair still talks through it"
            print(what)
            r.check(node.alive() and ok and peak < MEMORY_LIMIT_MB, what)

        relay_ok("setting up")

        junk = []
        for _ in range(JUNK_CONNECTIONS):
            s = socket.create_connection(("127.0.0.1", node.tcp_relay_port), timeout=10)
            s.sendall(os.urandom(128))
            junk.append(s)
        closed = sum(closed_by_peer(s, 5) for s in junk)
        for s in junk:
            s.close()
        r.check(closed == JUNK_CONNECTIONS, f"{closed}/{JUNK_CONNECTIONS} junk handshakes closed by the relay")
        relay_ok(f"{JUNK_CONNECTIONS} junk handshakes")

        stalled = [socket.create_connection(("127.0.0.1", node.tcp_relay_port), timeout=10)
                   for _ in range(STALLED_CONNECTIONS)]
        started = time.monotonic()
        closed = sum(closed_by_peer(s, HANDSHAKE_TIMEOUT_S + 10 - (time.monotonic() - started)) for s in stalled)
        for s in stalled:
            s.close()
        r.check(closed == STALLED_CONNECTIONS,
                f"{closed}/{STALLED_CONNECTIONS} silent connections closed by the handshake timeout")
        relay_ok(f"{STALLED_CONNECTIONS} silent connections")

        bad = sodium_peer.RelayClient(node.tcp_relay_port, relay_key)
        bad.send([bytes([4]) + os.urandom(8), bytes([9]) + os.urandom(40)])  # a ping, then an onion response
        r.check(closed_by_peer(bad.sock, 10), "a client sending a packet only relays send is cut off")
        bad.close()
        tampered = sodium_peer.RelayClient(node.tcp_relay_port, relay_key)
        packet = bytearray(tampered.packet(bytes([4]) + os.urandom(8)))
        packet[-1] ^= 1
        tampered.sock.sendall(bytes(packet))
        r.check(closed_by_peer(tampered.sock, 10), "a client sending a tampered packet is cut off")
        tampered.close()
        r.check(poll(lambda: node.status().get("relay_disconnected", 0) >= 2, 10),
                f"the relay counts both cut off: {node.status().get('relay_disconnected')}")
        relay_ok("a packet only relays send and a tampered packet")

        cut_before = node.status().get("relay_disconnected", 0)
        deaf = sodium_peer.RelayClient(node.tcp_relay_port, relay_key, receive_buffer=4096)
        oob_to_self = bytes([6]) + deaf.public + os.urandom(1000)
        ping = bytes([4]) + os.urandom(8)
        try:
            for _ in range(20):
                deaf.send([oob_to_self] * 1000)  # 20 MB the relay would send back
            for _ in range(300):
                deaf.send([ping] * 1000)         # 8 MB of pongs: past the kernel's buffers and the cap
        except OSError:
            pass  # cut off mid-flood
        # Watched from the relay's side: reading the socket here would make the client a reader.
        dropped = poll(lambda: node.status().get("relay_dropped", 0) > 0, 10)
        r.check(dropped, f"what is relayed to a client that never reads is dropped: {node.status().get('relay_dropped')}")
        cut = poll(lambda: node.status().get("relay_disconnected", 0) > cut_before, 30, 0.2)
        r.check(cut, f"the client that never reads is cut off: {node.status().get('relay_disconnected')} cut")
        print(f"a client that never reads: {node.status().get('relay_dropped')} packets for it dropped, "
              f"{node.status().get('relay_disconnected')} clients cut off so far")
        deaf.close()
        relay_ok("a client that never reads, flooding OOB to itself and pings")
    finally:
        for p in reversed(procs):
            p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-tox-relay-hostile-", extra_options=["--toxdriver"]))
