#!/usr/bin/env python3
"""Friends with UDP off on tonari's side: `tonari chat run --no-udp --tcp-relay …` has no UDP
socket at all; its onion requests enter the network through the relay (the path's first hop)
and its sessions run through it. c-toxcore 0.2.18, with UDP, learns tonari's relay from its DHT
key announcement. The relay is run first by tonari, then by tox-bootstrapd; the checks are
those of tcp_relay_test.py: the request, both online over TCP, a message each way with
receipts, a 4 MiB file each way with SHA-256 equal.
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import run_test  # noqa: E402
from tcp_relay_test import scenario  # noqa: E402


def body(r, opts, tmp):
    scenario(r, opts, tmp, "tonari", tonari_without_udp=True)
    scenario(r, opts, tmp, "toxcore", tonari_without_udp=True)


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-tox-tcp-relay-no-udp-", extra_options=["--toxdriver"]))
