#!/usr/bin/env python3
"""System benchmark: initial sync of a long regtest chain over P2P, with and without
-assumevalid.

The chain: `tonari chain generate` (deterministic from --seed; cached in bench/out/, --rebuild to
make it again) writes --blocks regtest blocks of really signed spends (P2WPKH, P2TR, 2-of-3
P2WSH, P2PKH; --txs-per-block once coins have matured). A source node S takes them by
submitblock.

Timed, --runs times each, alternating (A B A B): a fresh node F started with -connect=S, until
F's tip is S's tip, measured from process start:
  (A) -assumevalid=0: every script checked;
  (B) -assumevalid=<S's tip>: scripts skipped for the blocks more than two weeks of proof of
      work (2,016 regtest blocks) below the best header, as Core does. Blocks nearer the tip
      are checked either way, so the saving grows with the chain's length.

  bench/assumevalid_bench.py                   # --blocks 4000 --txs-per-block 20 --runs 3
  bench/assumevalid_bench.py --blocks 3000 --runs 1
"""
import argparse
import pathlib
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "test" / "functional"))
from node_process import NodeProcess  # noqa: E402

TWO_WEEKS_OF_REGTEST_BLOCKS = 2016
SYNC_TIMEOUT_S = 900


def progress(msg):
    print(msg, file=sys.stderr, flush=True)


def build_chain(tonari, workdir, blocks, txs_per_block, seed):
    """Hex of every block after the genesis, from `tonari chain generate`."""
    out = workdir / "chain.bin"
    subprocess.run([tonari, "chain", "generate", "--blocks", str(blocks), "--txs-per-block", str(txs_per_block),
                    "--seed", str(seed), str(out)], check=True, capture_output=True)
    data = out.read_bytes()
    raw, off = [], 0
    while off < len(data):
        (length,) = struct.unpack_from("<I", data, off)
        raw.append(data[off + 4:off + 4 + length].hex())
        off += 4 + length
    return raw


def sync_once(tonari, workdir, source, assumevalid, tip, label):
    f = NodeProcess(tonari, workdir / label, [f"-connect=127.0.0.1:{source.p2p_port}", "-listen=0",
                                              f"-assumevalid={assumevalid}"])
    t0 = time.monotonic()
    f.start()
    try:
        deadline = t0 + SYNC_TIMEOUT_S
        while time.monotonic() < deadline:
            if f.call("getbestblockhash") == tip:
                return time.monotonic() - t0
            time.sleep(0.02)
        raise RuntimeError(f"{label} did not sync within {SYNC_TIMEOUT_S} s")
    finally:
        f.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tonari", default=str(ROOT / "build/default/src/app/tonari"))
    ap.add_argument("--blocks", type=int, default=4000)
    ap.add_argument("--txs-per-block", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rebuild", action="store_true")
    opts = ap.parse_args()
    cache = ROOT / "bench" / "out" / f"assumevalid-chain-{opts.blocks}x{opts.txs_per_block}-seed{opts.seed}.hex"
    with tempfile.TemporaryDirectory(prefix="tonari-assumevalid-bench-") as tmp:
        workdir = pathlib.Path(tmp)
        if opts.rebuild or not cache.exists():
            progress(f"generating a {opts.blocks}-block chain, {opts.txs_per_block} signed spends per block (cached in {cache})")
            raw = build_chain(opts.tonari, workdir, opts.blocks, opts.txs_per_block, opts.seed)
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text("\n".join(raw) + "\n")
        raw = cache.read_text().split()
        source = NodeProcess(opts.tonari, workdir / "source", ["-listen=1", "-connect=0"])
        source.start()
        try:
            progress(f"loading {len(raw)} blocks into the source node")
            for block in raw:
                source.call("submitblock", block)
            tip = source.call("getbestblockhash")
            if source.call("getblockcount") != len(raw):
                raise RuntimeError("the source node did not take the cached chain")
            times = {"checked": [], "assumevalid": []}
            for run in range(opts.runs):
                for label, value in (("checked", "0"), ("assumevalid", tip)):
                    secs = sync_once(opts.tonari, workdir, source, value, tip, f"{label}-{run}")
                    times[label].append(secs)
                    progress(f"  run {run + 1}: {label:11s} {secs:6.2f} s")
        finally:
            source.kill()
    checked = statistics.median(times["checked"])
    trusted = statistics.median(times["assumevalid"])
    skipped = max(0, opts.blocks - TWO_WEEKS_OF_REGTEST_BLOCKS)
    print(f"chain: {opts.blocks} blocks from `tonari chain generate --seed {opts.seed}`, {opts.txs_per_block} signed spends per block once coins matured")
    print(f"sync, every script checked (-assumevalid=0):   median {checked:.2f} s  {times['checked']}")
    print(f"sync, -assumevalid=<tip>:                      median {trusted:.2f} s  {times['assumevalid']}")
    print(f"blocks whose scripts may be skipped: {skipped} of {opts.blocks} (those > 2,016 blocks below the tip)")
    print(f"time saved: {checked - trusted:.2f} s ({100 * (checked - trusted) / checked:.1f}% of the checked sync)")


if __name__ == "__main__":
    main()
