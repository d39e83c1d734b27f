#!/usr/bin/env python3
"""A full disk during wallet writes: the node keeps running, the wallet refuses changes with a
clear error, and after space is freed everything the wallet acknowledged is still there.

The wallets folder is a small tmpfs of its own, mounted in a private mount namespace that a
helper process holds (`unshare -m`), so the namespace outlives the node's restarts; the node is
started inside it with `nsenter`. The wallet gets funds, then the tmpfs is filled to its last
few hundred kilobytes (from outside, through /proc/HELPER/root, while the node is stopped: see
below), and a thread pays to new addresses until the wallet cannot write. Then:
  * a payment or an address the wallet cannot store is refused with an error that says why, and
    nothing the RPC acknowledged before is lost;
  * the node goes on serving: blocks are mined and the chain answers; the wallet answers reads
    and refuses further changes (read-only) instead of half-writing them;
  * the node stops cleanly (exit status 0) even with the wallet failed;
  * with the filler removed, the node restarts without -reindex, the wallet opens, every
    acknowledged transaction and address is there (a new address never repeats one handed out),
    its confirmed balance is the sum of its confirmed outputs, and it pays again.
"""
import ctypes
import decimal
import os
import signal
import subprocess
import sys
import threading

from checks import run_test
from node_process import NodeProcess, RpcError, wait_while_progressing

TMPFS_SIZE = "16m"
FILL_CHUNK = 64 << 10
# Room left for the wallet after the fill: enough to open its database, then a few hundred
# payments' worth of log.
FREE_BYTES = 256 << 10
BLOCK_EVERY = 10
BURN_ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"
# The payments must keep coming until one is refused; the wait gives up only if none is answered
# for this long.
PAYMENTS_IDLE_TIMEOUT_S = 60
PR_SET_PDEATHSIG = 1


