#!/usr/bin/env python3
"""kill -9 at random moments of four kinds of work, in the manner of Bitcoin Core's
feature_dbcrash.py; after every kill the node must come back without -reindex, consistent.

The kinds:
  sync   a node downloading a 600-block chain of really signed spends from a peer (-dbcache=16:
         the coins are written a few times);
  flush  the same download with Core's smallest cache, -dbcache=4, so that the coins cache is
         written every few dozen blocks and kills land before, during and after those writes;
  mine   a node mining block after block (generatetoaddress to a new address each time), linked
         to a peer that never crashes;
  send   a node paying to its own new addresses, with a block every few payments.

After each kill the node is started again with the same options and no -reindex. Then:
  sync, flush  its UTXO-set digest (hash_serialized_3) at the height it came back at equals the
               digest of a node that never crashed at that height (a reference fed the same
               blocks one by one); that height is never below the one it came back at before;
  mine, send   every coinbase and payment txid and every address the RPC answered before the
               kill is still in the wallet (gettransaction finds the transactions; getnewaddress
               never hands out an address it handed out before); before the node meets its peer
               again, every output the wallet calls confirmed is in the node's UTXO set and every
               transaction it calls confirmed is in a block of the node's chain (a wallet still
               counting blocks the kill took would offer coins the node cannot spend); the
               confirmed balance is the sum of the confirmed outputs; and once the node and its
               peer agree on a tip, their digests are equal.
At the end each crashed node finishes its work and matches its peer's tip and digest.

`--kills N` sets the kills per kind (20 by default, as the issue asks at least), `--kinds` a
subset; `--record FILE` writes the figures as JSON.
"""
import argparse
import decimal
import http.client
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time

from checks import Checks
from node_process import NodeProcess, RpcError, wait_until, wait_while_progressing

KINDS = ("sync", "flush", "mine", "send")
DEFAULT_KILLS = 20
CHAIN_BLOCKS = 600
CHAIN_TXS_PER_BLOCK = 12
# Many outputs per transaction make a UTXO set (about 200,000 coins) larger than Core's smallest
# cache, so the flush kind writes the coins many times during one download.
CHAIN_OUTPUTS_PER_TX = 30
DBCACHE_MIB = {"sync": 16, "flush": 4}
# A kill that its slice of the chain would put below where the node came back lands this many
# blocks past that point at most.
MAX_BLOCKS_PAST_RESTART = 20
# Blocks (mine) or payments (send) the RPC must answer between one start and the kill, at most.
MAX_WORK_BEFORE_KILL = 6
# After the chosen progress is reached, the kill waits up to this long more, so that it falls at
# any point of the work in flight (a block being written, a flush, a wallet write).
MAX_KILL_JITTER_S = 0.05
# A block every this many payments in the send kind (keeps unconfirmed chains short).
SEND_BLOCK_EVERY = 4
# Waits that end when a condition becomes true; on a loaded machine they take longer, never
# shorter.
SYNC_IDLE_TIMEOUT_S = 60
ERRORS_ON_SHUTDOWN = (OSError, ValueError, RpcError, http.client.HTTPException)


def digest(node):
    info = node.call("gettxoutsetinfo")
    return info["height"], info["hash_serialized_3"]


class Reference:
    """A node that never crashes, fed the chain's blocks one by one with submitblock up to each
    height asked for (the crashed node only ever comes back at the same height or higher), with
    the digest at each of those heights."""

    def __init__(self, node, raw_blocks):
        self.node, self.raw_blocks, self.digests = node, raw_blocks, {}
        self.height = node.call("getblockcount")

    def at(self, height):
        if height not in self.digests:
            if height < self.height:
                raise RuntimeError(f"the reference is past height {height} already")
            for h in range(self.height + 1, height + 1):
                result = self.node.call("submitblock", self.raw_blocks[h - 1])
                if result is not None:
                    raise RuntimeError(f"reference refused block {h}: {result}")
            self.height = height
            got_h, d = digest(self.node)
            if got_h != height:
                raise RuntimeError(f"reference at {got_h} after submitting up to {height}")
            self.digests[height] = d
        return self.digests[height]


def connect(node, peer):
    node.call("addnode", f"127.0.0.1:{peer.p2p_port}", "onetry")


