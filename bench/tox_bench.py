#!/usr/bin/env python3
"""Tox messaging benchmarks, tonari side by side with c-toxcore 0.2.18 in the same run, on
loopback. For each pairing (sender -> receiver):

  online    from both clients' start to both seeing the other online: the sender adds the
            receiver's Tox ID at once, the receiver accepts the request as soon as it shows
            (so it measures announcing, searching, the friend request through the onion, the
            DHT search and the session set-up). Each pairing bootstraps from its own kind of
            node: tonari's `chat bootstrap` for tonari-only pairs, tox-bootstrapd otherwise.
  rtt       a message's round trip: from sending it to its receipt (the receiver's
            acknowledgement back at the sender); the median of --messages messages.
  file      a --file-mib MiB file from sender to receiver, from the offer to the receiver's
            last byte (sha256 checked), in MiB/s.

With --relay the sender has no UDP at all and reaches the receiver through a TCP relay (the
bootstrap node is one: tonari's for tonari-only pairs, tox-bootstrapd's otherwise), so every
figure is through the relay.

Every figure is the median of --runs runs. Output: one line per figure, and JSON in
bench/out/tox_bench.json (tox_bench_relay.json with --relay).

  bench/tox_bench.py --tonari build/default/src/app/tonari --toxdriver build/default/test/toxdriver
"""
import argparse
import hashlib
import json
import pathlib
import random
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "functional"))
sys.path.insert(0, str(ROOT / "test" / "interop" / "tox"))
from checks import poll  # noqa: E402
from tox_processes import ChatBootstrap, ChatClient, ToxBootstrapd, ToxDriver  # noqa: E402

TIMEOUT_S = 180


def start_client(kind, opts, folder, node, no_udp=False):
    extra = ["--no-udp", "--tcp-relay", node.relay()] if no_udp else []
    if kind == "tonari":
        return ChatClient(opts.tonari, folder, [node.node()],
                          extra=["--downloads", str(folder / "downloads")] + extra).start()
    return ToxDriver(opts.toxdriver, folder, args=["--bootstrap", "%s:%d:%s" % node.node()] + extra).start()


def online(client):
    return client.first("friend_online") if isinstance(client, ChatClient) else client.first("friend_connection")


def one_run(opts, sender_kind, receiver_kind, tmp, payload, digest):
    procs = []
    try:
        if sender_kind == "tonari" and receiver_kind == "tonari":
            node = ChatBootstrap(opts.tonari, tmp / "node", tcp_relay=opts.relay).start()
        else:
            node = ToxBootstrapd(tmp / "node", tcp_relay=opts.relay).start()
        procs.append(node)
        started = time.monotonic()
        a = start_client(sender_kind, opts, tmp / "a", node, no_udp=opts.relay)
        b = start_client(receiver_kind, opts, tmp / "b", node)
        procs += [a, b]
        a.send(cmd="add", id=b.first("ready")["tox_id"], message="benchmark")
        request = poll(lambda: b.first("friend_request"), TIMEOUT_S, 0.01)
        if not request:
            raise RuntimeError("no friend request")
        b.send(cmd="accept", public_key=request["public_key"])
        if not poll(lambda: online(a) and online(b), TIMEOUT_S, 0.005):
            raise RuntimeError("never online")
        online_s = time.monotonic() - started

        rtts = []
        for i in range(opts.messages):
            before = len(a.all("receipt"))
            t = time.monotonic()
            a.send(cmd="msg", friend=0, text=f"ping {i}")
            if not poll(lambda: len(a.all("receipt")) > before, 30, 0.0002):
                raise RuntimeError("no receipt")
            rtts.append(time.monotonic() - t)

        source = tmp / "payload.bin"
        source.write_bytes(payload)
        t = time.monotonic()
        a.send(cmd="file" if sender_kind == "tonari" else "send_file", friend=0, path=str(source))
        if receiver_kind == "tonari":
            offer = poll(lambda: b.first("file_offer"), 60, 0.001)
            if not offer:
                raise RuntimeError("no offer")
            b.send(cmd="accept_file", friend=0, file=offer["file"])
        done = poll(lambda: b.first("file_done"), TIMEOUT_S, 0.002)
        file_s = time.monotonic() - t
        if not done or done["sha256"].lower() != digest:
            raise RuntimeError(f"file broken: {done}")
        return online_s, statistics.median(rtts), len(payload) / file_s / (1 << 20)
    finally:
        for p in procs:
            p.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tonari", default=str(ROOT / "build/default/src/app/tonari"))
    ap.add_argument("--toxdriver", default=str(ROOT / "build/default/test/toxdriver"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--messages", type=int, default=50)
    ap.add_argument("--file-mib", type=int, default=64)
    ap.add_argument("--only", choices=["tonari", "all"], default="all", help="tonari: the tonari -> tonari pair only")
    ap.add_argument("--relay", action="store_true", help="the sender without UDP, through the bootstrap node's TCP relay")
    opts = ap.parse_args()
    payload = random.Random(9).randbytes(opts.file_mib << 20)
    digest = hashlib.sha256(payload).hexdigest()
    results = {}
    pairs = [("tonari", "tonari"), ("c-toxcore", "c-toxcore"), ("tonari", "c-toxcore"), ("c-toxcore", "tonari")]
    for sender, receiver in pairs[:1] if opts.only == "tonari" else pairs:
        runs = []
        for _ in range(opts.runs):
            with tempfile.TemporaryDirectory(prefix="tonari-tox-bench-") as tmp:
                runs.append(one_run(opts, sender, receiver, pathlib.Path(tmp), payload, digest))
        name = f"{sender} -> {receiver}"
        online_s = statistics.median(r[0] for r in runs)
        rtt_ms = statistics.median(r[1] for r in runs) * 1000
        rate = statistics.median(r[2] for r in runs)
        results[name] = {"online_s": round(online_s, 2), "rtt_ms": round(rtt_ms, 2), "file_mib_s": round(rate, 1)}
        print(f"{name:24s} online {online_s:5.1f} s   message round trip {rtt_ms:7.2f} ms   "
              f"{opts.file_mib} MiB file {rate:7.1f} MiB/s", flush=True)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    name = "tox_bench_relay.json" if opts.relay else "tox_bench.json"
    (out / name).write_text(json.dumps({"runs": opts.runs, "file_mib": opts.file_mib, "relay": opts.relay,
                                        "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
