#!/usr/bin/env python3
"""`tonari node` and `tonari cli` end to end: Bitcoin Core's options and config file, cookie
authentication, the blockchain and mining RPCs against what the chain really holds, bad
input of every kind answered with Core's error codes while the node keeps running, clean
shutdown by RPC and by SIGTERM, and a restart that keeps the chain.
"""
import argparse
import base64
import json
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

from checks import Checks
from node_process import NodeProcess, RpcError

ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"  # BIP173's regtest P2WPKH example
ADDRESS_SCRIPT = "0014751e76e8199196d454941c45d1b3a323f1433bd6"


def rpc_error(node, method, *params):
    try:
        node.call(method, *params)
    except RpcError as e:
        return e.code, e.message
    return None, None


def test_chain_rpcs(r, node):
    hashes = node.call("generatetoaddress", 101, ADDRESS)
    r.check(len(hashes) == 101 and len(set(hashes)) == 101, "generatetoaddress 101 returns 101 distinct hashes")
    r.check(node.call("getblockcount") == 101, "height 101")
    best = node.call("getbestblockhash")
    r.check(best == hashes[-1], "the last generated block is the tip")
    r.check(node.call("getblockhash", 1) == hashes[0], "getblockhash 1 is the first generated block")
    info = node.call("getblockchaininfo")
    r.check(info["chain"] == "regtest" and info["blocks"] == 101 and info["headers"] == 101 and info["bestblockhash"] == best,
            f"getblockchaininfo: {info}")
    r.check(info["chainwork"] == f"{2 * 102:064x}", "chainwork counts 2 per regtest block")

    raw = node.call("getblock", best, 0)
    v1 = node.call("getblock", best, 1)
    v2 = node.call("getblock", best, 2)
    header = node.call("getblockheader", best)
    r.check(raw.startswith(node.call("getblockheader", best, False)), "getblock hex starts with the header hex")
    r.check(v1["height"] == 101 and v1["confirmations"] == 1 and v1["size"] == len(raw) // 2, f"getblock 1: {v1}")
    r.check(v1["tx"] == [t["txid"] for t in v2["tx"]], "verbosity 1 txids are verbosity 2's")
    r.check(v1["previousblockhash"] == hashes[-2] and "nextblockhash" not in v1, "chain links of the tip")
    r.check(header["hash"] == best and header["merkleroot"] == v1["merkleroot"] and header["nTx"] == 1, "getblockheader")
    first = node.call("getblock", hashes[0])
    r.check(first["nextblockhash"] == hashes[1] and first["confirmations"] == 101, "confirmations of block 1")
    coinbase = v2["tx"][0]
    r.check(coinbase["vout"][0]["scriptPubKey"]["hex"] == ADDRESS_SCRIPT and
            coinbase["vout"][0]["scriptPubKey"]["address"] == ADDRESS, "the coinbase pays the address")
    r.check(coinbase["vout"][0]["value"] == 50.0, "50 BTC subsidy")

    out = node.call("gettxout", node.call("getblock", hashes[0])["tx"][0], 0)
    r.check(out is not None and out["confirmations"] == 101 and out["coinbase"] is True and
            out["scriptPubKey"]["hex"] == ADDRESS_SCRIPT, f"gettxout of the first coinbase: {out}")
    r.check(node.call("gettxout", "00" * 32, 0) is None, "gettxout of an unknown output is null")
    stats = node.call("gettxoutsetinfo")
    r.check(stats["height"] == 101 and stats["txouts"] == 101 and stats["transactions"] == 101, f"gettxoutsetinfo: {stats}")
    r.check(stats["total_amount"] == 101 * 50, "total amount 5050 BTC")
    tips = node.call("getchaintips")
    r.check(tips == [{"height": 101, "hash": best, "branchlen": 0, "status": "active"}], f"getchaintips: {tips}")
    r.check(node.call("getdifficulty") > 0, "difficulty")
    mining = node.call("getmininginfo")
    r.check(mining["blocks"] == 101 and mining["chain"] == "regtest", "getmininginfo")
    r.check(node.call("uptime") >= 0, "uptime")

    # submitblock: a known block is a duplicate; a block that does not decode is -22.
    r.check(node.call("submitblock", raw) == "duplicate", "resubmitted block is a duplicate")
    r.check(rpc_error(node, "submitblock", "00")[0] == -22, "undecodable block: -22")
    return stats["hash_serialized_3"], best


def test_bad_input(r, node):
    # Parameters of the wrong kind, with Core's codes.
    r.check(rpc_error(node, "getblockhash", 1000)[0] == -8, "height out of range: -8")
    r.check(rpc_error(node, "getblockhash", "x")[0] == -3, "string for a number: -3")
    r.check(rpc_error(node, "getblock", "ab")[0] == -8, "short hash: -8")
    r.check(rpc_error(node, "getblock", "11" * 32)[0] == -5, "unknown block: -5")
    r.check(rpc_error(node, "generatetoaddress", 1, "notanaddress")[0] == -5, "invalid address: -5")
    r.check(rpc_error(node, "generatetoaddress", 1, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")[0] == -5,
            "a mainnet address on regtest: -5")
    r.check(rpc_error(node, "nosuchmethod")[0] == -32601, "unknown method: -32601")
    r.check(rpc_error(node, "getblockcount", 1)[0] == -1, "too many params: -1 with the help text")
    # Transport-level abuse.
    status, _ = node.http(json.dumps({"method": "getblockcount"}))
    r.check(status == 401, f"no credentials: 401 (got {status})")
    bad = "Basic " + base64.b64encode(b"__cookie__:wrong").decode()
    status, _ = node.http(json.dumps({"method": "getblockcount"}), {"Authorization": bad})
    r.check(status == 401, "wrong password: 401")
    auth = {"Authorization": node.auth_header()}
    status, text = node.http("{not json", auth)
    r.check(status == 500 and json.loads(text)["error"]["code"] == -32700, f"malformed JSON: -32700 ({status} {text})")
    status, text = node.http(json.dumps([{"method": "getblockcount", "id": 1}, {"method": "nosuch", "id": 2}]), auth)
    batch = json.loads(text) if status == 200 else []
    r.check(len(batch) == 2 and batch[0]["result"] == 101 and batch[1]["error"]["code"] == -32601, f"batch: {text}")
    status, text = node.http(json.dumps({"jsonrpc": "2.0", "method": "nosuch", "id": 7}), auth)
    reply = json.loads(text)
    r.check(status == 200 and reply.get("jsonrpc") == "2.0" and "result" not in reply and reply["id"] == 7,
            f"JSON-RPC 2.0 error shape: {status} {text}")
    status, _ = node.http("", auth, method="GET")
    r.check(status == 405, f"GET: 405 (got {status})")
    # A body announced larger than 32 MiB is refused before it is read.
    with socket.create_connection(("127.0.0.1", node.rpc_port), timeout=60) as s:
        s.sendall(f"POST / HTTP/1.1\r\nAuthorization: {auth['Authorization']}\r\n"
                  f"Content-Length: {33 * 1024 * 1024}\r\n\r\n{{".encode())
        answer = s.recv(4096).decode(errors="replace")
    r.check(answer.startswith("HTTP/1.1 413"), f"33 MiB body: 413 (got {answer[:40]!r})")
    r.check(node.running() and node.call("getblockcount") == 101, "the node still answers after the abuse")


def test_cli(r, node):
    p = node.cli("getblockcount")
    r.check(p.returncode == 0 and p.stdout.strip() == "101", f"cli getblockcount: {p.stdout} {p.stderr}")
    p = node.cli("getbestblockhash")
    r.check(p.returncode == 0 and len(p.stdout.strip()) == 64 and not p.stdout.startswith('"'), "strings print bare")
    p = node.cli("-named", "getblock", f"blockhash={node.call('getblockhash', 1)}", "verbosity=1")
    r.check(p.returncode == 0 and json.loads(p.stdout)["height"] == 1, f"cli -named: {p.stderr}")
    p = node.cli("getblockhash", "9999")
    r.check(p.returncode == 8 and "error code: -8" in p.stderr and "Block height out of range" in p.stderr,
            f"cli error output and exit status: {p.returncode} {p.stderr!r}")
    p = node.cli("help")
    r.check(p.returncode == 0 and "== Blockchain ==" in p.stdout and "generatetoaddress" in p.stdout, "cli help")
    p = node.cli("help", "getblock")
    r.check(p.returncode == 0 and "verbosity" in p.stdout, "cli help getblock")
    p = subprocess.run([node.tonari, "cli", f"-datadir={node.datadir}", "-rpcport=1", "getblockcount"],
                       capture_output=True, text=True, timeout=60)
    r.check(p.returncode == 1 and "Could not connect" in p.stderr, f"cli with no server: {p.stderr!r}")
    p = subprocess.run([node.tonari, "cli", f"-datadir={node.datadir}", f"-rpcport={node.rpc_port}",
                        "-rpcpassword=wrong", "getblockcount"], capture_output=True, text=True, timeout=60)
    r.check(p.returncode == 1 and "Authorization failed" in p.stderr, "cli with a wrong password")


def test_options(r, tonari, work):
    def node_fails(*args):
        p = subprocess.run([tonari, "node", f"-datadir={work}", *args], capture_output=True, text=True, timeout=60)
        return p.returncode, p.stderr + p.stdout

    code, text = node_fails("-nosuchoption")
    r.check(code == 1 and "Invalid parameter -nosuchoption" in text, f"unknown option: {text!r}")
    code, text = node_fails("-testnet")
    r.check(code == 1 and "testnet4" in text, f"-testnet explains testnet4: {text!r}")
    code, text = node_fails("-regtest", "-signet")
    r.check(code == 1 and "Invalid combination" in text, f"two networks: {text!r}")
    code, text = node_fails("-dbcache=abc")
    r.check(code == 1 and "dbcache" in text, f"bad number: {text!r}")
    code, text = node_fails("-daemon")
    r.check(code == 1 and "foreground" in text, "no daemon mode")
    p = subprocess.run([tonari, "node", "-help"], capture_output=True, text=True, timeout=60)
    r.check(p.returncode == 0 and "-rpcport=<port>" in p.stdout and "-dbcache=<n>" in p.stdout, "node -help")
    p = subprocess.run([tonari, "node", "-datadir=/nonexistent/x"], capture_output=True, text=True, timeout=60)
    r.check(p.returncode == 1 and "does not exist" in p.stderr, "missing datadir")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tonari", required=True)
    ap.add_argument("--data", required=True)
    args = ap.parse_args()
    r = Checks(args.tonari)
    work = pathlib.Path(tempfile.mkdtemp(prefix="tonari_node_"))
    node = NodeProcess(args.tonari, work / "a")
    try:
        test_options(r, args.tonari, work)
        # The RPC port comes from the [regtest] section of tonari.conf.
        (node.datadir / "tonari.conf").write_text(f"rpcport=1\n[regtest]\nrpcport={node.rpc_port}\nrpcthreads=2\n")
        node.extra_args = []
        node.args = lambda: [f"-datadir={node.datadir}"]
        node.start()
        r.check((node.net_dir / ".cookie").exists(), "cookie file written")
        digest, best = test_chain_rpcs(r, node)
        test_bad_input(r, node)
        test_cli(r, node)

        r.check(node.call("stop") == "Tonari server stopping", "stop RPC")
        r.check(node.wait_exit() == 0, "clean exit after stop")
        r.check(not (node.net_dir / ".cookie").exists(), "cookie removed at shutdown")

        # Restart: the chain and the UTXO set are the same.
        node.start()
        r.check(node.call("getblockcount") == 101 and node.call("getbestblockhash") == best, "restart keeps the tip")
        r.check(node.call("gettxoutsetinfo")["hash_serialized_3"] == digest, "restart keeps the UTXO set")
        node.call("generatetoaddress", 5, ADDRESS)
        node.proc.send_signal(signal.SIGTERM)
        r.check(node.wait_exit() == 0, "clean exit on SIGTERM")

        # kill -9 after more blocks: the node restarts consistent, at least at the last flush.
        node.start()
        r.check(node.call("getblockcount") == 106, "SIGTERM shutdown flushed all blocks")
        node.call("generatetoaddress", 50, ADDRESS)
        node.kill()
        node.start()
        height = node.call("getblockcount")
        r.check(106 <= height <= 156, f"after kill -9 the node restarts at a height between the last flush and the tip ({height})")
        node.call("generatetoaddress", 1, ADDRESS)
        r.check(node.call("getblockcount") == height + 1, "and carries on")
        node.call("stop")
        node.wait_exit()
    except Exception as e:  # a crash of the test itself is a failure, reported with the node's log
        r.fail(f"{type(e).__name__}: {e}\n{node.stderr()}")
    finally:
        node.kill()
        shutil.rmtree(work, ignore_errors=True)
    return r.finish()


if __name__ == "__main__":
    sys.exit(main())
