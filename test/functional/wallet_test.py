#!/usr/bin/env python3
"""One regtest node used the way a Bitcoin Core user would: two HD wallets, 101 blocks mined to
wallet A, 1 BTC sent from A to a fresh address of wallet B, the transaction in the mempool,
a block that confirms it, `invalidateblock` sending it back to the mempool and
`reconsiderblock` confirming it again, bad raw transactions refused with Core's codes while
the node keeps running, and a restart that keeps both wallets' balances.
"""
import argparse
import decimal
import sys
import tempfile

from checks import Checks
from node_process import NodeProcess, RpcError

D = decimal.Decimal


def rpc_error(fn, *args):
    try:
        fn(*args)
    except RpcError as e:
        return e.code, e.message
    return None, None


class Wallets:
    """Calls on /wallet/<name>, as bitcoin-cli -rpcwallet does."""

    def __init__(self, node):
        self.node = node

    def call(self, wallet, method, *params):
        import json
        body = json.dumps({"jsonrpc": "1.0", "id": 1, "method": method, "params": list(params)})
        status, text = self.node.http(body, {"Authorization": self.node.auth_header()}, path=f"/wallet/{wallet}")
        reply = json.loads(text, parse_float=D)
        if reply.get("error"):
            raise RpcError(reply["error"]["code"], reply["error"]["message"])
        return reply["result"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tonari", required=True)
    ap.add_argument("--data", required=False)
    opts = ap.parse_args()
    r = Checks(opts.tonari)
    with tempfile.TemporaryDirectory(prefix="tonari-wallet-") as tmp:
        node = NodeProcess(opts.tonari, tmp)
        node.start()
        try:
            run(r, node)
        finally:
            node.kill()
    return r.finish()


def run(r, node):
    w = Wallets(node)
    r.check(node.call("createwallet", "alice")["name"] == "alice", "createwallet alice")
    r.check(node.call("createwallet", "bob")["name"] == "bob", "createwallet bob")
    code, _ = rpc_error(node.call, "getbalance")
    r.check(code == -19, f"two wallets loaded and none named: -19 (got {code})")

    mine_to = w.call("alice", "getnewaddress")
    r.check(mine_to.startswith("bcrt1q"), f"getnewaddress gives a BIP84 address ({mine_to})")
    node.call("generatetoaddress", 101, mine_to)
    r.check(w.call("alice", "getbalance") == D("50.00000000"), "alice has one mature coinbase: 50 BTC")
    bal = w.call("alice", "getbalances")["mine"]
    r.check(bal["immature"] == D("5000.00000000"), f"100 immature coinbases (got {bal['immature']})")

    # Alice pays Bob 1 BTC.
    to_bob = w.call("bob", "getnewaddress")
    txid = w.call("alice", "sendtoaddress", to_bob, 1)
    r.check(txid in node.call("getrawmempool"), "the payment is in the mempool")
    entry = node.call("getmempoolentry", txid)
    r.check(entry["fees"]["base"] > 0, "it pays a fee")
    r.check(w.call("bob", "getbalances")["mine"]["untrusted_pending"] == D("1.00000000"),
            "bob sees 1 BTC pending")
    r.check(w.call("bob", "getbalance") == 0, "and nothing confirmed yet")
    info = node.call("getmempoolinfo")
    r.check(info["size"] == 1 and info["bytes"] == entry["vsize"], "getmempoolinfo counts it")

    block = node.call("generatetoaddress", 1, mine_to)[0]
    r.check(node.call("getrawmempool") == [], "mining empties the mempool")
    r.check(w.call("bob", "getbalance") == D("1.00000000"), "bob's balance is 1 BTC")
    txs = w.call("bob", "listtransactions")
    r.check(len(txs) == 1 and txs[0]["category"] == "receive" and txs[0]["confirmations"] == 1 and
            txs[0]["amount"] == D("1.00000000") and txs[0]["blockhash"] == block,
            f"bob's listtransactions: one receive, 1 confirmation ({txs})")
    sent = w.call("alice", "gettransaction", txid)
    r.check(sent["confirmations"] == 1 and sent["amount"] == D("-1.00000000") and sent["fee"] < 0,
            "alice's gettransaction: -1 BTC, a negative fee, 1 confirmation")
    raw = node.call("getrawtransaction", txid, 1, block)
    r.check(raw["txid"] == txid and raw["confirmations"] == 1, "getrawtransaction finds it in its block")

    # A reorganisation by hand: the transaction goes back to the mempool, then is mined again.
    node.call("invalidateblock", block)
    r.check(node.call("getblockcount") == 101, "invalidateblock rolls the tip back")
    r.check(txid in node.call("getrawmempool"), "the payment is back in the mempool")
    r.check(w.call("bob", "getbalance") == 0 and
            w.call("bob", "getbalances")["mine"]["untrusted_pending"] == D("1.00000000"),
            "bob's 1 BTC is pending again")
    node.call("reconsiderblock", block)
    r.check(node.call("getbestblockhash") == block, "reconsiderblock restores the block")
    r.check(node.call("getrawmempool") == [], "and the mempool is empty again")
    r.check(w.call("bob", "getbalance") == D("1.00000000"), "bob's balance is confirmed again")

    # Bad input: each refused with Core's code, the node carries on.
    utxo = w.call("alice", "listunspent")[0]
    dust = node.call("createrawtransaction", [{"txid": utxo["txid"], "vout": utxo["vout"]}], [{to_bob: "0.00000100"}])
    code, msg = rpc_error(node.call, "sendrawtransaction", dust)
    r.check(code == -26 and msg.startswith("dust"), f"a dust output: -26 dust (got {code} {msg})")
    spent = node.call("getblock", node.call("getblockhash", 1))["tx"][0]
    double = node.call("createrawtransaction", [{"txid": spent, "vout": 0}], [{to_bob: 1}])
    node.call("generatetoaddress", 1, mine_to)
    code, msg = rpc_error(node.call, "sendrawtransaction", double)
    r.check(code in (-25, -26), f"spending a coin twice or without a signature is refused (got {code} {msg})")
    code, msg = rpc_error(node.call, "sendrawtransaction", "00")
    r.check(code == -22, f"undecodable hex: -22 (got {code})")
    code, msg = rpc_error(w.call, "alice", "sendtoaddress", "bcrt1qnotanaddress", 1)
    r.check(code == -5, f"invalid address: -5 (got {code} {msg})")
    code, msg = rpc_error(w.call, "alice", "sendtoaddress", to_bob, 100000)
    r.check(code == -6, f"more than the balance: -6 (got {code} {msg})")
    r.check(node.call("getblockcount") == 103, "the node is still answering")

    # A restart keeps both wallets and their balances.
    before_alice = w.call("alice", "getbalance")
    node.call("stop")
    r.check(node.wait_exit() == 0, "stop exits 0")
    node.start()
    for name in ("alice", "bob"):
        r.check(node.call("loadwallet", name)["name"] == name, f"loadwallet {name} after restart")
    r.check(w.call("bob", "getbalance") == D("1.00000000"), "bob still has 1 BTC after the restart")
    r.check(w.call("alice", "getbalance") == before_alice, f"alice still has {before_alice} after the restart")
    r.check(w.call("bob", "getnewaddress") != to_bob, "a restarted wallet never hands out a used address again")


if __name__ == "__main__":
    sys.exit(main())
