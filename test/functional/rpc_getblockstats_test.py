#!/usr/bin/env python3
"""Block statistics and chain RPC fields, checked against Bitcoin Core's own answers.

Core's rpc_getblockstats.json holds a regtest chain of 104 blocks made by Core and Core's
getblockstats answers for heights 101-103. The blocks are submitted to a fresh node; every
statistic of every listed block must match, asked by height, by hash, and one statistic at a
time, and the errors must be Core's. On the same chain: getblock verbosity 2 and 3 carry each
transaction's fee (they must add up to getblockstats' totalfee) and at 3 the coins spent;
coinbase_tx, target (getblockheader, getblockchaininfo, getmininginfo), getmininginfo's next
block and getnetworkhashps are present with Core's values; gettxoutsetinfo's MuHash equals a
MuHash computed here, independently, over the UTXO set rebuilt from the blocks.
"""
import hashlib
import json
import os
import struct
import sys
from decimal import Decimal

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

from checks import run_test
from node_process import NodeProcess, RpcError

REGTEST_TARGET = "7fffff0000000000000000000000000000000000000000000000000000000000"
MUHASH_PRIME = 2**3072 - 1103717


def muhash_element(data):
    """Core's test_framework MuHash: ChaCha20 keystream (key SHA256(data), nonce 0) as a number."""
    key = hashlib.sha256(data).digest()
    stream = Cipher(algorithms.ChaCha20(key, b"\x00" * 16), mode=None).encryptor().update(b"\x00" * 384)
    return int.from_bytes(stream, "little")


def muhash_digest(elements):
    acc = 1
    for e in elements:
        acc = acc * muhash_element(e) % MUHASH_PRIME
    return hashlib.sha256(acc.to_bytes(384, "little")).digest()[::-1].hex()


def compact_size(n):
    if n < 0xfd:
        return bytes([n])
    if n <= 0xffff:
        return b"\xfd" + struct.pack("<H", n)
    return b"\xfe" + struct.pack("<I", n)


def sats(value):
    return int(Decimal(value) * 100_000_000)


def expect_error(r, fn, code, message, what):
    try:
        fn()
        r.check(False, f"{what}: no error")
    except RpcError as e:
        r.check(e.code == code and message in e.message, f"{what}: got {e.code} {e.message!r}")


def utxo_elements(node):
    """The UTXO set rebuilt from getblock verbosity 2 of every block after genesis, serialized
    as Core's TxOutSer (txid, n, height*2+coinbase, value, script)."""
    coins = {}
    for height in range(1, node.call("getblockcount") + 1):
        block = node.call("getblock", node.call("getblockhash", height), 2)
        for i, tx in enumerate(block["tx"]):
            for vin in tx["vin"]:
                if "coinbase" not in vin:
                    coins.pop((vin["txid"], vin["vout"]), None)
            for out in tx["vout"]:
                script = bytes.fromhex(out["scriptPubKey"]["hex"])
                if script[:1] == b"\x6a" or len(script) > 10000:
                    continue
                coins[(tx["txid"], out["n"])] = (height, i == 0, sats(out["value"]), script)
    elements = []
    for (txid, n), (height, coinbase, value, script) in coins.items():
        elements.append(bytes.fromhex(txid)[::-1] + struct.pack("<I", n) + struct.pack("<I", height * 2 + coinbase)
                        + struct.pack("<q", value) + compact_size(len(script)) + script)
    return elements


