#!/usr/bin/env python3
"""Zero downtime, measured: ten tonari nodes keep one ledger while nodes keep dying.

Ten regtest nodes in a random connected topology (a random spanning tree plus a few extra
links, all by -addnode so that links come back after a restart). Three of them hold wallets,
funded at the start. Then, for the set duration (--seconds, or --minutes for long runs):
  * every few seconds a random node is killed with SIGKILL or stopped cleanly, and started
    again 1 to 4 s later (at most two are down at once), without -reindex or any repair;
  * a load generator sends a small payment from a random live wallet to another every ~0.3 s;
  * two miners (nodes 0 and 1, themselves subject to the churn) each mine a block every 1 to
    2.5 s, and a quarter of the time the other one mines at the same moment, so competing
    blocks and reorganisations happen.
A sampler watches every live node: new blocks anywhere, reorganisations (the depth of the
chain a node left), and how long a restarted node takes to reach the height the network had
when it came back.

Every node keeps its mempool across restarts (mempool.dat, saved every second, so a kill -9
loses at most a second of it). At the end every node is started again and the miners mine
until every payment is in a block (a payment still waiting after 10 s is handed to every node
with sendrawtransaction: a miner that was down while it spread, or lost it in its last second,
is never offered it again by relay; the count is reported).
Then: every node has one tip and one UTXO-set hash (gettxoutsetinfo); every payment ever seen
6 blocks deep is still confirmed; no payment is lost (submitted, never confirmed); every
wallet's balance equals the sum of its confirmed outputs; every restart came up by itself. The
figures (payments submitted / confirmed / lost, the longest time without a new block, the
deepest reorganisation, the median catch-up time after a restart) are printed, and with
--record FILE also written as JSON.
"""
import argparse
import decimal
import json
import os
import random
import statistics
import sys
import tempfile
import time

from checks import Checks, poll
from node_process import NodeProcess, RpcError

D = decimal.Decimal
NODES = 10
MINERS = (0, 1)
WALLET_NODES = (2, 3, 4)
EXTRA_LINKS = 4
MAX_DOWN = 2
# A burn address (BIP173's regtest example) for the set-up's maturing blocks.
BURN = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"
FUNDING_BLOCKS_PER_WALLET = 25
PAYMENT = D("0.01")
DEEP = 6
# Share of blocks that the other miner matches at once (a race; see churn()).
RACE_CHANCE = 0.25
SETTLE_TIMEOUT_S = 180
# Payments still unconfirmed this long into the settling are sent again by their wallets.
REBROADCAST_AFTER_S = 10
# Each node saves its mempool this often (-mempoolsaveinterval), so a kill -9 loses at most
# that much of it.
MEMPOOL_SAVE_S = 1


def now():
    return time.monotonic()


class Net:
    """The ten nodes, which of them run, and calls that survive a node going away."""

    def __init__(self, tonari, tmp, rng):
        # Each node saves its mempool every second (mempool.dat), so one killed outright comes back
        # holding what it held, not empty (a clean stop saves it anyway).
        self.nodes = [NodeProcess(tonari, os.path.join(tmp, f"n{i}"), ["-debug=net", f"-mempoolsaveinterval={MEMPOOL_SAVE_S}"])
                      for i in range(NODES)]
        links = set()
        for i in range(1, NODES):
            links.add((i, rng.randrange(i)))
        while len(links) < NODES - 1 + EXTRA_LINKS:
            a, b = rng.sample(range(NODES), 2)
            if (a, b) not in links and (b, a) not in links:
                links.add((a, b))
        self.links = sorted(links)
        for a, b in self.links:
            self.nodes[a].extra_args.append(f"-addnode=127.0.0.1:{self.nodes[b].p2p_port}")
        self.up = [False] * NODES

    def start(self, i):
        self.nodes[i].start()
        self.up[i] = True

    def call(self, i, method, *params):
        """The answer, or None when node i is down, goes down during the call, or refuses it."""
        if not self.up[i]:
            return None
        try:
            return self.nodes[i].call(method, *params)
        except (OSError, ValueError, json.JSONDecodeError, RpcError):
            return None

    def running(self):
        return [i for i in range(NODES) if self.up[i]]


class Stats:
    def __init__(self):
        self.submitted = {}   # txid -> wallet node
        self.send_errors = {}  # error text -> count (refusals: funds in flight, node going down)
        self.deep = set()     # txids seen DEEP blocks deep at least once
        self.seen_blocks = set()
        self.last_new_block = None
        self.longest_gap = 0.0
        self.tips = {}        # node -> last tip hash seen
        self.deepest_reorg = 0
        self.reorgs = 0
        self.catchups = []    # seconds
        self.pending_catchup = {}  # node -> (restart time, target height)
        self.kills = 0
        self.clean_stops = 0
        self.restarts = 0
        self.failed_restarts = []
        self.rebroadcasts = 0


