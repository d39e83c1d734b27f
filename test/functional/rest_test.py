#!/usr/bin/env python3
"""Bitcoin Core's REST interface (-rest), every endpoint in every format.

Each answer is compared with the RPC that says the same thing (getblock, getblockheader,
getblockhash, getblockchaininfo, getmempoolinfo, getrawmempool, getrawtransaction) or with the
raw bytes; getutxos is asked by URI and, in binary and hex form, by a request body, with and
without checkmempool (a coin spent by a mempool transaction, and one created by it); errors
come with Core's status codes and messages. A node started without -rest answers no REST
request.
"""
import http.client
import json
import os
import struct
import sys
from decimal import Decimal

from checks import run_test
from node_process import NodeProcess
from op_true_coins import OP_TRUE_SCRIPT, P2WSH_OP_TRUE, mined_coins, spend
from p2p_peer import ser_compact_size


def get(node, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", node.rpc_port, timeout=60)
    try:
        conn.request("POST" if body is not None else "GET", path, body=body)
        resp = conn.getresponse()
        return resp.status, resp.getheader("Content-Type"), resp.read()
    finally:
        conn.close()


def get_json(node, path):
    status, ctype, body = get(node, path)
    return status, ctype, json.loads(body, parse_float=Decimal) if status == 200 else body.decode()


def body(r, opts, tmp):
    node = NodeProcess(opts.tonari, os.path.join(tmp, "n"), ["-connect=0", "-listen=0", "-rest"])
    plain = NodeProcess(opts.tonari, os.path.join(tmp, "plain"), ["-connect=0", "-listen=0"])
    try:
        node.start()
        plain.start()
        address = node.call("decodescript", OP_TRUE_SCRIPT.hex())["segwit"]["address"]
        node.call("generatetoaddress", 110, address)
        (coin, value) = mined_coins(node, 1, 1)[0]
        tx_hex, _ = spend(coin, [(value - 10_000, P2WSH_OP_TRUE)])
        txid = node.call("sendrawtransaction", tx_hex)
        best = node.call("getbestblockhash")

        # --- chaininfo ---
        status, ctype, info = get_json(node, "/rest/chaininfo.json")
        r.check(status == 200 and ctype == "application/json" and info == node.call("getblockchaininfo"),
                "chaininfo.json is getblockchaininfo")
        status, _, text = get_json(node, "/rest/chaininfo.bin")
        r.check(status == 404 and "output format not found (available: json)" in text, "chaininfo has json only")

        # --- blocks ---
        raw = node.call("getblock", best, 0)
        status, ctype, data = get(node, f"/rest/block/{best}.bin")
        r.check(status == 200 and ctype == "application/octet-stream" and data.hex() == raw, "block .bin: the raw block")
        status, ctype, data = get(node, f"/rest/block/{best}.hex")
        r.check(status == 200 and ctype == "text/plain" and data.decode() == raw + "\n", "block .hex")
        status, _, blk = get_json(node, f"/rest/block/{best}.json")
        r.check(status == 200 and blk == node.call("getblock", best, 3), "block .json is getblock verbosity 3")
        status, _, blk = get_json(node, f"/rest/block/notxdetails/{best}.json")
        r.check(status == 200 and blk == node.call("getblock", best, 1), "notxdetails .json is getblock verbosity 1")
        status, _, data = get(node, f"/rest/block/{best}")
        r.check(status == 404 and data == b"output format not found (available: .bin, .hex, .json)\r\n",
                f"no format: Core's message: {data!r}")
        status, _, data = get(node, f"/rest/block/{best}.xml")
        r.check(status == 400 and data == f"Invalid hash: {best}.xml\r\n".encode(),
                "an unknown suffix stays part of the hash, as in Core")
        status, _, data = get(node, "/rest/block/zz.json")
        r.check(status == 400 and data == b"Invalid hash: zz\r\n", "invalid hash: 400")
        unknown = "11" * 32
        status, _, data = get(node, f"/rest/block/{unknown}.bin")
        r.check(status == 404 and data == f"{unknown} not found\r\n".encode(), "unknown block: 404")

        # --- headers ---
        h5 = node.call("getblockhash", 5)
        hashes = [node.call("getblockhash", h) for h in range(5, 8)]
        headers = "".join(node.call("getblockheader", h, False) for h in hashes)
        status, _, data = get(node, f"/rest/headers/{h5}.bin?count=3")
        r.check(status == 200 and data.hex() == headers, "headers .bin?count=3: three headers from that block")
        status, _, data = get(node, f"/rest/headers/3/{h5}.hex")
        r.check(status == 200 and data.decode() == headers + "\n", "the older /headers/<count>/<hash> form")
        status, _, hdrs = get_json(node, f"/rest/headers/{h5}.json?count=3")
        r.check(status == 200 and hdrs == [node.call("getblockheader", h) for h in hashes], "headers .json")
        status, _, data = get(node, f"/rest/headers/{best}.bin?count=5")
        r.check(status == 200 and len(data) == 80, "from the tip there is one header")
        status, _, data = get(node, f"/rest/headers/{h5}.bin?count=2001")
        r.check(status == 400 and b"Header count is invalid or out of acceptable range (1-2000): 2001" in data,
                "count above 2000: 400")

        # --- blockhashbyheight ---
        status, _, j = get_json(node, "/rest/blockhashbyheight/5.json")
        r.check(status == 200 and j == {"blockhash": h5}, "blockhashbyheight .json")
        status, _, data = get(node, "/rest/blockhashbyheight/5.hex")
        r.check(data.decode() == h5 + "\n", "blockhashbyheight .hex (display order)")
        status, _, data = get(node, "/rest/blockhashbyheight/5.bin")
        r.check(data == bytes.fromhex(h5)[::-1], "blockhashbyheight .bin (internal order)")
        status, _, data = get(node, "/rest/blockhashbyheight/9999.json")
        r.check(status == 404 and data == b"Block height out of range\r\n", "height past the tip: 404")
        status, _, data = get(node, "/rest/blockhashbyheight/abc.json")
        r.check(status == 400 and data == b"Invalid height: abc\r\n", "not a height: 400")

        # --- tx (mempool) ---
        status, _, data = get(node, f"/rest/tx/{txid}.hex")
        r.check(status == 200 and data.decode() == tx_hex + "\n", "tx .hex: the mempool transaction")
        status, _, j = get_json(node, f"/rest/tx/{txid}.json")
        r.check(status == 200 and j == node.call("getrawtransaction", txid, 1), "tx .json is getrawtransaction verbose")
        status, _, data = get(node, f"/rest/tx/{unknown}.json")
        r.check(status == 404 and data == f"{unknown} not found\r\n".encode(), "unknown tx: 404")

        # --- mempool ---
        status, _, j = get_json(node, "/rest/mempool/info.json")
        r.check(status == 200 and j == node.call("getmempoolinfo"), "mempool/info.json is getmempoolinfo")
        status, _, j = get_json(node, "/rest/mempool/contents.json")
        r.check(status == 200 and j == node.call("getrawmempool", True), "contents.json is getrawmempool(true)")
        status, _, j = get_json(node, "/rest/mempool/contents.json?verbose=false&mempool_sequence=true")
        r.check(status == 200 and j == node.call("getrawmempool", False, True), "contents with mempool_sequence")
        status, _, data = get(node, "/rest/mempool/contents.json?verbose=true&mempool_sequence=true")
        r.check(status == 400 and b"Verbose results cannot contain mempool sequence values" in data, "both: 400")
        status, _, data = get(node, "/rest/mempool/contents.json?verbose=maybe")
        r.check(status == 400 and b'The "verbose" query parameter must be either "true" or "false".' in data,
                "verbose=maybe: 400")

        # --- getutxos ---
        spent = f"{coin[0]}-0"
        created = f"{txid}-0"
        status, _, j = get_json(node, f"/rest/getutxos/{spent}/{created}.json")
        r.check(status == 200 and j["bitmap"] == "10" and len(j["utxos"]) == 1 and j["chainHeight"] == 110 and
                j["chaintipHash"] == best, f"without checkmempool: the chain's view: {j}")
        r.check(j["utxos"][0]["value"] == Decimal(value) / 100_000_000 and j["utxos"][0]["height"] == 1 and
                j["utxos"][0]["scriptPubKey"]["hex"] == P2WSH_OP_TRUE.hex(), "the coin's height, value and script")
        status, _, j = get_json(node, f"/rest/getutxos/checkmempool/{spent}/{created}.json")
        r.check(status == 200 and j["bitmap"] == "01" and j["utxos"][0]["height"] == 2147483647,
                f"with checkmempool: spent by the mempool, and the mempool's own output: {j}")
        query = b"\x01" + ser_compact_size(2) + bytes.fromhex(coin[0])[::-1] + struct.pack("<I", 0) + \
            bytes.fromhex(txid)[::-1] + struct.pack("<I", 0)
        status, ctype, data = get(node, "/rest/getutxos.bin", body=query)
        ok = status == 200 and ctype == "application/octet-stream"
        if ok:
            height, tip = struct.unpack("<i", data[:4])[0], data[4:36]
            bitmap_len, bitmap = data[36], data[37]
            count = data[38]
            r.check(height == 110 and tip == bytes.fromhex(best)[::-1] and bitmap_len == 1 and bitmap == 0b10 and
                    count == 1, f"binary getutxos by body: height, tip, bitmap, one coin ({data.hex()[:100]})")
        r.check(ok, f"binary getutxos answered: {status}")
        status, _, data = get(node, "/rest/getutxos.hex", body=query.hex())
        r.check(status == 200 and data.decode().strip() == get(node, "/rest/getutxos.bin", body=query)[2].hex(),
                "hex getutxos is the binary answer in hex")
        many = "/".join(f"{coin[0]}-{i}" for i in range(16))
        status, _, data = get(node, f"/rest/getutxos/{many}.json")
        r.check(status == 400 and data == b"Error: max outpoints exceeded (max: 15, tried: 16)\r\n",
                f"16 outpoints: 400: {data!r}")
        status, _, data = get(node, "/rest/getutxos.bin", body=b"\x00\xfd\xff\xff")
        r.check(status == 400 and data == b"Error: max outpoints exceeded (max: 15, tried: 65535)\r\n",
                f"a body claiming 65535 outpoints is refused before it is read: {data!r}")
        status, _, data = get(node, "/rest/getutxos.bin", body=b"\x00\x02" + b"\x00" * 40)
        r.check(status == 400 and data == b"Parse error\r\n", "a body shorter than its count: Parse error")
        status, _, data = get(node, "/rest/getutxos.hex", body=query.hex() + "\n")
        r.check(status == 200, "a hex body ending in a newline is read (as Core)")
        status, _, data = get(node, f"/rest/headers/{h5}.bin?count=%zz")
        r.check(status == 400 and b"(1-2000): %zz" in data, f"a malformed escape stays literal, as Core: {data!r}")
        status, _, data = get(node, f"/rest/getutxos/{spent}.bin", body=query)
        r.check(status == 400 and b"Combination of URI scheme inputs and raw post data is not allowed" in data,
                "URI and body together: 400")

        # --- off by default ---
        status, _, _ = get(plain, "/rest/chaininfo.json")
        r.check(status != 200, f"without -rest no REST answer ({status})")
    finally:
        if r.failures:
            print(node.log_tail(20))
        node.kill()
        plain.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-rest-"))
