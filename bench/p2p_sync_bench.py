#!/usr/bin/env python3
"""System benchmark: initial sync of one 2,000-block regtest chain with transactions over the
real P2P protocol on loopback — a fresh tonari node from a tonari peer, against a fresh bcoin
node (JavaScript, npm package in test/interop) from a bcoin peer holding the very same chain.

Building the chain (not timed; done once, then cached as raw blocks in bench/out/ and fed to
S and B1 by submitblock on later runs; --rebuild builds it again):
  * bcoin B1 mines the first --prefix blocks (default 432). bcoin's regtest activates segwit by
    BIP9 signalling (window 144, threshold 108, bit 1) and rejects any block carrying witness
    data before that ("unexpected-witness"). Every tonari block carries the witness nonce in its
    coinbase and does not signal bit 1, so a chain mined by tonari from genesis can never become
    valid for bcoin: bcoin's miner must lay down the first 432 blocks, which also activates
    segwit for it at height 432. Its coinbases pay P2SH(OP_TRUE), so from height 101 on every
    block also holds --txs-per-block non-witness transactions spending that output (no
    signature needed; relayed through bcoin's own mempool).
  * tonari node S takes those blocks by submitblock, keeps the OP_TRUE transactions going while
    it mines 110 blocks to its wallet, then, until --blocks, puts --txs-per-block wallet
    payments (sendtoaddress of 0.01 to a fresh P2WPKH address, default fee) in its mempool
    before each `generatetoaddress 1`.
  * B1 is fed S's blocks with submitblock (raw hex from `getblock hash 0`): both hold one chain.
Timed:
  (a) a fresh tonari node F started with -connect=S, until F's getbestblockhash is S's tip
      (from process start, and from the moment F answers RPC); --runs times, fresh each time;
  (b) a fresh bcoin node B2, `addnode B1 add` over RPC, until its tip is B1's (from process
      start, and from the addnode call).

  bench/p2p_sync_bench.py
  bench/p2p_sync_bench.py --blocks 1000 --txs-per-block 2 --runs 1
  bench/p2p_sync_bench.py --rebuild
"""
import argparse
import base64
import hashlib
import json
import os
import pathlib
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "test" / "functional"))
from node_process import NodeProcess, free_port  # noqa: E402

BCOIN_DIR = ROOT / "test" / "interop" / "node_modules" / "bcoin"
SEGWIT_ACTIVE_AT = 432          # bcoin regtest: third 144-block window after lock-in
COINBASE_MATURITY = 100
OP_TRUE_FEE_SAT = 2_000         # ~110-byte transaction: ~18 sat/vB
OP_TRUE_PAYMENT_SAT = 100_000
WALLET_PAYMENT_BTC = "0.01"
SYNC_TIMEOUT_S = 600
POLL_S = 0.01


def wait_until(pred, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if pred():
                return True
        except (OSError, RuntimeError):
            pass
        time.sleep(step)
    return False


class Bcoin:
    """A bcoin regtest node in its own prefix directory; JSON-RPC with the api key."""

    def __init__(self, prefix):
        self.prefix = pathlib.Path(prefix)
        self.prefix.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.http_port = free_port()
        self.key = "tonari-bench"
        self.proc = None
        self.log = None

    def start(self, wait_p2p=True):
        """Returns the monotonic time just before the process was started."""
        self.log = open(self.prefix / "bcoin.log", "ab")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(
            ["node", str(BCOIN_DIR / "bin/node"), "--network=regtest", f"--prefix={self.prefix}",
             f"--port={self.port}", f"--http-port={self.http_port}", f"--api-key={self.key}", "--no-wallet",
             "--listen=true", "--public-host=127.0.0.1", "--upnp=false", "--log-level=warning"],
            stdout=self.log, stderr=self.log)
        if not wait_until(lambda: self.call("getblockcount") is not None, 60, 0.02):
            raise RuntimeError(f"bcoin did not answer RPC; log in {self.prefix}/bcoin.log")
        # Its P2P port opens only once its address discovery gives up (INTEROP.md).
        if wait_p2p and not wait_until(self.port_open, 60, 0.2):
            raise RuntimeError("bcoin's P2P port did not open")
        return t0

    def port_open(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=1):
            return True

    def call(self, method, *params):
        body = json.dumps({"method": method, "params": list(params)}).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.http_port}/", data=body)
        req.add_header("Authorization", "Basic " + base64.b64encode(f"x:{self.key}".encode()).decode())
        with urllib.request.urlopen(req, timeout=300) as resp:
            reply = json.loads(resp.read())
        if reply.get("error"):
            raise RuntimeError(f"bcoin {method}: {reply['error']}")
        return reply["result"]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log:
            self.log.close()
            self.log = None


