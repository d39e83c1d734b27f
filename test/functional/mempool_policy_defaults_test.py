#!/usr/bin/env python3
"""Bitcoin Core 30's relay and mining policy defaults, shown on a running node.

Coins are mined to P2WSH(OP_TRUE) (spent with the script as the only witness item, so the test
builds transactions without keys). With default options: getmempoolinfo, getnetworkinfo and
getmininginfo report Core 30's figures (minimum relay and incremental fees of 100 sat/kvB,
permitbaremultisig, maxdatacarriersize 100000, blockmintxfee 1 sat/kvB); a transaction paying
exactly 0.1 sat/vB (rounded up) is accepted and mined, one satoshi less is refused ("min relay
fee not met"); several OP_RETURN outputs of hundreds of bytes are standard. With
-datacarriersize the OP_RETURN scripts of a transaction count together ("datacarrier"), and
-datacarrier=0 refuses any; -minrelaytxfee and -blockmintxfee are honoured and reported.
"""
import math
import os
import sys
from decimal import Decimal

from checks import run_test
from node_process import NodeProcess
from op_true_coins import OP_TRUE_SCRIPT, P2WSH_OP_TRUE, mined_coins, op_return, spend

def paying(coin, value, data_outputs, fee_for_vsize):
    """Spends `coin` worth `value` sats to the OP_RETURN outputs and change, paying
    fee_for_vsize(vsize) (vsize settles after one pass: the change amount does not change it)."""
    outputs = [(0, op_return(n)) for n in data_outputs]
    hex_, vsize = spend(coin, outputs + [(value - 1000, P2WSH_OP_TRUE)])
    fee = fee_for_vsize(vsize)
    hex_, vsize2 = spend(coin, outputs + [(value - fee, P2WSH_OP_TRUE)])
    assert vsize2 == vsize
    return hex_, fee, vsize


def accept(node, tx_hex):
    result = node.call("testmempoolaccept", [tx_hex])[0]
    return result["allowed"], result.get("reject-reason", "")


def body(r, opts, tmp):
    a = NodeProcess(opts.tonari, os.path.join(tmp, "a"), ["-connect=0", "-listen=0"])
    small = NodeProcess(opts.tonari, os.path.join(tmp, "small"),
                        ["-connect=0", "-listen=0", "-datacarriersize=250", "-minrelaytxfee=0.00001",
                         "-blockmintxfee=0.00002"])
    off = NodeProcess(opts.tonari, os.path.join(tmp, "off"), ["-connect=0", "-listen=0", "-datacarrier=0"])
    try:
        a.start()
        address = a.call("decodescript", OP_TRUE_SCRIPT.hex())["segwit"]["address"]
        a.call("generatetoaddress", 110, address)
        coins = mined_coins(a, 1, 9)

        # --- what the node reports ---
        info = a.call("getmempoolinfo")
        r.check(info["minrelaytxfee"] == Decimal("0.00000100") and info["incrementalrelayfee"] == Decimal("0.00000100"),
                f"relay fees 100 sat/kvB as Core 30: {info}")
        r.check(info["permitbaremultisig"] is True and info["maxdatacarriersize"] == 100000,
                "permitbaremultisig and maxdatacarriersize as Core 30")
        keys = list(info)
        r.check(keys.index("unbroadcastcount") < keys.index("permitbaremultisig") < keys.index("maxdatacarriersize"),
                f"getmempoolinfo fields in Core's order: {keys}")
        r.check(a.call("getmininginfo")["blockmintxfee"] == Decimal("0.00000001"), "blockmintxfee 1 sat/kvB")
        net = a.call("getnetworkinfo")
        r.check(net["relayfee"] == Decimal("0.00000100") and net["incrementalfee"] == Decimal("0.00000100"),
                "getnetworkinfo relayfee and incrementalfee")

        # --- 0.1 sat/vB, and several large OP_RETURN outputs ---
        floor = lambda vsize: math.ceil(vsize * 100 / 1000)
        (coin, value) = coins[0]
        cheap, fee, vsize = paying(coin, value, [200, 300], floor)
        r.check(accept(a, cheap) == (True, ""), f"two OP_RETURNs (200 and 300 bytes) at 0.1 sat/vB ({fee} sat for "
                                                f"{vsize} vB) are standard")
        (coin, value) = coins[1]
        short, _, _ = paying(coin, value, [], lambda v: floor(v) - 1)
        r.check(accept(a, short) == (False, "min relay fee not met"), "one satoshi less: min relay fee not met")
        txid = a.call("sendrawtransaction", cheap)
        a.call("generatetoaddress", 1, address)
        r.check(a.call("getrawtransaction", txid, 1, a.call("getbestblockhash"))["txid"] == txid,
                "the 0.1 sat/vB transaction is mined (blockmintxfee 1 sat/kvB)")

        # --- a smaller -datacarriersize counts all data outputs together ---
        small.start()
        info = small.call("getmempoolinfo")
        r.check(info["maxdatacarriersize"] == 250 and info["minrelaytxfee"] == Decimal("0.00001000"),
                f"-datacarriersize and -minrelaytxfee reported: {info}")
        r.check(small.call("getmininginfo")["blockmintxfee"] == Decimal("0.00002000"), "-blockmintxfee reported")
        small.call("generatetoaddress", 110, address)
        (coin, value) = mined_coins(small, 1, 1)[0]
        one_sat = lambda vsize: vsize  # 1 sat/vB: above this node's floor
        fits, _, _ = paying(coin, value, [120, 120], one_sat)   # 123 + 123 = 246 script bytes
        over, _, _ = paying(coin, value, [120, 125], one_sat)   # 123 + 128 = 251
        r.check(accept(small, fits) == (True, ""), "246 bytes of OP_RETURN scripts within 250")
        r.check(accept(small, over) == (False, "datacarrier"), "251 bytes over 250: datacarrier")
        cheap_here, _, _ = paying(coin, value, [], floor)
        r.check(accept(small, cheap_here) == (False, "min relay fee not met"), "-minrelaytxfee raises the floor")

        # --- -datacarrier=0 refuses any data output ---
        off.start()
        r.check(off.call("getmempoolinfo")["maxdatacarriersize"] == 0, "-datacarrier=0 reports 0")
        off.call("generatetoaddress", 110, address)
        (coin, value) = mined_coins(off, 1, 1)[0]
        empty, _, _ = paying(coin, value, [0], one_sat)
        r.check(accept(off, empty) == (False, "datacarrier"), "-datacarrier=0: even a bare OP_RETURN is refused")
    finally:
        if r.failures:
            print(a.log_tail(20))
        for n in (a, small, off):
            n.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-policy-"))