def die_with_parent():
    """In the helper: SIGKILL when the test process ends, however it ends, so that the namespace
    and its tmpfs go with it."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class Namespace:
    """A mount namespace with a tmpfs over `path`, held by a sleeping helper process."""

    def __init__(self, path):
        self.path = path
        self.proc = subprocess.Popen(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             f'mount -t tmpfs -o size={TMPFS_SIZE} tmpfs "{path}" && echo ready && exec sleep 100000'],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=die_with_parent)
        line = self.proc.stdout.readline().strip()
        if line != "ready":
            self.close()
            raise RuntimeError(f"cannot mount a tmpfs in a new mount namespace: {self.proc.stderr.read().strip()}")

    def prefix(self):
        return ["nsenter", "-t", str(self.proc.pid), "-m", "--"]

    def inside(self, name):
        """A path within the tmpfs, as seen from this (outer) namespace."""
        return f"/proc/{self.proc.pid}/root{self.path}/{name}"

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def fill(path, leave):
    """Writes zeros until the filesystem has only `leave` bytes free; returns the bytes written."""
    written = 0
    with open(path, "wb", buffering=0) as f:
        while True:
            st = os.statvfs(path)
            free = st.f_bavail * st.f_frsize
            if free <= leave:
                return written
            written += f.write(b"\0" * min(FILL_CHUNK, free - leave))


def body(r, opts, tmp):
    datadir = os.path.join(tmp, "node")
    wallets = os.path.join(datadir, "regtest", "wallets")
    os.makedirs(wallets)
    ns = node = None
    try:
        ns = Namespace(wallets)
        # nsenter starts the node in the namespace's root folder: a relative path would not resolve.
        node = NodeProcess(os.path.abspath(opts.tonari), datadir, ["-connect=0"], command_prefix=ns.prefix())
        node.start()
        node.call("createwallet", "w")
        node.extra_args.append("-wallet=w")
        node.call("generatetoaddress", 110, node.call("getnewaddress"))
        r.check(os.path.isdir(ns.inside("w")), "the wallet lives on the small tmpfs")

        # RocksDB reserves room for its log ahead of the writes (fallocate) while there is room:
        # a disk that fills under a running wallet is felt only once that reserve is used up,
        # megabytes later. So the disk is filled while the node is stopped, to FREE_BYTES, and
        # the wallet meets the end of the space within a few hundred payments.
        node.call("stop")
        r.check(node.wait_exit(timeout=120) == 0, "the funded node stops cleanly")
        filled = fill(ns.inside("filler"), FREE_BYTES)
        print(f"filled the wallet tmpfs with {filled} bytes, {FREE_BYTES} left")
        node.start()

        acknowledged = {"addresses": set(), "txids": set()}
        refusals = []
        stop = threading.Event()

        def pay():
            i = 0
            while not stop.is_set():
                try:
                    address = node.call("getnewaddress")
                    acknowledged["addresses"].add(address)
                    acknowledged["txids"].add(node.call("sendtoaddress", address, 0.01))
                    i += 1
                    if i % BLOCK_EVERY == 0:
                        node.call("generatetoaddress", 1, BURN_ADDRESS)
                except RpcError as e:
                    refusals.append(e)
                    return

        payer = threading.Thread(target=pay, daemon=True)
        payer.start()
        refused = wait_while_progressing(lambda: refusals or not payer.is_alive(),
                                         lambda: len(acknowledged["txids"]), PAYMENTS_IDLE_TIMEOUT_S)
        stop.set()
        payer.join()
        r.check(refused and refusals, "a wallet write on the full disk is refused")
        if refusals:
            message = refusals[0].message
            print(f"refusal: {refusals[0].code}: {message}")
            r.check("No space left on device" in message,
                    f"the refusal says the disk is full: {message!r}")
        print(f"acknowledged before the refusal: {len(acknowledged['txids'])} payments, "
              f"{len(acknowledged['addresses'])} addresses")

        # The node serves on; the wallet answers reads and refuses changes.
        r.check(node.running(), "the node is still running")
        height = node.call("getblockcount")
        node.call("generatetoaddress", 1, BURN_ADDRESS)
        r.check(node.call("getblockcount") == height + 1, "the node still mines and connects blocks")
        balance = node.call("getbalance")
        r.check(balance > 0, f"the wallet still answers reads (balance {balance})")
        try:
            node.call("getnewaddress")
            r.check(False, "a failed wallet refuses new addresses")
        except RpcError as e:
            r.check("No space left on device" in e.message and "restart the node" in e.message,
                    f"a failed wallet refuses new addresses, says why and what to do: {e.message!r}")
        log = (node.net_dir / "debug.log").read_text(errors="replace")
        lines = [line for line in log.splitlines() if "Error: wallet 'w' cannot write" in line]
        r.check(len(lines) == 1 and "No space left on device" in lines[0] and "restart" in lines[0],
                "the log says once that the wallet cannot write, why, and what to do")
        for line in lines:
            print(line)

        node.call("stop")
        status = node.wait_exit(timeout=120)
        r.check(status == 0, f"the node stops cleanly with the wallet failed (status {status})")

        # Space freed: same data directory, no -reindex.
        os.remove(ns.inside("filler"))
        node.start()
        for txid in sorted(acknowledged["txids"]):
            try:
                node.call("gettransaction", txid)
            except RpcError as e:
                r.check(False, f"acknowledged payment {txid} is still in the wallet ({e.message})")
                break
        else:
            r.check(True, f"all {len(acknowledged['txids'])} acknowledged payments are in the wallet")
        fresh = node.call("getnewaddress")
        r.check(fresh not in acknowledged["addresses"], "a new address is none of those handed out before")
        confirmed = node.call("getbalance", "*", 1)
        outputs = sum((u["amount"] for u in node.call("listunspent", 1)), decimal.Decimal(0))
        r.check(confirmed == outputs, f"confirmed balance {confirmed} = its confirmed outputs {outputs}")
        txid = node.call("sendtoaddress", fresh, 0.5)
        node.call("generatetoaddress", 1, fresh)
        r.check(node.call("gettransaction", txid)["confirmations"] == 1, "the wallet pays again and sees it confirmed")
    finally:
        if node:
            node.kill()
        if ns:
            ns.close()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-walletfull-"))