def stop_tonari(node):
    if node is None:
        return
    if node.running():
        try:
            node.call("stop")
            node.wait_exit(30)
        except Exception:
            pass
    node.kill()


# --- Non-witness transactions spending P2SH(OP_TRUE) outputs: no keys, no signatures. ---

OP_TRUE_REDEEM = b"\x51"
OP_TRUE_SCRIPT_SIG = b"\x01" + OP_TRUE_REDEEM  # push the redeem script


def sha256d(b):
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


def base58_payload(addr):
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    n = 0
    for c in addr:
        n = n * 58 + alphabet.index(c)
    raw = n.to_bytes(25, "big")
    if sha256d(raw[:21])[:4] != raw[21:]:
        raise ValueError(f"bad base58 checksum: {addr}")
    return raw[1:21]


def varint(n):
    assert n < 0xfd
    return bytes([n])


def op_true_tx(prev_txid_hex, vout, value_sat, script_pubkey):
    """One input spending P2SH(OP_TRUE); a payment and the change, both to P2SH(OP_TRUE).
    Returns (raw hex, txid hex, change value)."""
    change = value_sat - OP_TRUE_PAYMENT_SAT - OP_TRUE_FEE_SAT
    tx = (b"\x02\x00\x00\x00" + varint(1) + bytes.fromhex(prev_txid_hex)[::-1] + vout.to_bytes(4, "little")
          + varint(len(OP_TRUE_SCRIPT_SIG)) + OP_TRUE_SCRIPT_SIG + b"\xff\xff\xff\xff" + varint(2))
    for v in (change, OP_TRUE_PAYMENT_SAT):
        tx += v.to_bytes(8, "little") + varint(len(script_pubkey)) + script_pubkey
    tx += b"\x00\x00\x00\x00"
    return tx.hex(), sha256d(tx)[::-1].hex(), change


class OpTrueChain:
    """A chain of unconfirmed-then-confirmed spends that starts at one P2SH(OP_TRUE) coinbase."""

    def __init__(self, txid, value_sat, script_pubkey):
        self.txid, self.vout, self.value = txid, 0, value_sat
        self.spk = script_pubkey

    def next_txs(self, count):
        out = []
        for _ in range(count):
            raw, txid, change = op_true_tx(self.txid, self.vout, self.value, self.spk)
            out.append((raw, txid))
            self.txid, self.vout, self.value = txid, 0, change
        return out


def build_chain(args, b1, s):
    """B1 mines the prefix with OP_TRUE transactions, S continues with wallet transactions,
    B1 is fed S's blocks. Returns a dict of chain facts."""
    facts = {}
    t0 = time.monotonic()
    p2sh_addr = b1.call("decodescript", OP_TRUE_REDEEM.hex())["p2sh"]
    spk = b"\xa9\x14" + base58_payload(p2sh_addr) + b"\x87"
    b1.call("generatetoaddress", COINBASE_MATURITY, p2sh_addr)
    cb_txid = b1.call("getblock", b1.call("getblockhash", 1), True)["tx"][0]
    cb_value = round(b1.call("gettxout", cb_txid, 0)["value"] * 10**8)
    chain = OpTrueChain(cb_txid, cb_value, spk)
    txs_total = 0
    while b1.call("getblockcount") < args.prefix:
        for raw, txid in chain.next_txs(args.txs_per_block):
            b1.call("sendrawtransaction", raw)
        mined = b1.call("generatetoaddress", 1, p2sh_addr)[0]
        n = len(b1.call("getblock", mined, True)["tx"]) - 1
        if n != args.txs_per_block:
            raise RuntimeError(f"bcoin mined {n} of {args.txs_per_block} transactions at {mined}")
        txs_total += n
    facts["prefix_s"] = time.monotonic() - t0

    t0 = time.monotonic()
    for h in range(1, args.prefix + 1):
        res = s.call("submitblock", b1.call("getblock", b1.call("getblockhash", h), False))
        if res is not None:
            raise RuntimeError(f"tonari S rejected bcoin's block {h}: {res}")
    if s.call("getbestblockhash") != b1.call("getbestblockhash"):
        raise RuntimeError("S did not take bcoin's prefix")

    s.call("createwallet", "bench")
    mine_to = s.call("getnewaddress")
    for _ in range(COINBASE_MATURITY + 10):   # wallet coinbases mature; OP_TRUE spends continue
        for raw, txid in chain.next_txs(args.txs_per_block):
            s.call("sendrawtransaction", raw)
        s.call("generatetoaddress", 1, mine_to)
        txs_total += args.txs_per_block
    while s.call("getblockcount") < args.blocks:
        for _ in range(args.txs_per_block):
            s.call("sendtoaddress", s.call("getnewaddress"), WALLET_PAYMENT_BTC)
        s.call("generatetoaddress", 1, mine_to)
        txs_total += args.txs_per_block
    if s.call("getrawmempool"):
        raise RuntimeError("S's mempool is not empty after the build")
    facts["tonari_part_s"] = time.monotonic() - t0
    facts["txs"] = txs_total

    t0 = time.monotonic()
    for h in range(args.prefix + 1, args.blocks + 1):
        res = b1.call("submitblock", s.call("getblock", s.call("getblockhash", h), 0))
        if res is not None:
            raise RuntimeError(f"bcoin B1 rejected tonari's block {h}: {res}")
    facts["feed_s"] = time.monotonic() - t0
    tip = s.call("getbestblockhash")
    if b1.call("getbestblockhash") != tip:
        raise RuntimeError("B1 and S do not agree on the tip")
    facts["tip"] = tip
    blocks = [s.call("getblock", s.call("getblockhash", h), 0) for h in range(1, args.blocks + 1)]
    partial = args.cache.with_suffix(".partial")
    partial.write_text(json.dumps({"txs": txs_total, "blocks": blocks}))
    partial.rename(args.cache)
    return facts