def reorg_depth(net, i, old_tip):
    """How many blocks of node i's old chain (ending at old_tip) left its active chain."""
    depth, h = 0, old_tip
    for _ in range(100):
        header = net.call(i, "getblockheader", h)
        if header is None or header.get("confirmations", -1) >= 0:
            return depth
        depth += 1
        h = header.get("previousblockhash")
        if not h:
            return depth
    return depth


def sample(net, st):
    heights = {}
    for i in net.running():
        tip = net.call(i, "getbestblockhash")
        height = net.call(i, "getblockcount")
        if tip is None or height is None:
            continue
        heights[i] = height
        t = now()
        if tip not in st.seen_blocks:
            st.seen_blocks.add(tip)
            if st.last_new_block is not None:
                st.longest_gap = max(st.longest_gap, t - st.last_new_block)
            st.last_new_block = t
        old = st.tips.get(i)
        if old is not None and old != tip:
            depth = reorg_depth(net, i, old)
            if depth > 0:
                st.reorgs += 1
                st.deepest_reorg = max(st.deepest_reorg, depth)
        st.tips[i] = tip
        if i in st.pending_catchup:
            since, target = st.pending_catchup[i]
            if height >= target:
                st.catchups.append(t - since)
                del st.pending_catchup[i]
    return heights


def track_depth(net, st):
    for w in WALLET_NODES:
        txs = net.call(w, "listtransactions", "*", 100000)
        for tx in txs or []:
            if tx.get("category") == "send" and tx.get("confirmations", 0) >= DEEP:
                st.deep.add(tx["txid"])


def restart(net, st, i):
    """Starts node i again, as it is (no repair), and times its catch-up to the height the
    network has now."""
    target = max(sample(net, st).values(), default=0)
    try:
        net.start(i)
        st.restarts += 1
        st.pending_catchup[i] = (now(), target)
    except RuntimeError as e:
        st.failed_restarts.append(f"node {i}: {e}")


def churn(net, st, rng, seconds, addresses, miner_to, log):
    end = now() + seconds
    next_kill = now() + 2
    next_mine = {m: now() + rng.uniform(1.0, 2.5) for m in MINERS}
    next_send = now()
    next_sample = now()
    next_depth = now() + 2
    restart_at = {}  # node -> time
    while now() < end:
        t = now()
        for i, when in list(restart_at.items()):
            if t >= when:
                del restart_at[i]
                restart(net, st, i)
        if t >= next_kill:
            next_kill = t + rng.uniform(2.0, 4.0)
            candidates = [i for i in net.running() if i not in restart_at]
            if len(restart_at) < MAX_DOWN and candidates:
                i = rng.choice(candidates)
                if rng.random() < 0.7:
                    net.nodes[i].kill()
                    st.kills += 1
                    how = "SIGKILL"
                else:
                    if net.call(i, "stop") is not None:
                        net.nodes[i].wait_exit(60)
                    else:
                        net.nodes[i].kill()
                    st.clean_stops += 1
                    how = "stop"
                net.up[i] = False
                st.pending_catchup.pop(i, None)
                st.tips.pop(i, None)  # coming back to a shorter chain is not a reorganisation
                restart_at[i] = t + rng.uniform(1.0, 4.0)
                log(f"  {t - (end - seconds):6.1f} s: node {i} {how}")
        for m in MINERS:
            if t >= next_mine[m]:
                next_mine[m] = t + rng.uniform(1.0, 2.5)
                net.call(m, "generatetoaddress", 1, miner_to[m])
                if rng.random() < RACE_CHANCE:
                    # The other miner finds a block at the same moment: two tips compete until
                    # the next block decides, and half the network reorganises. (Each miner
                    # pays its own address, so the two blocks differ.)
                    other = MINERS[1 - MINERS.index(m)]
                    net.call(other, "generatetoaddress", 1, miner_to[other])
        if t >= next_send:
            next_send = t + rng.uniform(0.15, 0.45)
            live = [w for w in WALLET_NODES if net.up[w]]
            if live:
                w = rng.choice(live)
                to = addresses[rng.choice([x for x in WALLET_NODES if x != w])]
                try:
                    txid = net.nodes[w].call("sendtoaddress", to, float(PAYMENT))
                    st.submitted[txid] = w
                except RpcError as e:
                    st.send_errors[e.message] = st.send_errors.get(e.message, 0) + 1
                except (OSError, ValueError):
                    st.send_errors["node went down"] = st.send_errors.get("node went down", 0) + 1
        if t >= next_sample:
            next_sample = t + 0.5
            sample(net, st)
        if t >= next_depth:
            next_depth = t + 2
            track_depth(net, st)
        time.sleep(0.02)
    return restart_at