def same_tip(a, b):
    try:
        return a.call("getbestblockhash") == b.call("getbestblockhash")
    except ERRORS_ON_SHUTDOWN:
        return False


def kill_at_height_and_restart(r, kind, node, source, target, rng):
    """Connects `node` to `source`, waits until it has connected `target` blocks (or stopped
    moving for long), lets a random few more milliseconds pass, sends SIGKILL and starts it
    again. Returns the height it had reached when killed."""
    connect(node, source)
    reached = {"h": 0}

    def height():
        try:
            reached["h"] = node.call("getblockcount")
        except ERRORS_ON_SHUTDOWN:
            pass
        return reached["h"]

    reached_target = wait_while_progressing(lambda: height() >= target, height, SYNC_IDLE_TIMEOUT_S, step=0.01)
    r.check(reached_target, f"{kind}: the download reaches height {target} (at {reached['h']})")
    time.sleep(rng.uniform(0, MAX_KILL_JITTER_S))
    node.kill()
    node.start()
    return reached["h"]


def run_download_kind(r, kind, tonari, work, source, raw_blocks, kills, rng, out):
    ref_node = NodeProcess(tonari, os.path.join(work, f"{kind}_reference"), ["-connect=0", "-listen=0"])
    node = NodeProcess(tonari, os.path.join(work, f"{kind}_crashed"),
                       ["-connect=0", "-listen=0", f"-dbcache={DBCACHE_MIB[kind]}"])
    rows = []
    try:
        ref_node.start()
        ref = Reference(ref_node, raw_blocks)
        node.start()
        back_at = 0
        for k in range(kills):
            # The k-th kill lands in the k-th slice of the chain, or a few blocks past where the
            # node came back if that is further: spread over the whole download, never after it.
            low = 1 + k * (CHAIN_BLOCKS - 2) // kills
            high = 1 + (k + 1) * (CHAIN_BLOCKS - 2) // kills
            target = min(max(rng.randint(low, max(low, high - 1)), back_at + rng.randint(1, MAX_BLOCKS_PAST_RESTART)),
                         CHAIN_BLOCKS - 1)
            killed_at = kill_at_height_and_restart(r, kind, node, source, target, rng)
            # No peer yet: the node shows what it kept on disk.
            h, d = digest(node)
            r.check(h >= back_at, f"{kind} kill {k + 1}: came back at {h}, not below the {back_at} of the last restart")
            if h < back_at:
                break
            r.check(d == ref.at(h), f"{kind} kill {k + 1}: digest at height {h} equals the never-crashed node's")
            rows.append({"killed_at": killed_at, "back_at": h})
            print(f"{kind} kill {k + 1:3d}: killed at height {killed_at:4d}, came back at {h:4d}")
            back_at = max(back_at, h)
        connect(node, source)
        synced = wait_while_progressing(lambda: node.call("getblockcount") == CHAIN_BLOCKS,
                                        lambda: node.call("getblockcount"), SYNC_IDLE_TIMEOUT_S)
        r.check(synced, f"{kind}: the crashed node finishes the download")
        r.check(digest(node) == (CHAIN_BLOCKS, ref.at(CHAIN_BLOCKS)), f"{kind}: its final digest equals the reference's")
        r.check(node.call("getbestblockhash") == source.call("getbestblockhash"), f"{kind}: same tip as the source")
    finally:
        node.kill()
        ref_node.kill()
    kept = sum(1 for row in rows if row["back_at"] > 0)
    out[kind] = {"kills": len(rows), "restarts_above_genesis": kept,
                 "distinct_restart_heights": len({row["back_at"] for row in rows}), "rounds": rows}
    print(f"{kind}: {len(rows)} kills; came back above the genesis {kept} times, "
          f"at {out[kind]['distinct_restart_heights']} different heights")


