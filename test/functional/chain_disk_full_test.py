#!/usr/bin/env python3
"""A full disk during a sync: the node stops with a clear error, restarts and carries on.

No filesystem of a chosen size is needed: the node is started with a file-size limit (ulimit -f,
RLIMIT_FSIZE) of 24 MiB, so its first block file stops growing there and every write past it
fails with EFBIG, as it would with ENOSPC on a full disk. A scripted peer serves 150 small
blocks and then 60 of about 1 MB. The limited node:
  * stops by itself once it cannot store a block (exit status 1), saying which block, why, and
    that it can be started again;
  * restarts without the limit and without -reindex, at a height no lower than where it stopped
    storing, and syncs the rest;
  * ends with the same tip and the same UTXO set (hash_serialized_3) as a node that synced the
    same chain without the fault.
"""
import os
import sys
import time

from chain_server import Chain, Server
from checks import run_test
from node_process import NodeProcess, RpcError, wait_while_progressing
from p2p_peer import hash_from_hex, hash_to_hex

SMALL_BLOCKS = 150
BIG_BLOCKS = 60
FILE_LIMIT = 24 << 20
EXIT_TIMEOUT_S = 120


def body(r, opts, tmp):
    limited = NodeProcess(opts.tonari, os.path.join(tmp, "limited"), ["-regtest"], file_size_limit=FILE_LIMIT)
    reference = NodeProcess(opts.tonari, os.path.join(tmp, "reference"), ["-regtest"])
    servers = []
    try:
        reference.start()
        limited.start()
        genesis = reference.call("getblockheader", reference.call("getblockhash", 0))
        chain = Chain(hash_from_hex(genesis["hash"]), genesis["time"], big_from=SMALL_BLOCKS)
        chain.grow(SMALL_BLOCKS + BIG_BLOCKS)
        tip = chain.tip_height()

        def serve(node):
            server = Server(chain, node.p2p_port)
            servers.append(server)
            r.check(server.start(tip), f"{node.datadir.name}: the serving peer completes the handshake")

        def height(node):
            try:
                return node.call("getblockcount")
            except (OSError, RpcError, ValueError):
                return -1

        serve(reference)
        serve(limited)
        status = limited.wait_exit(timeout=EXIT_TIMEOUT_S) if limited.proc else None
        r.check(status == 1, f"the node stopped by itself with status 1 (got {status})")
        log = (limited.net_dir / "debug.log").read_text(errors="replace")
        r.check("cannot store block" in log and "File too large" in log,
                "the log names the block it could not store and why")
        r.check("start the node again" in log, "the log says the node can be started again")
        for line in log.splitlines():
            if "Error:" in line:
                print(line)

        ok = wait_while_progressing(lambda: height(reference) == tip, lambda: height(reference), idle_timeout=60)
        r.check(ok, f"the reference node synced {tip} blocks")

        # Space freed: the same data directory, no limit, no -reindex.
        limited.file_size_limit = None
        limited.start()
        restarted_at = height(limited)
        r.check(restarted_at >= SMALL_BLOCKS, f"restarted at height {restarted_at}, past the small blocks")
        serve(limited)
        ok = wait_while_progressing(lambda: height(limited) == tip, lambda: height(limited), idle_timeout=60)
        r.check(ok, f"the restarted node synced to {tip} (at {height(limited)})")
        r.check(limited.call("getbestblockhash") == hash_to_hex(chain.hashes[-1]), "same tip as the served chain")
        a = limited.call("gettxoutsetinfo")
        b = reference.call("gettxoutsetinfo")
        r.check(a["hash_serialized_3"] == b["hash_serialized_3"] and a["height"] == b["height"],
                f"same UTXO set as the node without the fault ({a['hash_serialized_3'][:16]}…)")
        print(f"stopped storing at the limit, restarted at {restarted_at}, synced to {tip}")
    finally:
        for s in servers:
            s.close()
        for n in (limited, reference):
            n.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-diskfull-"))