def settle(net, st, r):
    """Every node up, every payment mined, one tip everywhere. True when that was reached."""
    for i in range(NODES):
        if not net.up[i]:
            restart(net, st, i)
    deadline = now() + SETTLE_TIMEOUT_S
    next_rebroadcast = now() + REBROADCAST_AFTER_S
    while now() < deadline:
        sample(net, st)
        unconfirmed = set(st.submitted)
        for w in WALLET_NODES:
            for tx in net.call(w, "listtransactions", "*", 100000) or []:
                if tx.get("category") == "send" and tx.get("confirmations", 0) >= 1:
                    unconfirmed.discard(tx["txid"])
        if unconfirmed and now() >= next_rebroadcast:
            # A payment can be stranded: a miner that was down while it spread (or killed within
            # a second of receiving it) lacks it, and Bitcoin's relay announces a transaction
            # once per connection, so peers that already passed it on never offer it again — not
            # even when the payer's wallet resends it (Core's 12-36 h timer), since the payer's
            # peers have it. The
            # payer hands it to every node (sendrawtransaction; a node that has it announces
            # it again). Counted: a relay gap this test measures, not hides.
            next_rebroadcast = now() + REBROADCAST_AFTER_S
            for txid in unconfirmed:
                tx = net.call(st.submitted[txid], "gettransaction", txid)
                if not tx:
                    continue
                st.rebroadcasts += 1
                for i in net.running():
                    net.call(i, "sendrawtransaction", tx["hex"])
        mempools = [net.call(i, "getmempoolinfo") for i in range(NODES)]
        empty = all(m is not None and m["size"] == 0 for m in mempools)
        tips = {net.call(i, "getbestblockhash") for i in range(NODES)}
        if not unconfirmed and empty and len(tips) == 1 and None not in tips:
            return True
        if unconfirmed or not empty:
            net.call(MINERS[0], "generatetoaddress", 1, BURN)
        time.sleep(0.5)
    return False