class WalletWork:
    """Mining or paying on the crashing node from a thread of its own, keeping everything the RPC
    answered: addresses handed out, coinbase and payment txids."""

    def __init__(self, node, kind, rng):
        self.node, self.kind = node, kind
        self.addresses, self.txids = set(), set()
        self.done = 0
        self.errors = []
        self.rng = random.Random(rng.random())
        self.stopping = threading.Event()
        self.thread = None

    def start(self):
        self.stopping.clear()
        self.done = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        i = 0
        while not self.stopping.is_set():
            try:
                address = self.node.call("getnewaddress")
                self.addresses.add(address)
                if self.kind == "mine" or i % SEND_BLOCK_EVERY == SEND_BLOCK_EVERY - 1:
                    block = self.node.call("generatetoaddress", 1, address)[0]
                    self.txids.add(self.node.call("getblock", block)["tx"][0])
                else:
                    amount = self.rng.randint(1, 100) / 1000
                    self.txids.add(self.node.call("sendtoaddress", address, amount))
                self.done += 1
                i += 1
            except Exception as e:  # noqa: BLE001 - any failure before the kill is the test's to report
                if not self.stopping.is_set() or not isinstance(e, ERRORS_ON_SHUTDOWN):
                    self.errors.append(f"{type(e).__name__}: {e}")
                return

    def stop(self):
        self.stopping.set()
        if self.thread:
            self.thread.join()


def check_wallet(r, kind, k, node, work):
    """Run right after the restart, before the node has a peer."""
    height = node.call("getblockcount")
    for txid in sorted(work.txids):
        try:
            tx = node.call("gettransaction", txid)
        except RpcError as e:
            r.check(False, f"{kind} kill {k}: acknowledged transaction {txid} still in the wallet ({e})")
            return False
        if tx["confirmations"] > 0 and (tx["blockheight"] > height or
                                        node.call("getblockhash", tx["blockheight"]) != tx["blockhash"]):
            r.check(False, f"{kind} kill {k}: {txid} is confirmed in a block of the node's chain "
                           f"(the wallet says {tx['blockhash']} at {tx['blockheight']})")
            return False
    confirmed = node.call("listunspent", 1)
    missing = [u for u in confirmed if node.call("gettxout", u["txid"], u["vout"], False) is None]
    r.check(not missing, f"{kind} kill {k}: all {len(confirmed)} confirmed outputs of the wallet are in the "
                         f"node's UTXO set (missing: {[(u['txid'], u['vout']) for u in missing[:3]]})")
    fresh = node.call("getnewaddress")
    r.check(fresh not in work.addresses, f"{kind} kill {k}: a new address is not one handed out before the kill")
    work.addresses.add(fresh)
    balance = node.call("getbalance", "*", 1)
    outputs = sum((u["amount"] for u in confirmed), decimal.Decimal(0))
    r.check(balance == outputs, f"{kind} kill {k}: confirmed balance {balance} = its confirmed outputs {outputs}")
    return True


def run_wallet_kind(r, kind, tonari, work, kills, rng, out):
    peer = NodeProcess(tonari, os.path.join(work, f"{kind}_peer"), ["-connect=0"])
    node = NodeProcess(tonari, os.path.join(work, f"{kind}_crashed"), ["-connect=0", "-listen=0"])
    rows = []
    try:
        peer.start()
        node.start()
        node.call("createwallet", "w")
        node.extra_args.append("-wallet=w")
        if kind == "send":
            node.call("generatetoaddress", 110, node.call("getnewaddress"))
        connect(node, peer)
        r.check(wait_until(lambda: same_tip(node, peer), 60), f"{kind}: the peer follows the node")
        wallet_work = WalletWork(node, kind, rng)
        for k in range(1, kills + 1):
            goal = rng.randint(1, MAX_WORK_BEFORE_KILL)
            wallet_work.start()
            wait_until(lambda: wallet_work.done >= goal or not wallet_work.thread.is_alive(), 120, step=0.005)
            time.sleep(rng.uniform(0, MAX_KILL_JITTER_S))
            height_before = node.call("getblockcount") if wallet_work.thread.is_alive() else None
            # The work's call in flight when the node dies fails; that failure is the kill's.
            wallet_work.stopping.set()
            node.kill()
            wallet_work.stop()
            r.check(not wallet_work.errors and wallet_work.done >= goal,
                    f"{kind} kill {k}: {wallet_work.done} of {goal} steps answered, then the kill ({wallet_work.errors[:1]})")
            node.start()
            back_at = node.call("getblockcount")
            if not check_wallet(r, kind, k, node, wallet_work):
                break
            connect(node, peer)
            agreed = wait_until(lambda: same_tip(node, peer), 60)
            r.check(agreed, f"{kind} kill {k}: the node and its peer agree on a tip again")
            d_node, d_peer = digest(node), digest(peer)
            r.check(d_node == d_peer, f"{kind} kill {k}: digest {d_node} equals the never-crashed peer's {d_peer}")
            rows.append({"height_at_kill": height_before, "back_at": back_at, "work_done": wallet_work.done})
            print(f"{kind} kill {k:3d}: {wallet_work.done} {'blocks' if kind == 'mine' else 'steps'} answered, "
                  f"killed near height {height_before}, came back at {back_at}, agreed at {d_node[0]}")
        r.check(len(rows) == kills, f"{kind}: {kills} kills made ({len(rows)})")
    finally:
        node.kill()
        peer.kill()
    out[kind] = {"kills": len(rows), "transactions_checked": len(wallet_work.txids) if rows else 0,
                 "addresses_checked": len(wallet_work.addresses) if rows else 0, "rounds": rows}
    print(f"{kind}: {len(rows)} kills; {out[kind]['transactions_checked']} transactions and "
          f"{out[kind]['addresses_checked']} addresses kept through all of them")