def body(r, opts, tmp):
    with open(os.path.join(opts.data, "bitcoin-core", "rpc_getblockstats.json")) as f:
        data = json.load(f)
    node = NodeProcess(opts.tonari, os.path.join(tmp, "n"), ["-connect=0", "-listen=0"])
    try:
        node.start()
        for block in data["blocks"][1:]:
            result = node.call("submitblock", block)
            if result not in (None, "duplicate"):
                r.fail(f"submitblock refused a block of Core's chain: {result}")
                return
        r.check(node.call("getblockcount") == 103, "Core's 103-block chain loaded")

        # --- getblockstats: Core's answers, whole, by hash, one stat at a time ---
        expected = data["stats"]
        for exp in expected:
            got = node.call("getblockstats", exp["height"])
            r.check(got == exp, f"height {exp['height']}: every statistic as Core "
                                f"({sorted(k for k in exp if got.get(k) != exp[k])} differ)")
            r.check(node.call("getblockstats", exp["blockhash"]) == exp, f"height {exp['height']} by hash")
            r.check(list(got.keys()) == sorted(exp.keys(), key=list(got.keys()).index), "keys in Core's order")
            for stat, value in exp.items():
                single = node.call("getblockstats", exp["height"], [stat])
                if list(single.keys()) != [stat] or single[stat] != value:
                    r.fail(f"height {exp['height']} stat {stat} alone: {single}")
        two = node.call("getblockstats", 1, ["minfee", "maxfee"])
        r.check(list(two.keys()) == ["maxfee", "minfee"], "a filter returns exactly its stats, sorted")
        genesis = node.call("getblockstats", 0)
        r.check((genesis["utxo_increase"], genesis["utxo_size_inc"], genesis["utxo_increase_actual"],
                 genesis["utxo_size_inc_actual"]) == (1, 116, 0, 0), f"genesis UTXO figures as Core: {genesis}")
        tip = node.call("getblockstats", 103)
        r.check((tip["utxo_increase"], tip["utxo_size_inc"], tip["utxo_increase_actual"],
                 tip["utxo_size_inc_actual"]) == (6, 435, 4, 296), "tip UTXO figures as Core")
        expect_error(r, lambda: node.call("getblockstats", 104), -8, "Target block height 104 after current tip 103",
                     "past the tip")
        expect_error(r, lambda: node.call("getblockstats", -1), -8, "Target block height -1 is negative", "negative")
        expect_error(r, lambda: node.call("getblockstats", 10, ["minfee", "aaaasdfghjkl"]), -8,
                     "Invalid selected statistic 'aaaasdfghjkl'", "unknown statistic")
        expect_error(r, lambda: node.call("getblockstats",
                                          "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"),
                     -5, "Block not found", "mainnet genesis hash")

        # --- getblock 2/3: fees, prevouts, coinbase_tx; header targets ---
        h103 = expected[2]["blockhash"]
        v2 = node.call("getblock", h103, 2)
        v3 = node.call("getblock", h103, 3)
        fees = [sats(tx["fee"]) for tx in v2["tx"][1:]]
        r.check(sum(fees) == expected[2]["totalfee"], f"getblock 2 fees add up to totalfee: {fees}")
        r.check("fee" not in v2["tx"][0], "the coinbase has no fee")
        r.check(all("hex" in tx for tx in v2["tx"]), "verbosity 2 transactions carry hex")
        r.check(all("prevout" not in vin for tx in v2["tx"] for vin in tx["vin"]), "verbosity 2 has no prevout")
        prevouts = [vin.get("prevout") for tx in v3["tx"][1:] for vin in tx["vin"]]
        r.check(all(p and {"generated", "height", "value", "scriptPubKey"} <= set(p) for p in prevouts),
                "verbosity 3: every input's prevout")
        spent = sum(sats(p["value"]) for tx in v3["tx"][1:] for p in (vin["prevout"] for vin in tx["vin"]))
        outs = sum(sats(o["value"]) for tx in v3["tx"][1:] for o in tx["vout"])
        r.check(spent - outs == expected[2]["totalfee"], "prevout values less outputs equal the fees")
        cb = v2["coinbase_tx"]
        r.check(list(cb.keys())[:4] == ["version", "locktime", "sequence", "coinbase"], f"coinbase_tx fields: {cb}")
        r.check(cb["coinbase"] == v2["tx"][0]["vin"][0]["coinbase"], "coinbase_tx.coinbase is the scriptSig")
        keys = list(v2.keys())
        r.check(keys.index("target") == keys.index("bits") + 1 and keys[-5:] == ["strippedsize", "size", "weight",
                                                                                   "coinbase_tx", "tx"],
                f"getblock fields in Core's order: {keys}")
        r.check(v2["target"] == REGTEST_TARGET, "getblock target")
        r.check(node.call("getblockheader", h103)["target"] == REGTEST_TARGET, "getblockheader target")
        r.check(node.call("getblockchaininfo")["target"] == REGTEST_TARGET, "getblockchaininfo target")
        r.check(node.call("getblockchaininfo")["initialblockdownload"] is True,
                "a tip from 2018 is more than a day old: initialblockdownload, as Core")
        r.check(all(out["scriptPubKey"]["desc"].split("#")[0].endswith(")") for tx in v2["tx"] for out in tx["vout"]),
                "every output carries its inferred descriptor")

        # --- mining information ---
        info = node.call("getmininginfo")
        r.check(info["target"] == REGTEST_TARGET and info["next"]["height"] == 104 and
                info["next"]["target"] == REGTEST_TARGET and info["next"]["bits"] == "207fffff",
                f"getmininginfo target and next block: {info}")
        r.check("currentblockweight" not in info, "no template built yet: no currentblockweight (as Core)")
        tmpl = node.call("getblocktemplate", {"rules": ["segwit"]})
        r.check(tmpl["capabilities"] == ["proposal"], "getblocktemplate offers proposals (BIP23)")
        built = node.call("generateblock", node.call("decodescript", "51")["segwit"]["address"], [], False)
        r.check(node.call("getblocktemplate", {"mode": "proposal", "data": built["hex"]}) is None,
                "a valid proposal: null")
        tampered = built["hex"][:72] + ("0" if built["hex"][72] != "0" else "1") + built["hex"][73:]
        r.check(node.call("getblocktemplate", {"mode": "proposal", "data": tampered}) == "bad-txnmrklroot",
                "a proposal with a wrong merkle root: bad-txnmrklroot")
        r.check(node.call("getblocktemplate", {"mode": "proposal", "data": data["blocks"][103]}) == "duplicate",
                "a block already in the chain: duplicate")
        info = node.call("getmininginfo")
        r.check(info.get("currentblockweight") == 8000 and info.get("currentblocktx") == 0,
                f"after an empty template: weight 8000, 0 transactions, as Core: {info}")
        r.check(info["networkhashps"] == node.call("getnetworkhashps"), "networkhashps is getnetworkhashps()")
        r.check(node.call("getnetworkhashps", 120, 0) == 0, "genesis: 0 hashes per second")
        r.check(node.call("getnetworkhashps", -1) > 0, "since the last retarget: a rate")
        expect_error(r, lambda: node.call("getnetworkhashps", 0), -8, "Invalid nblocks", "nblocks 0")
        expect_error(r, lambda: node.call("getnetworkhashps", 10, 500), -8, "Block does not exist at specified height",
                     "height past the tip")

        # --- the UTXO set hashes ---
        mu = node.call("gettxoutsetinfo", "muhash")
        r.check("muhash" in mu and "hash_serialized_3" not in mu, "muhash alone")
        elements = utxo_elements(node)
        r.check(mu["txouts"] == len(elements), f"txouts {mu['txouts']} match the rebuilt set {len(elements)}")
        r.check(mu["muhash"] == muhash_digest(elements), "MuHash equals one computed here over the rebuilt set")
        none = node.call("gettxoutsetinfo", "none")
        r.check("muhash" not in none and "hash_serialized_3" not in none and none["txouts"] == mu["txouts"],
                "hash_type none: the figures, no hash")
        expect_error(r, lambda: node.call("gettxoutsetinfo", "foo hash"), -8, "'foo hash' is not a valid hash_type",
                     "unknown hash type")
        expect_error(r, lambda: node.call("gettxoutsetinfo", "muhash", 10), -8,
                     "Querying specific block heights requires coinstatsindex", "a past height without the index")
    finally:
        if r.failures:
            print(node.log_tail(30))
        node.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-blockstats-"))
