#!/usr/bin/env python3
"""Tonari and bcoin (a full Bitcoin node in JavaScript, written by other people) on one
regtest network over the real P2P protocol:
1. bcoin mines 600 blocks; a fresh tonari node connected to it syncs them, same tip hash.
   tonari tries BIP324 v2 first (its default) and falls back to v1, which bcoin speaks.
2. tonari mines 120 blocks; bcoin accepts them and reports tonari's tip.
3. A transaction from tonari's wallet reaches bcoin's mempool; a transaction handed to bcoin
   (signed by a second tonari node that has no peers) reaches tonari's mempool; one block
   mined by bcoin holds both.
4. A competing fork: both sides mine on their own tips while disconnected; reconnected, both
   converge on the most-work chain.
bcoin comes from npm (test/interop/package.json); its regtest activates segwit by BIP9
signalling, so witness transactions wait until 600 blocks are behind us.
"""
import argparse
import base64
import json
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "functional"))
from checks import Checks  # noqa: E402
from node_process import NodeProcess, free_port  # noqa: E402

BCOIN_MINER_ADDRESS = "RHMfbzGEdAZp7Uo19TvsXa3RjSLdtzgm7n"  # any bcoin-regtest P2PKH address


def wait_until(pred, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if pred():
                return True
        except OSError:
            pass
        time.sleep(step)
    return False


def debug_log(node):
    path = node.net_dir / "debug.log"
    return path.read_text(errors="replace") if path.exists() else ""


class Bcoin:
    def __init__(self, workdir):
        self.prefix = pathlib.Path(workdir)
        self.port = free_port()
        self.http_port = free_port()
        self.key = "tonari-interop"
        self.proc = None
        self.log = None

    def start(self):
        self.log = open(self.prefix / "bcoin.log", "ab")
        self.proc = subprocess.Popen(
            ["node", str(HERE / "node_modules/bcoin/bin/node"), "--network=regtest", f"--prefix={self.prefix}",
             f"--port={self.port}", f"--http-port={self.http_port}", f"--api-key={self.key}", "--no-wallet",
             "--listen=true", "--public-host=127.0.0.1", "--upnp=false", "--log-level=warning"],
            stdout=self.log, stderr=self.log)
        if not wait_until(lambda: self.call("getblockcount") is not None, 60):
            raise RuntimeError("bcoin did not answer RPC")
        # Its P2P port opens only once its address discovery gives up (INTEROP.md).
        if not wait_until(self.port_open, 60, 0.2):
            raise RuntimeError("bcoin's P2P port did not open")

    def port_open(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=1):
            return True

    def call(self, method, *params):
        body = json.dumps({"method": method, "params": list(params)}).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.http_port}/", data=body)
        req.add_header("Authorization", "Basic " + base64.b64encode(f"x:{self.key}".encode()).decode())
        with urllib.request.urlopen(req, timeout=120) as resp:
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tonari", required=True)
    opts = ap.parse_args()
    r = Checks(opts.tonari)
    if shutil.which("node") is None or not (HERE / "node_modules/bcoin").exists():
        print("FAIL: bcoin is not installed (scripts/install-deps runs npm ci in test/interop)")
        return 1
    with tempfile.TemporaryDirectory(prefix="tonari-bcoin-") as tmp:
        bcoin = Bcoin(tmp)
        tonari = NodeProcess(opts.tonari, f"{tmp}/tonari", ["-debug=net", "-connect=0", "-listen=1"])
        spender = None
        try:
            bcoin.start()
            # 1. bcoin mines 600 blocks; tonari syncs them from it.
            bcoin.call("generatetoaddress", 600, BCOIN_MINER_ADDRESS)
            bcoin_tip = bcoin.call("getbestblockhash")
            tonari.start()
            peer = f"127.0.0.1:{bcoin.port}"
            tonari.call("addnode", peer, "add")
            start = time.monotonic()
            synced = wait_until(lambda: tonari.call("getbestblockhash") == bcoin_tip, 120)
            r.check(synced, "tonari syncs bcoin's 600 blocks and reports the same tip")
            print(f"tonari synced 600 blocks from bcoin in {time.monotonic() - start:.2f} s")
            peers = tonari.call("getpeerinfo")
            r.check(len(peers) == 1 and "bcoin" in peers[0]["subver"], f"tonari's peer is bcoin: {peers}")
            # tonari has -v2transport on: it dialled bcoin (v1 only) with a BIP324 key first, saw
            # the v1 answer and dialled again in v1.
            r.check(len(peers) == 1 and peers[0]["transport_protocol_type"] == "v1" and peers[0]["session_id"] == "",
                    "the connection to bcoin is v1")
            r.check("dialling again in plain" in debug_log(tonari),
                    "tonari tried BIP324 first and fell back to v1 for bcoin")

            # 2. tonari mines; bcoin follows.
            tonari.call("createwallet", "w")
            addr = tonari.call("getnewaddress")
            tonari_tip = tonari.call("generatetoaddress", 120, addr)[-1]
            r.check(wait_until(lambda: bcoin.call("getbestblockhash") == tonari_tip, 60),
                    "bcoin accepts tonari's 120 blocks and reports tonari's tip")

            # 3. Transactions both ways, confirmed together.
            to_bcoin = tonari.call("sendtoaddress", tonari.call("getnewaddress"), 1)
            r.check(wait_until(lambda: to_bcoin in bcoin.call("getrawmempool"), 60),
                    "a transaction from tonari's wallet reaches bcoin's mempool")
            # A second tonari node with no peers at all signs a payment that only bcoin is
            # handed, so the one way for the first tonari node to learn of it is from bcoin.
            spender = NodeProcess(opts.tonari, f"{tmp}/spender", ["-connect=0", "-listen=0"])
            spender.start()
            for h in range(1, tonari.call("getblockcount") + 1):
                spender.call("submitblock", tonari.call("getblock", tonari.call("getblockhash", h), 0))
            spender.call("createwallet", "s")
            s_addr = spender.call("getnewaddress")
            spender.call("generatetoaddress", 101, s_addr)
            r.check(spender.call("getblockcount") == tonari.call("getblockcount") + 101, "the spender extends the chain")
            # Its blocks (holding its coins) go to bcoin, which relays them to tonari.
            for h in range(tonari.call("getblockcount") + 1, spender.call("getblockcount") + 1):
                block_hex = spender.call("getblock", spender.call("getblockhash", h), 0)
                bcoin.call("submitblock", block_hex)
            branch_tip = spender.call("getbestblockhash")
            r.check(wait_until(lambda: tonari.call("getbestblockhash") == branch_tip, 60),
                    "blocks submitted to bcoin reach tonari over P2P")
            from_bcoin = spender.call("sendtoaddress", addr, 2)
            raw = spender.call("getrawtransaction", from_bcoin)
            bcoin.call("sendrawtransaction", raw)
            r.check(wait_until(lambda: from_bcoin in tonari.call("getrawmempool"), 60),
                    "a transaction bcoin relays reaches tonari's mempool")
            r.check(to_bcoin in bcoin.call("getrawmempool") or to_bcoin in tonari.call("getrawmempool"),
                    "tonari's own transaction is still waiting")
            mined = bcoin.call("generatetoaddress", 1, BCOIN_MINER_ADDRESS)[0]
            r.check(wait_until(lambda: tonari.call("getbestblockhash") == mined, 60), "tonari follows bcoin's block")
            txs = tonari.call("getblock", mined, 1)["tx"]
            r.check(to_bcoin in txs and from_bcoin in txs, "one block holds both transactions")
            r.check(tonari.call("getrawmempool") == [], "tonari's mempool is empty after the block")

            # 4. A fork while apart; reconnected, both take the most-work chain.
            tonari.call("addnode", peer, "remove")
            tonari.call("disconnectnode", peer)
            r.check(wait_until(lambda: tonari.call("getconnectioncount") == 0, 30), "tonari and bcoin disconnected")
            tonari.call("generatetoaddress", 3, addr)
            bcoin.call("generatetoaddress", 5, BCOIN_MINER_ADDRESS)
            r.check(tonari.call("getbestblockhash") != bcoin.call("getbestblockhash"), "two competing tips")
            tonari.call("addnode", peer, "add")
            best = bcoin.call("getbestblockhash")
            r.check(wait_until(lambda: tonari.call("getbestblockhash") == best, 60),
                    "reconnected, tonari reorganises onto bcoin's longer chain")
            # And the other way: tonari's chain becomes the longer one.
            tip = tonari.call("generatetoaddress", 4, addr)[-1]
            r.check(wait_until(lambda: bcoin.call("getbestblockhash") == tip, 60),
                    "bcoin follows when tonari's chain has the most work")
        finally:
            for n in (tonari, spender):
                if n is not None and n.running():
                    try:
                        n.call("stop")
                        n.wait_exit(30)
                    except Exception:
                        pass
                if n is not None:
                    n.kill()
            bcoin.stop()
    return r.finish()


if __name__ == "__main__":
    sys.exit(main())