def load_chain(args, b1, s):
    """Feeds the cached chain to S and B1 by submitblock. Returns a dict of chain facts."""
    cached = json.loads(args.cache.read_text())
    t0 = time.monotonic()
    for h, block in enumerate(cached["blocks"], start=1):
        for name, node in (("tonari S", s), ("bcoin B1", b1)):
            res = node.call("submitblock", block)
            if res is not None:
                raise RuntimeError(f"{name} rejected cached block {h}: {res}")
    tip = s.call("getbestblockhash")
    if b1.call("getbestblockhash") != tip or s.call("getblockcount") != args.blocks:
        raise RuntimeError("B1 and S do not agree on the cached chain's tip")
    return {"txs": cached["txs"], "tip": tip, "feed_s": time.monotonic() - t0}


def time_tonari_sync(args, tmp, s, run, tip, transport):
    """One fresh node F syncing from S over `transport` ("v1": F runs -v2transport=0; "v2":
    the default, BIP324). Checks that the connection really used that transport."""
    extra = ["-v2transport=0"] if transport == "v1" else []
    f = NodeProcess(args.tonari, f"{tmp}/f{run}-{transport}", ["-debug=net", f"-connect=127.0.0.1:{s.p2p_port}", *extra])
    try:
        t0 = time.monotonic()
        f.start()
        t_rpc = time.monotonic()
        if not wait_until(lambda: f.call("getbestblockhash") == tip, SYNC_TIMEOUT_S, POLL_S):
            raise RuntimeError(f"tonari F did not reach the tip; see {f.net_dir}/debug.log")
        t_end = time.monotonic()
        used = {p["transport_protocol_type"] for p in f.call("getpeerinfo")}
        if used != {transport}:
            raise RuntimeError(f"tonari F synced over {used}, not {transport}")
        return t_end - t0, t_end - t_rpc
    finally:
        stop_tonari(f)


