#!/usr/bin/env python3
"""-prune=550, as Bitcoin Core's feature_pruning.py shows it, on a chain three times the budget.

A scripted peer serves a regtest chain it makes as it goes (nothing of it on disk): 1,000 small
blocks (automatic pruning waits for Core's PruneAfterHeight, 1,000 on regtest), then 1,800
blocks of about 1 MB (a coinbase carrying an OP_RETURN of 990,000 bytes), 1.8 GB in all, over
three times the 550 MiB the node may keep. The pruned node:
  * syncs it over P2P while a sampler watches its blk/rev files: they never pass 550 MiB;
  * is killed with SIGKILL part-way (after it has pruned), restarts, and finishes the sync;
  * reports pruned, pruneheight, automatic_pruning and prune_target_size as Core does, and a
    size_on_disk under the target;
  * answers getblock for a pruned block with Core's error, still has its header, and serves a
    recent block over P2P, while a peer asking for an old one is disconnected (BIP159);
  * advertises NODE_NETWORK_LIMITED without NODE_NETWORK;
  * reorganises onto a branch forking six blocks below its tip;
  * refuses to start without -prune on its pruned data, with Core's advice.
Option errors as Core's: negative, and below 550 MiB; pruneblockchain on a node not in prune
mode and on a chain too short.
"""
import os
import pathlib
import struct
import sys
import threading
import time

from chain_server import DATA_BYTES, MSG_BLOCK, MSG_WITNESS_FLAG, Chain, Server
from checks import run_test
from node_process import NodeProcess, RpcError, wait_while_progressing
from p2p_peer import (NODE_NETWORK, P2PPeer, hash_from_hex, hash_to_hex, header_hash, headers_payload,
                      ser_compact_size, sha256d)

SMALL_BLOCKS = 1000
BIG_BLOCKS = 1800
PRUNE_MIB = 550
TARGET_BYTES = PRUNE_MIB << 20
NODE_NETWORK_LIMITED = 1024
# Heights at which the sync is interrupted by SIGKILL (after the node has pruned).
KILL_AT_HEIGHT = SMALL_BLOCKS + 1100
class DiskSampler:
    """The largest total size of blk*.dat and rev*.dat seen, sampled every 50 ms."""

    def __init__(self, blocks_dir):
        self.dir = pathlib.Path(blocks_dir)
        self.peak = 0
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def size(self):
        total = 0
        try:
            names = os.listdir(self.dir)
        except FileNotFoundError:
            return 0
        for name in names:
            if name.endswith(".dat") and (name.startswith("blk") or name.startswith("rev")):
                try:
                    total += os.stat(self.dir / name).st_size
                except FileNotFoundError:
                    pass  # pruned between the listing and the stat
        return total

    def run(self):
        while not self.stop:
            self.peak = max(self.peak, self.size())
            time.sleep(0.05)

    def close(self):
        self.stop = True
        self.thread.join(timeout=10)


def expect_rpc_error(r, node, what, code, message, method, *params):
    try:
        node.call(method, *params)
        r.fail(f"{what}: no error")
    except RpcError as e:
        r.check(e.code == code and e.message == message, f"{what}: {e.code} {e.message}")


def expect_start_error(r, tonari, datadir, args, message, what):
    node = NodeProcess(tonari, datadir, args)
    try:
        node.start()
        r.fail(f"{what}: the node started")
    except RuntimeError:
        r.check(message in node.stderr(), f"{what}: says '{message}'")
    finally:
        node.kill()