def prepare_source(r, tonari, work):
    """Generates the chain, imports it into a node's data directory and starts that node."""
    chain_file = os.path.join(work, "chain.blocks")
    gen = r.run("chain", "generate", "--blocks", str(CHAIN_BLOCKS), "--txs-per-block", str(CHAIN_TXS_PER_BLOCK),
                "--outputs-per-tx", str(CHAIN_OUTPUTS_PER_TX), "--seed", "11", chain_file, timeout=600)
    r.check(gen.returncode == 0, f"generate the chain: {gen.stderr.strip()[-300:]}")
    source = NodeProcess(tonari, os.path.join(work, "source"))
    imp = r.run("chain", "import", chain_file, "--datadir", str(source.datadir), timeout=600)
    r.check(imp.returncode == 0, f"import the chain: {imp.stderr.strip()[-300:]}")
    try:
        source.start()
        raw = [source.call("getblock", source.call("getblockhash", h), 0) for h in range(1, CHAIN_BLOCKS + 1)]
        print(f"source: {source.call('getblockcount')} blocks, {source.call('gettxoutsetinfo')['txouts']} coins")
    except BaseException:
        source.kill()
        raise
    return source, raw


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tonari", required=True)
    ap.add_argument("--data", required=False)
    ap.add_argument("--kills", type=int, default=DEFAULT_KILLS, help="kills per kind")
    ap.add_argument("--kinds", default=",".join(KINDS), help="a comma-separated subset of " + ",".join(KINDS))
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--record", help="write the figures to this JSON file")
    args = ap.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    r = Checks(args.tonari)
    for k in kinds:
        if k not in KINDS:
            r.fail(f"unknown kind {k}")
            return r.finish()
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="tonari_node_crash_")
    out = {"kills_per_kind": args.kills, "seed": args.seed}
    started = time.monotonic()
    source = None
    try:
        if any(k in ("sync", "flush") for k in kinds):
            source, raw = prepare_source(r, args.tonari, work)
        for kind in kinds:
            kind_started = time.monotonic()
            if kind in ("sync", "flush"):
                run_download_kind(r, kind, args.tonari, work, source, raw, args.kills, rng, out)
            else:
                run_wallet_kind(r, kind, args.tonari, work, args.kills, rng, out)
            out[kind]["seconds"] = round(time.monotonic() - kind_started, 1)
    except Exception as e:  # noqa: BLE001 - reported as a failed check
        import traceback
        traceback.print_exc()
        r.fail(f"unexpected {type(e).__name__}: {e}")
    finally:
        if source:
            source.kill()
        shutil.rmtree(work, ignore_errors=True)
    out["seconds"] = round(time.monotonic() - started, 1)
    print(f"({out['seconds']}s)")
    if args.record:
        with open(args.record, "w") as f:
            json.dump(out, f, indent=1)
    return r.finish()


if __name__ == "__main__":
    sys.exit(main())