def time_bcoin_sync(tmp, b1, run, tip):
    b2 = Bcoin(f"{tmp}/b2-{run}")
    try:
        t0 = b2.start(wait_p2p=False)
        t_add = time.monotonic()
        b2.call("addnode", f"127.0.0.1:{b1.port}", "add")
        if not wait_until(lambda: b2.call("getbestblockhash") == tip, SYNC_TIMEOUT_S, 0.05):
            raise RuntimeError(f"bcoin B2 did not reach the tip; see {b2.prefix}/bcoin.log")
        t_end = time.monotonic()
        return t_end - t0, t_end - t_add
    finally:
        b2.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tonari", default=str(ROOT / "build/default/src/app/tonari"))
    ap.add_argument("--blocks", type=int, default=2000)
    ap.add_argument("--txs-per-block", type=int, default=5)
    ap.add_argument("--prefix", type=int, default=SEGWIT_ACTIVE_AT, help="blocks mined by bcoin (>= 432)")
    ap.add_argument("--runs", type=int, default=3, help="tonari sync runs (bcoin: --bcoin-runs)")
    ap.add_argument("--bcoin-runs", type=int, default=1)
    ap.add_argument("--transports", default="v1,v2",
                    help="tonari runs over these transports, alternating (v1: plaintext, v2: BIP324)")
    ap.add_argument("--rebuild", action="store_true", help="build the chain again instead of using the cache")
    args = ap.parse_args()
    cache_dir = ROOT / "bench" / "out"
    cache_dir.mkdir(parents=True, exist_ok=True)
    args.cache = cache_dir / f"p2p-sync-chain-{args.blocks}x{args.txs_per_block}-prefix{args.prefix}.json"
    if args.rebuild and args.cache.exists():
        args.cache.unlink()
    if not os.access(args.tonari, os.X_OK):
        sys.exit(f"p2p_sync_bench: {args.tonari} missing; run 'make build' first")
    if shutil.which("node") is None or not BCOIN_DIR.exists():
        sys.exit("p2p_sync_bench: bcoin not installed (scripts/install-deps runs npm ci in test/interop)")
    if args.prefix < SEGWIT_ACTIVE_AT or args.blocks <= args.prefix + COINBASE_MATURITY + 10:
        sys.exit(f"p2p_sync_bench: need --prefix >= {SEGWIT_ACTIVE_AT} and --blocks > prefix + 110")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"== p2p sync of {args.blocks} regtest blocks on {os.cpu_count()} cores, {cpu}; "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="tonari-syncbench-") as tmp:
        b1 = Bcoin(f"{tmp}/b1")
        s = NodeProcess(args.tonari, f"{tmp}/s", ["-connect=0", "-listen=1"])
        try:
            b1.start()
            s.start()
            if args.cache.exists():
                facts = load_chain(args, b1, s)
            else:
                print(f"== building the chain (once; later runs reuse {args.cache.relative_to(ROOT)})", flush=True)
                facts = build_chain(args, b1, s)
            size_mb = sum(len(s.call("getblock", s.call("getblockhash", h), 0)) // 2
                          for h in range(0, args.blocks + 1)) / 1e6
            print(f"chain: {args.blocks} blocks, {facts['txs']} transactions ({args.txs_per_block} in each block "
                  f"from height {COINBASE_MATURITY + 1}), {size_mb:.2f} MB; tip {facts['tip']}", flush=True)
            if "prefix_s" not in facts:
                print(f"  cached chain fed to S and B1 by submitblock in {facts['feed_s']:.1f} s", flush=True)
            else:
                print(f"  bcoin mined 1-{args.prefix} (P2SH(OP_TRUE) spends) in {facts['prefix_s']:.1f} s; "
                      f"tonari {args.prefix + 1}-{args.blocks} (from {args.prefix + COINBASE_MATURITY + 11}: "
                      f"P2WPKH wallet payments) in {facts['tonari_part_s']:.1f} s; bcoin took tonari's "
                      f"{args.blocks - args.prefix} blocks by submitblock in {facts['feed_s']:.1f} s", flush=True)

            transports = [t for t in args.transports.split(",") if t]
            by_transport = {t: [] for t in transports}
            for run in range(args.runs):
                for transport in transports:  # alternating, so drift in the machine hits both
                    total, from_rpc = time_tonari_sync(args, tmp, s, run, facts["tip"], transport)
                    by_transport[transport].append((total, from_rpc))
                    print(f"  tonari <- tonari over {transport} run {run + 1}: {total:.3f} s from process start, "
                          f"{from_rpc:.3f} s from RPC up", flush=True)
            tonari_runs = by_transport[transports[-1]]
            bcoin_runs = []
            for run in range(args.bcoin_runs):
                total, from_add = time_bcoin_sync(tmp, b1, run, facts["tip"])
                bcoin_runs.append((total, from_add))
                print(f"  bcoin  <- bcoin  run {run + 1}: {total:.3f} s from process start, "
                      f"{from_add:.3f} s from addnode", flush=True)
        finally:
            stop_tonari(s)
            b1.stop()
    for transport, runs in by_transport.items():
        print(f"tonari over {transport} (median of {len(runs)}): {statistics.median(r[0] for r in runs):.3f} s "
              f"from process start, {statistics.median(r[1] for r in runs):.3f} s from RPC up")
    if "v1" in by_transport and "v2" in by_transport:
        v1 = statistics.median(r[1] for r in by_transport["v1"])
        v2 = statistics.median(r[1] for r in by_transport["v2"])
        print(f"BIP324 v2 / v1 sync time (from RPC up): {v2 / v1:.3f} ({(v2 / v1 - 1) * 100:+.1f}%)")
    t_total = statistics.median(r[0] for r in tonari_runs)
    t_rpc = statistics.median(r[1] for r in tonari_runs)
    if not bcoin_runs:  # --bcoin-runs 0: the tonari side alone
        print(f"result (medians): tonari {t_total:.3f} s ({t_rpc:.3f} s from RPC up)")
    else:
        b_total = statistics.median(r[0] for r in bcoin_runs)
        b_add = statistics.median(r[1] for r in bcoin_runs)
        print(f"result (medians): tonari {t_total:.3f} s ({t_rpc:.3f} s from RPC up), "
              f"bcoin {b_total:.3f} s ({b_add:.3f} s from addnode); "
              f"bcoin/tonari {b_total / t_total:.1f}x from process start, {b_add / t_rpc:.1f}x after start-up")
    print("reproduce: " + " ".join([sys.executable, str(pathlib.Path(__file__).resolve())] + sys.argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
