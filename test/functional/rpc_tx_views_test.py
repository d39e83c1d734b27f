#!/usr/bin/env python3
"""What the node says about one transaction and its coins, as Bitcoin Core says it.

gettxout looks through the mempool by default (include_mempool): a coin a mempool transaction
spends is gone (null), an output a mempool transaction creates is there with 0 confirmations;
with include_mempool false the chain's view comes back. getblockchaininfo's
initialblockdownload follows Core's test (a tip more than a day old). getrawtransaction verbosity 2 with the
block hash gives the fee and each input's prevout from the block's undo data (the coinbase has
neither), and they agree with getblock verbosity 3. testmempoolaccept reports missing inputs
as "missing-inputs" without details, and other refusals with their reject-details.
"""
import os
import sys
from decimal import Decimal

from checks import run_test
from node_process import NodeProcess
from op_true_coins import OP_TRUE_SCRIPT, P2WSH_OP_TRUE, mined_coins, spend


def body(r, opts, tmp):
    node = NodeProcess(opts.tonari, os.path.join(tmp, "n"), ["-connect=0", "-listen=0"])
    try:
        node.start()
        r.check(node.call("getblockchaininfo")["initialblockdownload"] is True,
                "a fresh node (tip: the 2011 genesis) is in initial block download, as Core")
        address = node.call("decodescript", OP_TRUE_SCRIPT.hex())["segwit"]["address"]
        node.call("generatetoaddress", 110, address)
        r.check(node.call("getblockchaininfo")["initialblockdownload"] is False, "with a fresh tip it is not")
        (coin, value) = mined_coins(node, 1, 1)[0]
        tx_hex, _ = spend(coin, [(value - 10_000, P2WSH_OP_TRUE)])
        txid = node.call("sendrawtransaction", tx_hex)

        # --- gettxout through the mempool ---
        r.check(node.call("gettxout", coin[0], 0) is None, "a coin spent in the mempool: null (include_mempool)")
        chain_view = node.call("gettxout", coin[0], 0, False)
        r.check(chain_view is not None and chain_view["confirmations"] == 110, "include_mempool false: the chain's coin")
        created = node.call("gettxout", txid, 0)
        r.check(created is not None and created["confirmations"] == 0 and
                created["value"] == Decimal(value - 10_000) / 100_000_000, f"a mempool output: 0 confirmations: {created}")
        r.check(node.call("gettxout", txid, 0, False) is None, "... and not in the chain's view")

        # --- testmempoolaccept reasons ---
        missing, _ = spend(("22" * 32, 0), [(1000, P2WSH_OP_TRUE)])
        res = node.call("testmempoolaccept", [missing])[0]
        r.check(res["reject-reason"] == "missing-inputs" and "reject-details" not in res,
                f"unknown inputs: missing-inputs, no details: {res}")
        res = node.call("testmempoolaccept", [tx_hex])[0]
        r.check(res["reject-reason"] == "txn-already-in-mempool" and res.get("reject-details") == "txn-already-in-mempool",
                f"other refusals carry reject-details: {res}")

        # --- getrawtransaction verbosity 2 from a block ---
        block_hash = node.call("generatetoaddress", 1, address)[0]
        v2 = node.call("getrawtransaction", txid, 2, block_hash)
        r.check(v2["fee"] == Decimal(10_000) / 100_000_000, f"verbosity 2: the fee: {v2.get('fee')}")
        prevout = v2["vin"][0].get("prevout")
        r.check(prevout is not None and prevout["height"] == 1 and prevout["generated"] is True and
                prevout["value"] == Decimal(value) / 100_000_000, f"verbosity 2: the coin spent: {prevout}")
        keys = list(v2["vin"][0])
        r.check(keys.index("prevout") == keys.index("sequence") - 1, f"prevout just before sequence: {keys}")
        from_block = node.call("getblock", block_hash, 3)["tx"][1]
        r.check(from_block["fee"] == v2["fee"] and from_block["vin"][0]["prevout"] == prevout,
                "the same as getblock verbosity 3")
        v1 = node.call("getrawtransaction", txid, 1, block_hash)
        r.check("fee" not in v1 and "prevout" not in v1["vin"][0], "verbosity 1: neither")
        coinbase = node.call("getblock", block_hash, 1)["tx"][0]
        cb = node.call("getrawtransaction", coinbase, 2, block_hash)
        r.check("fee" not in cb and "prevout" not in cb["vin"][0], "the coinbase: neither")
    finally:
        if r.failures:
            print(node.log_tail(20))
        node.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-txviews-"))
