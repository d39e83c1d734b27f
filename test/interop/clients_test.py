#!/usr/bin/python3
"""Independent Bitcoin clients drive a `tonari node` on regtest:

- python3-bitcoinlib (Debian's package, written by other people) talks to it through
  `bitcoin.rpc.Proxy`: its typed methods decode our blocks and transactions with its own
  parsers, and its wallet calls fund the rest of the test.
- bitcoinjs-lib (npm) builds and signs, with its own code and keys, a P2TR key-path spend and
  a 2-of-3 P2WSH spend of outputs our wallet funded; the node accepts and mines both. Then a
  replacement (full RBF): two bitcoinjs spends of the same output, the richer one wins.

Runs with Debian's /usr/bin/python3 (the only one that sees python3-bitcoinlib).
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "functional"))

from checks import Checks  # noqa: E402
from node_process import NodeProcess  # noqa: E402

import bitcoin  # noqa: E402  (python3-bitcoinlib)
import bitcoin.rpc  # noqa: E402
from bitcoin.core import COIN, CTransaction, b2lx, lx, x  # noqa: E402


def js(*args):
    out = subprocess.run(["node", str(HERE / "bitcoinjs_tool.js"), *args], capture_output=True, text=True,
                         timeout=60, cwd=HERE)
    if out.returncode != 0:
        raise RuntimeError(f"bitcoinjs_tool {args[0]} failed: {out.stderr}")
    return json.loads(out.stdout)


def find_vout(proxy, txid, address):
    # No -txindex: the wallet that paid it knows the transaction.
    tx = proxy.call("decoderawtransaction", proxy.call("gettransaction", txid)["hex"])
    for out in tx["vout"]:
        if out["scriptPubKey"].get("address") == address:
            return out["n"], int(round(float(out["value"]) * COIN))
    raise RuntimeError(f"{address} not paid by {txid}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tonari", required=True)
    opts = ap.parse_args()
    if not (HERE / "node_modules" / "bitcoinjs-lib").exists():
        print("FAIL: test/interop/node_modules is missing: run scripts/install-deps (npm ci in test/interop)")
        return 1
    r = Checks(opts.tonari)
    with tempfile.TemporaryDirectory(prefix="tonari-interop-") as tmp:
        node = NodeProcess(opts.tonari, tmp)
        node.start()
        try:
            run(r, node)
        finally:
            node.kill()
    return r.finish()


def run(r, node):
    bitcoin.SelectParams("regtest")
    cookie = (node.net_dir / ".cookie").read_text().strip()
    proxy = bitcoin.rpc.Proxy(service_url=f"http://{cookie}@127.0.0.1:{node.rpc_port}")

    # --- python3-bitcoinlib's typed calls ---------------------------------------------
    proxy.call("createwallet", "interop")
    address = proxy.call("getnewaddress")
    hashes = proxy.call("generatetoaddress", 101, address)
    r.check(proxy.getblockcount() == 101, "bitcoinlib getblockcount: 101")
    best = proxy.getbestblockhash()
    r.check(b2lx(best) == hashes[-1], "bitcoinlib getbestblockhash decodes our hash")
    block = proxy.getblock(best)  # bitcoinlib parses our serialized block itself
    r.check(b2lx(block.GetHash()) == hashes[-1] and len(block.vtx) == 1 and block.vtx[0].is_coinbase(),
            "bitcoinlib parses our block: its own hash matches, one coinbase")
    r.check(proxy.getblockhash(1) == lx(hashes[0]), "bitcoinlib getblockhash")
    header = proxy.getblockheader(best)
    r.check(b2lx(header.GetHash()) == hashes[-1], "bitcoinlib getblockheader")
    r.check(proxy.getbalance() == 50 * COIN, f"bitcoinlib getbalance: 50 BTC in satoshis (got {proxy.getbalance()})")
    info = proxy.getmininginfo()
    r.check(info["blocks"] == 101, "bitcoinlib getmininginfo")
    r.check(proxy.validateaddress(address)["isvalid"] is True, "bitcoinlib validateaddress")

    # --- bitcoinjs-lib: P2TR key path and 2-of-3 P2WSH spends of wallet-funded outputs ----
    addrs = js("addresses")
    fund_tr = proxy.call("sendtoaddress", addrs["p2tr"], 1)
    fund_ms = proxy.call("sendtoaddress", addrs["p2wsh"], 2)
    mempool = proxy.getrawmempool()
    r.check({lx(fund_tr), lx(fund_ms)} <= set(mempool), "bitcoinlib getrawmempool lists both fundings")
    fund_tx = proxy.getrawtransaction(lx(fund_tr))  # bitcoinlib parses our mempool transaction
    r.check(isinstance(fund_tx, CTransaction) and b2lx(fund_tx.GetTxid()) == fund_tr,
            "bitcoinlib getrawtransaction parses a mempool transaction to the same txid")
    proxy.call("generatetoaddress", 1, address)
    r.check(proxy.getrawmempool() == [], "the fundings are mined")

    back = proxy.call("getnewaddress")
    vout, value = find_vout(proxy, fund_tr, addrs["p2tr"])
    tr_hex = js("spend-p2tr", json.dumps({"txid": fund_tr, "vout": vout, "value": value, "to": back, "fee": 2000}))["tx"]
    vout, value = find_vout(proxy, fund_ms, addrs["p2wsh"])
    ms_hex = js("spend-p2wsh", json.dumps({"txid": fund_ms, "vout": vout, "value": value, "to": back, "fee": 3000}))["tx"]
    tr_txid = proxy.sendrawtransaction(CTransaction.deserialize(x(tr_hex)))
    r.check(tr_txid is not None, "the node accepts bitcoinjs's P2TR key-path spend")
    ms_txid = proxy.call("sendrawtransaction", ms_hex)
    r.check(ms_txid in proxy.call("getrawmempool"), "the node accepts bitcoinjs's 2-of-3 P2WSH spend")
    mined = proxy.call("generatetoaddress", 1, address)[0]
    block = proxy.call("getblock", mined)
    r.check(b2lx(tr_txid) in block["tx"] and ms_txid in block["tx"], "both spends are mined in the next block")

    # --- replace-by-fee with transactions signed elsewhere ------------------------------
    fund = proxy.call("sendtoaddress", addrs["p2tr"], 1)
    proxy.call("generatetoaddress", 1, address)
    vout, value = find_vout(proxy, fund, addrs["p2tr"])
    spend = {"txid": fund, "vout": vout, "value": value, "to": back}
    first = proxy.call("sendrawtransaction", js("spend-p2tr", json.dumps({**spend, "fee": 1000}))["tx"])
    cheaper = js("spend-p2tr", json.dumps({**spend, "fee": 900}))["tx"]
    try:
        proxy.call("sendrawtransaction", cheaper)
        r.fail("a cheaper conflicting spend was accepted")
    except bitcoin.rpc.JSONRPCError as e:
        r.check(e.error["code"] == -26 and "insufficient fee" in e.error["message"],
                f"a cheaper double spend is refused: -26 insufficient fee ({e.error})")
    second = proxy.call("sendrawtransaction", js("spend-p2tr", json.dumps({**spend, "fee": 5000}))["tx"])
    pool = proxy.call("getrawmempool")
    r.check(second in pool and first not in pool, "the richer spend replaces the first (full RBF)")
    mined = proxy.call("generatetoaddress", 1, address)[0]
    r.check(second in proxy.call("getblock", mined)["tx"], "the replacement is mined")


if __name__ == "__main__":
    sys.exit(main())
