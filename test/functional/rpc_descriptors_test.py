#!/usr/bin/env python3
"""Output descriptors over RPC, checked against Bitcoin Core's own test cases.

getdescriptorinfo and deriveaddresses answer every case of Core's rpc_getdescriptorinfo.py and
rpc_deriveaddresses.py (test/data/bitcoin-core/descriptor_cases.json) with Core's results,
error codes and messages; decodescript answers every entry of Core's rpc_decodescript.json
field for field (desc, p2sh, segwit and its desc included); and the scriptPubKey of a
transaction's outputs carries the inferred descriptor in getrawtransaction, gettxout and
decoderawtransaction, which deriveaddresses turns back into the same address.
"""
import json
import os
import sys

from checks import run_test
from node_process import NodeProcess, RpcError


def is_multipath(desc):
    # "<a;b>" paths are not supported by Tonari's descriptor module (a plain error instead).
    return "<" in desc


def body(r, opts, tmp):
    with open(os.path.join(opts.data, "bitcoin-core", "descriptor_cases.json")) as f:
        cases = json.load(f)
    with open(os.path.join(opts.data, "bitcoin-core", "rpc_decodescript.json")) as f:
        decodescript = json.load(f)
    node = NodeProcess(opts.tonari, os.path.join(tmp, "n"), ["-connect=0", "-listen=0"])

    def error_of(method, *args):
        try:
            node.call(method, *args)
            return None
        except RpcError as e:
            return e

    try:
        node.start()
        # --- getdescriptorinfo ---
        checked = 0
        for case in cases["getdescriptorinfo"]["cases"]:
            if is_multipath(case["desc"]):
                continue
            for text in (case["desc"], case["desc_with_checksum"]):
                got = node.call("getdescriptorinfo", text)
                r.check(got == case["expected"], f"getdescriptorinfo {text[:60]}: {got}")
                r.check(list(got) == list(case["expected"]), "fields in Core's order")
            checked += 1
        r.check(checked >= 5, f"{checked} getdescriptorinfo cases")
        for case in cases["getdescriptorinfo"]["errors"]:
            if "args" not in case or not case["args"]:
                continue
            e = error_of("getdescriptorinfo", *case["args"])
            r.check(e is not None and e.code == case["code"] and case["message"] in e.message,
                    f"getdescriptorinfo {case['args']}: {e and (e.code, e.message)} (Core: {case['message']!r})")
        e = error_of("getdescriptorinfo", "pk( cVpF924EspNh8KjYsfhgY96mmxvT6DgdWiTYMtMjuM74hJaU5psW)")
        r.check(e is not None and e.code == -5 and "is invalid due to whitespace" in e.message,
                "a WIF key with a space before it")
        e = error_of("getdescriptorinfo", "wpkh(tpubD6NzVbkrYhZ4WaWSyoBvQwbpLkojyoTZPRsgXELWz3Popb3qkjcJyJUGLnL4qHHoQvao8ESaAstxYSnhyswJ76uZPStJRJCTKvosUCJZL5B/<0;1>/*)")
        r.check(e is not None and e.code == -5 and "Multipath" in e.message, "multipath: a plain error")

        # --- deriveaddresses ---
        checked = 0
        for case in cases["deriveaddresses"]["cases"]:
            if is_multipath(case["desc"]):
                continue
            args = [case["desc"]] + ([case["range"]] if "range" in case else [])
            got = node.call("deriveaddresses", *args)
            r.check(got == case["addresses"], f"deriveaddresses {case['desc'][:50]} {case.get('range')}: {got}")
            checked += 1
        r.check(checked >= 5, f"{checked} deriveaddresses cases")
        for case in cases["deriveaddresses"]["errors"]:
            if is_multipath(case["desc"]):
                continue
            args = [case["desc"]] + ([case["range"]] if "range" in case else [])
            e = error_of("deriveaddresses", *args)
            r.check(e is not None and e.code == case["code"] and case["message"] in e.message,
                    f"deriveaddresses {case['desc'][:40]} {case.get('range')}: {e and (e.code, e.message)} "
                    f"(Core: {case['code']} {case['message']!r})")

        # --- decodescript: Core's data file, every field ---
        for script, expected in decodescript:
            got = node.call("decodescript", script)
            r.check(got == expected, f"decodescript {script[:40]}: {got} (Core: {expected})")

        # --- desc on transaction outputs, and back through deriveaddresses ---
        node.call("createwallet", "w")
        address = node.call("getnewaddress")
        node.call("generatetoaddress", 101, address)
        txid = node.call("sendtoaddress", node.call("getnewaddress"), 1)
        raw = node.call("getrawtransaction", txid, 1)
        for out in raw["vout"]:
            spk = out["scriptPubKey"]
            info = node.call("getdescriptorinfo", spk["desc"])
            r.check(info["descriptor"] == spk["desc"], f"the inferred {spk['desc']} is canonical")
            r.check(node.call("deriveaddresses", spk["desc"]) == [spk["address"]],
                    "deriveaddresses of the inferred descriptor gives the output's address")
        decoded = node.call("decoderawtransaction", raw["hex"])
        r.check([o["scriptPubKey"]["desc"] for o in decoded["vout"]] == [o["scriptPubKey"]["desc"] for o in raw["vout"]],
                "decoderawtransaction shows the same descriptors")
        txout = node.call("gettxout", txid, 0, True)
        r.check(txout is None or txout["scriptPubKey"]["desc"] == raw["vout"][0]["scriptPubKey"]["desc"],
                "gettxout shows the descriptor")
        spk_keys = list(raw["vout"][0]["scriptPubKey"])
        r.check(spk_keys == ["asm", "desc", "hex", "address", "type"], f"scriptPubKey fields in Core's order: {spk_keys}")
    finally:
        if r.failures:
            print(node.log_tail(30))
        node.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-descriptors-"))
