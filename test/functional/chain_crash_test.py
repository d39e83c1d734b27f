#!/usr/bin/env python3
"""kill -9 while a node connects a long chain, twenty times; it must restart consistent.

A synthetic regtest chain (real signed P2WPKH, P2TR and P2WSH spends) is generated once. A
reference node imports it without interruption. A second node imports the same file but is
killed with SIGKILL at twenty moments while it is writing (each time once its block files have
grown by a random share of what is left), and restarted; after every kill `tonari chain info`
must open the data directory and report a chain no shorter than the last flushed height.
At the end the crashed node finishes the import and its UTXO set digest (hash_serialized_3)
must equal the reference node's.
"""
import argparse
import json
import os
import pathlib
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from checks import Checks

KILLS = 20
BLOCKS = 1500
TXS_PER_BLOCK = 12
# Write the chain state every few blocks, so that kills land before, during and after flushes.
FLUSH_EVERY = 7
# How long to wait for the writer to show progress before giving up on a round.
PROGRESS_TIMEOUT_S = 60


def chain_info(r, datadir):
    proc = r.run("chain", "info", "--datadir", str(datadir))
    if proc.returncode != 0:
        return None, proc.stderr.strip() or proc.stdout.strip()
    return json.loads(proc.stdout), ""


def blk_bytes(datadir):
    blocks = pathlib.Path(datadir) / "regtest" / "blocks"
    if not blocks.is_dir():
        return 0
    return sum(p.stat().st_size for p in blocks.glob("blk*.dat"))


def kill_while_writing(r, datadir, chain_file, rng, share):
    """Starts an import, waits until it has appended a random part of `share` more block-file
    bytes (at least one block's worth, at most 90% of the share), then sends SIGKILL. The kill is
    placed by the import's own progress, not by the clock, so a machine that speeds up or slows
    down between rounds moves the kill in time but not in the chain. Returns (still running at the
    kill, bytes appended by then)."""
    before = blk_bytes(datadir)
    target = before + max(1, int(rng.uniform(0.05, 0.9) * share))
    proc = subprocess.Popen([r.tonari, "chain", "import", str(chain_file), "--datadir", str(datadir),
                             "--flush-every", str(FLUSH_EVERY)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + PROGRESS_TIMEOUT_S
        while blk_bytes(datadir) < target and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        running = proc.poll() is None
        if running:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        return running, blk_bytes(datadir) - before
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tonari", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--seed", type=int, default=20261125)
    args = ap.parse_args()
    r = Checks(args.tonari)
    rng = random.Random(args.seed)
    work = pathlib.Path(tempfile.mkdtemp(prefix="tonari_crash_"))
    try:
        chain_file = work / "chain.blocks"
        gen = r.run("chain", "generate", "--blocks", str(BLOCKS), "--txs-per-block", str(TXS_PER_BLOCK),
                    "--seed", "7", str(chain_file))
        r.check(gen.returncode == 0, f"generate the chain: {gen.stderr.strip()}")
        if gen.returncode != 0:
            return 1

        reference = work / "reference"
        started = time.monotonic()
        imp = r.run("chain", "import", str(chain_file), "--datadir", str(reference), timeout=600)
        import_s = time.monotonic() - started
        # Spread the kills over the whole import: each kill lands after a random part of the
        # block-file bytes that the remaining kills would each get, so the chain is never
        # finished before the last kill, however fast or slow the machine is at the time.
        ref_bytes = blk_bytes(reference)
        print(f"reference import took {import_s:.2f} s, {ref_bytes} bytes of block files")
        r.check(imp.returncode == 0, f"reference import: {imp.stderr.strip()}")
        ref_info, err = chain_info(r, reference)
        r.check(ref_info is not None and ref_info["blocks"] == BLOCKS, f"reference reaches {BLOCKS}: {ref_info} {err}")

        crashed = work / "crashed"
        mid_run = 0
        last_height = 0
        rounds = 0
        while mid_run < KILLS and last_height < BLOCKS:
            rounds += 1
            k = rounds - 1
            share = max(ref_bytes - blk_bytes(crashed), 0) / (KILLS - mid_run)
            running, appended = kill_while_writing(r, crashed, chain_file, rng, share)
            if running:
                mid_run += 1
            info, err = chain_info(r, crashed)
            r.check(info is not None, f"kill {k + 1}: the data directory reopens ({err})")
            if info is None:
                break
            r.check(info["blocks"] >= last_height,
                    f"kill {k + 1}: height {info['blocks']} not below the last seen {last_height}")
            last_height = info["blocks"]
            print(f"kill {k + 1:2d} after {appended} new bytes: restarted at height {info['blocks']}")
            if info["blocks"] == BLOCKS:
                break
        print(f"{mid_run} of {rounds} kills landed while the import was running")
        r.check(mid_run == KILLS, f"{KILLS} kills hit a running import (got {mid_run})")

        fin = r.run("chain", "import", str(chain_file), "--datadir", str(crashed))
        r.check(fin.returncode == 0, f"final import: {fin.stderr.strip()}")
        info, err = chain_info(r, crashed)
        r.check(info is not None and ref_info is not None and info["blocks"] == ref_info["blocks"],
                f"crashed node reaches the reference tip: {info} {err}")
        if info and ref_info:
            r.check(info["bestblockhash"] == ref_info["bestblockhash"], "same tip hash")
            r.check(info["hash_serialized_3"] == ref_info["hash_serialized_3"],
                    f"same UTXO digest: {info['hash_serialized_3']} vs {ref_info['hash_serialized_3']}")
            r.check(info["txouts"] == ref_info["txouts"], "same number of coins")

        # -reindex rebuilds the same ledger from the block files alone.
        rei = r.run("chain", "reindex", "--datadir", str(crashed))
        r.check(rei.returncode == 0, f"reindex: {rei.stderr.strip()}")
        info, err = chain_info(r, crashed)
        r.check(info is not None and ref_info is not None and info["hash_serialized_3"] == ref_info["hash_serialized_3"],
                f"reindexed digest equals the reference: {info} {err}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return r.finish()


if __name__ == "__main__":
    sys.exit(main())
