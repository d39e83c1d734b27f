#!/usr/bin/env python3
"""Our own transactions reach the network even when the node had no peer to give them to.

Node A (with a wallet) has no peers. A payment made there waits in A's unbroadcast set
(getmempoolinfo unbroadcastcount 1, getmempoolentry unbroadcast true); when B connects, A hands
it over at once (not after Core's 10-15 minute re-announcement), B fetches it, and the set empties.
Then A is killed with SIGKILL while it holds a second payment no peer has seen, and started
again without peers: its wallet puts the payment back in the mempool, which again waits for the
first peer, and B receives it when it connects. Finally sendrawtransaction of a transaction
already in A's mempool returns its txid (announcing it again, as Core does).
"""
import os
import sys

from checks import poll, run_test
from node_process import NodeProcess, fund_wallet

TIMEOUT_S = 30


def body(r, opts, tmp):
    a = NodeProcess(opts.tonari, os.path.join(tmp, "a"), ["-debug=net", "-connect=0", "-listen=0"])
    b = NodeProcess(opts.tonari, os.path.join(tmp, "b"), ["-debug=net"])
    try:
        a.start()
        b.start()
        fund_wallet(a)
        to = a.call("getnewaddress")

        first = a.call("sendtoaddress", to, 1)
        r.check(a.call("getmempoolinfo")["unbroadcastcount"] == 1, "a payment made without peers is unbroadcast")
        r.check(a.call("getmempoolentry", first)["unbroadcast"] is True, "getmempoolentry says unbroadcast")
        a.call("addnode", f"127.0.0.1:{b.p2p_port}", "onetry")
        r.check(poll(lambda: first in b.call("getrawmempool"), TIMEOUT_S, 0.1),
                "B receives it as soon as it connects")
        r.check(poll(lambda: a.call("getmempoolinfo")["unbroadcastcount"] == 0, TIMEOUT_S, 0.1),
                "once B fetched it, A's unbroadcast set is empty")

        a.call("disconnectnode", f"127.0.0.1:{b.p2p_port}")
        r.check(poll(lambda: a.call("getconnectioncount") == 0, TIMEOUT_S, 0.1), "A is alone again")
        # The coins it spends must survive the kill: gettxoutsetinfo flushes the chainstate
        # (a kill -9 takes back to the last flush whatever a lone node mined since; with peers
        # it would download those blocks again).
        a.call("gettxoutsetinfo")
        second = a.call("sendtoaddress", to, 2)
        a.kill()
        a.start()
        r.check(second in a.call("getrawmempool"), "after SIGKILL, A's wallet put the payment back in the mempool")
        r.check(a.call("getmempoolinfo")["unbroadcastcount"] >= 1, "... where it waits for a peer")
        r.check(second not in b.call("getrawmempool"), "B has not seen it")
        a.call("addnode", f"127.0.0.1:{b.p2p_port}", "onetry")
        r.check(poll(lambda: second in b.call("getrawmempool"), TIMEOUT_S, 0.1),
                "B receives the restarted node's payment when it connects")

        raw = a.call("getrawtransaction", second)
        r.check(a.call("sendrawtransaction", raw) == second, "sendrawtransaction of a transaction A has returns its txid")
    finally:
        if r.failures:
            print(a.log_tail(30))
        a.kill()
        b.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-unbroadcast-"))