def body(r, opts, tmp):
    # Option errors first: each stops the node before it opens anything.
    expect_start_error(r, opts.tonari, os.path.join(tmp, "neg"), ["-regtest", "-prune=-1"],
                       "Prune cannot be configured with a negative value.", "-prune=-1")
    expect_start_error(r, opts.tonari, os.path.join(tmp, "low"), ["-regtest", "-prune=549"],
                       "Prune configured below the minimum of 550 MiB.  Please use a higher number.", "-prune=549")

    plain = NodeProcess(opts.tonari, os.path.join(tmp, "plain"), ["-regtest"])
    manual = NodeProcess(opts.tonari, os.path.join(tmp, "manual"), ["-regtest", "-prune=1"])
    node = NodeProcess(opts.tonari, os.path.join(tmp, "pruned"), ["-regtest", f"-prune={PRUNE_MIB}"])
    servers = []
    sampler = None
    try:
        plain.start()
        expect_rpc_error(r, plain, "pruneblockchain without -prune", -1,
                         "Cannot prune blocks because node is not in prune mode.", "pruneblockchain", 10)
        info = plain.call("getblockchaininfo")
        r.check(info["pruned"] is False and "pruneheight" not in info, "unpruned getblockchaininfo: pruned false")
        plain.call("stop")
        plain.wait_exit()
        manual.start()
        info = manual.call("getblockchaininfo")
        r.check(info["pruned"] is True and info["automatic_pruning"] is False and "prune_target_size" not in info,
                f"-prune=1: manual pruning ({info.get('pruned')}, {info.get('automatic_pruning')})")
        expect_rpc_error(r, manual, "pruneblockchain on a short chain", -1, "Blockchain is too short for pruning.",
                         "pruneblockchain", 10)
        expect_rpc_error(r, manual, "pruneblockchain negative", -8, "Negative block height.", "pruneblockchain", -1)
        manual.call("stop")
        manual.wait_exit()

        node.start()
        genesis = node.call("getblockheader", node.call("getblockhash", 0))
        chain = Chain(hash_from_hex(genesis["hash"]), genesis["time"], big_from=SMALL_BLOCKS)
        t0 = time.monotonic()
        chain.grow(SMALL_BLOCKS + BIG_BLOCKS)
        print(f"made {chain.tip_height()} headers in {time.monotonic() - t0:.1f}s")
        total = SMALL_BLOCKS * 200 + BIG_BLOCKS * (DATA_BYTES + 200)
        r.check(total > 3 * TARGET_BYTES, f"the chain ({total >> 20} MiB) is over three times the target")

        sampler = DiskSampler(node.net_dir / "blocks")

        def height():
            try:
                return node.call("getblockcount")
            except (OSError, RpcError, ValueError):
                return -1

        def sync_to(target):
            server = Server(chain, node.p2p_port)
            servers.append(server)
            r.check(server.start(chain.tip_height()), "the serving peer completes the handshake")
            ok = wait_while_progressing(lambda: height() >= target, height, idle_timeout=60, limit=1500)
            return ok, server

        t0 = time.monotonic()
        ok, server = sync_to(KILL_AT_HEIGHT)
        r.check(ok, f"synced to {KILL_AT_HEIGHT} before the kill (at {height()}) {node.log_tail(5) if not ok else ''}")
        before = node.call("getblockchaininfo")
        pruned_before = before["pruneheight"]
        r.check(pruned_before > 0, f"pruned before the kill (pruneheight {pruned_before})")
        node.kill()
        server.close()
        print(f"SIGKILL at height {before['blocks']} (pruneheight {pruned_before}) after {time.monotonic() - t0:.1f}s")

        node.start()
        after_restart = node.call("getblockchaininfo")
        r.check(after_restart["pruneheight"] >= pruned_before,
                f"restart after kill -9: pruneheight {after_restart['pruneheight']}, tip {after_restart['blocks']}")
        ok, server = sync_to(chain.tip_height())
        r.check(ok, f"synced the whole chain after the restart (at {height()})")
        print(f"synced {chain.tip_height()} blocks in {time.monotonic() - t0:.1f}s, "
              f"served {sum(s.served for s in servers)} blocks")
        r.check(node.call("getbestblockhash") == hash_to_hex(chain.hashes[-1]), "the tip is the served chain's")
        sampler.close()
        print(f"peak blk+rev size while syncing: {sampler.peak / (1 << 20):.1f} MiB of {PRUNE_MIB} MiB")
        r.check(sampler.peak <= TARGET_BYTES,
                f"block files stayed under {PRUNE_MIB} MiB: peak {sampler.peak / (1 << 20):.1f} MiB")

        info = node.call("getblockchaininfo")
        tip = info["blocks"]
        r.check(info["pruned"] is True and info["automatic_pruning"] is True and
                info["prune_target_size"] == TARGET_BYTES,
                f"getblockchaininfo: pruned, automatic, target {info.get('prune_target_size')}")
        r.check(SMALL_BLOCKS < info["pruneheight"] <= tip - 288,
                f"pruneheight {info['pruneheight']}: above {SMALL_BLOCKS}, at least 288 blocks below {tip}")
        r.check(info["size_on_disk"] <= TARGET_BYTES, f"size_on_disk {info['size_on_disk'] >> 20} MiB")
        print(f"tip {tip}, pruneheight {info['pruneheight']}, size_on_disk {info['size_on_disk'] / (1 << 20):.1f} MiB")
        keys = list(info.keys())
        r.check(keys[keys.index("pruned"):keys.index("pruned") + 4] ==
                ["pruned", "pruneheight", "automatic_pruning", "prune_target_size"], "Core's field order")

        old = node.call("getblockhash", 5)
        expect_rpc_error(r, node, "getblock of a pruned block", -1, "Block not available (pruned data)",
                         "getblock", old)
        expect_rpc_error(r, node, "getblockstats of a pruned block", -1, "Block not available (pruned data)",
                         "getblockstats", 5)
        r.check(node.call("getblockheader", old)["height"] == 5, "the pruned block's header is kept")
        recent = node.call("getblockhash", tip - 10)
        r.check(node.call("getblock", recent)["height"] == tip - 10, "a recent block is readable")

        # P2P: services, a recent block served, an old one refused with a disconnect.
        asker = P2PPeer(node.p2p_port)
        try:
            r.check(asker.handshake(), "a second peer connects")
            version = asker.wait_for("version")
            services, = struct.unpack_from("<Q", version.payload, 4)
            r.check(services & NODE_NETWORK_LIMITED and not services & NODE_NETWORK,
                    f"advertises NETWORK_LIMITED without NETWORK (services {services:#x})")
            inv = ser_compact_size(1) + struct.pack("<I", MSG_BLOCK | MSG_WITNESS_FLAG) + hash_from_hex(recent)
            asker.send_msg("getdata", inv)
            got = asker.wait_for("block", timeout=30)
            r.check(got is not None and sha256d(got.payload[:80]) == hash_from_hex(recent), "serves a recent block")
            inv = ser_compact_size(1) + struct.pack("<I", MSG_BLOCK | MSG_WITNESS_FLAG) + hash_from_hex(old)
            asker.send_msg("getdata", inv)
            r.check(asker.wait_for_disconnect(30), "a peer asking for a block below the 288 window is disconnected")
        finally:
            asker.close()

        # A reorganisation within the window: a branch from six blocks below the tip, one longer.
        branch = chain.branch(tip - 6, 7)
        server.peer.send_msg("headers", headers_payload(branch))
        branch_tip = hash_to_hex(header_hash(branch[-1]))
        ok = wait_while_progressing(lambda: node.call("getbestblockhash") == branch_tip, height, idle_timeout=30)
        r.check(ok, f"reorganised onto the branch (tip {node.call('getblockcount')})")

        node.call("stop")
        node.wait_exit()
        expect_start_error(r, opts.tonari, node.datadir, ["-regtest"],
                           "You need to rebuild the database using -reindex to go back to unpruned mode.",
                           "restart without -prune")
    finally:
        if sampler:
            sampler.close()
        for s in servers:
            s.close()
        for n in (plain, manual, node):
            n.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-prune-"))