def body(r, opts, tmp):
    rng = random.Random(opts.seed)
    net = Net(opts.tonari, tmp, rng)
    st = Stats()
    log = print
    log(f"topology (dialer -> listener): {net.links}")
    try:
        for i in range(NODES):
            net.start(i)
        # Wallets, funded with matured coinbases, then -wallet=w so every restart loads them.
        addresses = {}
        for w in WALLET_NODES:
            net.nodes[w].call("createwallet", "w")
            net.nodes[w].extra_args.append("-wallet=w")
            addresses[w] = net.nodes[w].call("getnewaddress")
        for w in WALLET_NODES:
            net.nodes[0].call("generatetoaddress", FUNDING_BLOCKS_PER_WALLET, net.nodes[w].call("getnewaddress"))
        net.nodes[0].call("generatetoaddress", 101, BURN)
        # Each miner its own payout address, from a throwaway wallet (never loaded again).
        net.nodes[5].call("createwallet", "payouts")
        miner_to = {m: net.nodes[5].call("getnewaddress") for m in MINERS}
        tip = net.nodes[0].call("getbestblockhash")
        synced = all(poll(lambda i=i: net.call(i, "getbestblockhash") == tip, 60, 0.1) for i in range(NODES))
        r.check(synced, "set-up: all ten nodes share the funded chain")
        for w in WALLET_NODES:
            r.check(D(net.nodes[w].call("getbalance")) > 0, f"set-up: wallet on node {w} is funded")

        t0 = now()
        churn(net, st, rng, opts.seconds, addresses, miner_to, log)
        churn_s = now() - t0
        settled = settle(net, st, r)
        r.check(settled, "after the churn: every node up, every payment mined, one tip everywhere")

        # One ledger.
        tips = {net.call(i, "getbestblockhash") for i in range(NODES)}
        r.check(len(tips) == 1 and None not in tips, f"every node has the same tip ({len(tips)} seen)")
        digests = {}
        for i in range(NODES):
            info = net.call(i, "gettxoutsetinfo")
            digests[i] = info and info.get("hash_serialized_3")
        r.check(len(set(digests.values())) == 1 and None not in digests.values(),
                f"every node has the same UTXO-set hash ({len(set(digests.values()))} distinct)")

        # No payment lost; what was once 6 deep is still confirmed.
        confirmed = {}
        for w in WALLET_NODES:
            for tx in net.call(w, "listtransactions", "*", 100000) or []:
                if tx.get("category") == "send" and tx.get("confirmations", 0) >= 1:
                    confirmed[tx["txid"]] = tx["blockhash"]
        lost = [t for t in st.submitted if t not in confirmed]
        r.check(not lost, f"no payment lost: {len(lost)} of {len(st.submitted)} never confirmed {lost[:3]}")
        for txid in lost[:5]:
            w = st.submitted[txid]
            tx = net.call(w, "gettransaction", txid) or {}
            where = [i for i in range(NODES) if net.call(i, "getmempoolentry", txid) is not None]
            print(f"  lost {txid} from node {w}: confirmations {tx.get('confirmations')}, "
                  f"conflicts {tx.get('walletconflicts')}, abandoned {tx.get('abandoned')}, in the mempools of {where}")
        undone = [t for t in st.deep if t not in confirmed]
        r.check(not undone, f"every payment once {DEEP} deep is still confirmed ({len(undone)} undone of {len(st.deep)})")
        in_chain = all((net.call(5, "getblockheader", h) or {}).get("confirmations", -1) >= 1
                       for h in set(confirmed.values()))
        r.check(in_chain, "every confirming block is in the active chain of another node")
        r.check(len(st.submitted) > 0 and len(st.deep) > 0, "the load generator's payments went through")

        # Wallets agree with their coins.
        for w in WALLET_NODES:
            balance = D(net.call(w, "getbalance"))
            coins = sum(D(u["amount"]) for u in net.call(w, "listunspent", 1))
            r.check(balance == coins, f"wallet on node {w}: balance {balance} = sum of its confirmed outputs {coins}")

        unbroadcast = [(net.call(i, "getmempoolinfo") or {}).get("unbroadcastcount") for i in range(NODES)]
        r.check(all(u == 0 for u in unbroadcast), f"no node still holds a transaction no peer fetched ({unbroadcast})")
        r.check(not st.failed_restarts, f"every restart came up without repair: {st.failed_restarts[:3]}")
        r.check(st.restarts >= max(1, int(churn_s / 6)), f"the churn restarted nodes ({st.restarts})")

        catchup = statistics.median(st.catchups) if st.catchups else None
        result = {
            "seconds": round(churn_s, 1),
            "nodes": NODES,
            "kills": st.kills,
            "clean_stops": st.clean_stops,
            "restarts": st.restarts,
            "payments_submitted": len(st.submitted),
            "payments_confirmed": len([t for t in st.submitted if t in confirmed]),
            "payments_lost": len(lost),
            "payments_once_6_deep": len(st.deep),
            "send_refusals": sum(st.send_errors.values()),
            "rebroadcast_at_end": st.rebroadcasts,
            "blocks": len(st.seen_blocks),
            "longest_gap_without_block_s": round(st.longest_gap, 2),
            "reorgs_seen": st.reorgs,
            "deepest_reorg": st.deepest_reorg,
            "median_catchup_s": round(catchup, 2) if catchup is not None else None,
            "catchups_measured": len(st.catchups),
        }
        log("churn result: " + json.dumps(result))
        if st.send_errors:
            log(f"  refused sends: {st.send_errors}")
        if opts.record:
            with open(opts.record, "w") as f:
                json.dump(result, f, indent=1)
    finally:
        if r.failures:
            for i, n in enumerate(net.nodes):
                print(f"--- node {i} debug.log (tail) ---")
                print(n.log_tail(15))
        for n in net.nodes:
            n.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tonari", required=True)
    ap.add_argument("--seconds", type=float, default=40, help="churn duration (make test's smoke length)")
    ap.add_argument("--minutes", type=float, help="churn duration in minutes (long runs)")
    ap.add_argument("--seed", type=int, default=int.from_bytes(os.urandom(4), "little"))
    ap.add_argument("--record", help="write the figures to this JSON file")
    ap.add_argument("--data", help="the test data folder (ctest passes it to every functional test; unused)")
    opts = ap.parse_args()
    if opts.minutes:
        opts.seconds = opts.minutes * 60
    print(f"churn: {opts.seconds:.0f} s, seed {opts.seed}")
    r = Checks(opts.tonari)
    with tempfile.TemporaryDirectory(prefix="tonari-churn-") as tmp:
        try:
            body(r, opts, tmp)
        except Exception as e:  # a crash of the test itself is a failure, with its cause
            import traceback
            traceback.print_exc()
            r.check(False, f"the test ran to the end ({e})")
    return r.finish()


if __name__ == "__main__":
    sys.exit(main())
