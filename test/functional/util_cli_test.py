#!/usr/bin/env python3
"""Functional test of `tonari util`: the offline commands a user runs from a shell.

Drives the real binary as a subprocess: every address of key_io_valid.json through
validateaddress, real transactions and blocks through the decoders, and malformed input of
every kind, which must get a one-line error and a non-zero exit (never a crash).
"""
import argparse
import json
import os
import pathlib
import sys
import tempfile

from checks import Checks

CHAINS = {"main": "main", "testnet": "test", "testnet4": "testnet4", "signet": "signet", "regtest": "regtest"}
GENESIS_COINBASE_TXID = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"


class Runner(Checks):

    def ok_json(self, *args):
        proc = self.run(*args)
        self.check(proc.returncode == 0, f"exit 0 for {' '.join(args)[:80]} (stderr: {proc.stderr.strip()})")
        try:
            return json.loads(proc.stdout), proc.stdout
        except json.JSONDecodeError:
            self.fail(f"not JSON from {' '.join(args)[:80]}: {proc.stdout[:200]}")
            return {}, ""

    def error(self, *args):
        proc = self.run(*args)
        self.check(proc.returncode not in (0,) and proc.returncode > 0,
                   f"non-zero exit for bad input {' '.join(args)[:60]}")
        lines = proc.stderr.strip().splitlines()
        self.check(len(lines) == 1 and lines[0].startswith("error: "),
                   f"one-line error for {' '.join(args)[:60]}, got {proc.stderr.strip()[:200]!r}")
        return proc


def test_validateaddress(r, data):
    rows = json.loads((data / "bitcoin-core" / "key_io_valid.json").read_text())
    n = 0
    for text, hex_script, meta in rows:
        if meta["isPrivkey"]:
            continue
        out, _ = r.ok_json("util", "validateaddress", text, "--chain", CHAINS[meta["chain"]])
        r.check(out.get("isvalid") is True, f"{text} valid on {meta['chain']}")
        r.check(out.get("scriptPubKey") == hex_script, f"{text} scriptPubKey")
        n += 1
    print(f"validateaddress: {n} key_io_valid addresses")
    r.check(n > 50, "enough address rows were exercised")

    out, _ = r.ok_json("util", "validateaddress", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "--chain", "main")
    r.check(out == {"isvalid": True, "address": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                    "scriptPubKey": "0014751e76e8199196d454941c45d1b3a323f1433bd6", "isscript": False,
                    "iswitness": True, "witness_version": 0,
                    "witness_program": "751e76e8199196d454941c45d1b3a323f1433bd6"}, f"P2WPKH fields: {out}")
    # An invalid address is a normal answer, not an error.
    for bad in ["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "", "1" * 200, "notanaddress"]:
        out, _ = r.ok_json("util", "validateaddress", bad, "--chain", "main")
        r.check(out.get("isvalid") is False and out.get("error"), f"{bad[:20]!r} reported invalid with a reason")
    # A mainnet address on the default network (regtest) is invalid.
    out, _ = r.ok_json("util", "validateaddress", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")
    r.check(out.get("isvalid") is False, "mainnet address rejected on regtest")


def genesis_bytes(data):
    return bytes.fromhex((data / "blocks" / "genesis_mainnet.hex").read_text().strip())


def test_decoderawtransaction(r, data):
    coinbase = genesis_bytes(data)[81:].hex()
    out, text = r.ok_json("util", "decoderawtransaction", coinbase, "--chain", "main")
    r.check(out.get("txid") == GENESIS_COINBASE_TXID, "genesis coinbase txid")
    r.check(out.get("size") == 204 and out.get("vsize") == 204 and out.get("weight") == 816, "genesis sizes")
    r.check('"value": 50.00000000' in text, "amount printed with 8 decimals")
    r.check("coinbase" in out["vin"][0] and out["vout"][0]["scriptPubKey"]["type"] == "pubkey", "coinbase fields")

    for bad in ["abc", "zz", "", coinbase[:-2], coinbase + "00", "ff" * 5000, "02000000fe" + "ff" * 4]:
        r.error("util", "decoderawtransaction", bad)


def test_decodeblock(r, data):
    raw_path = data / "blocks" / "block413567.raw"
    out, _ = r.ok_json("util", "decodeblock", str(raw_path), "--chain", "main")
    r.check(out.get("hash") == "0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069", "413567 hash")
    r.check(out.get("nTx") == 1557 and len(out.get("tx", [])) == 1557, "413567 tx count")
    r.check(out.get("checks", {}).get("valid") is True, f"413567 passes checks: {out.get('checks')}")

    out, _ = r.ok_json("util", "decodeblock", str(data / "blocks" / "genesis_mainnet.hex"), "--chain", "main")
    r.check(out.get("hash") == "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f", "genesis hash")
    r.check(out.get("merkleroot") == GENESIS_COINBASE_TXID and out["checks"]["valid"], "genesis merkle + checks")

    raw = raw_path.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        tampered = bytearray(raw)
        tampered[len(raw) // 2] ^= 0x01  # inside some transaction: header and PoW untouched
        p = pathlib.Path(tmp, "tampered.raw")
        p.write_bytes(bytes(tampered))
        out, _ = r.ok_json("util", "decodeblock", str(p), "--chain", "main")
        checks = out.get("checks", {})
        r.check(checks.get("valid") is False and checks.get("reject_reason") == "bad-txnmrklroot",
                f"tampered block rejected for its merkle root: {checks}")
        r.check(checks.get("pow") is True, "tampered block still has valid PoW")

        truncated = pathlib.Path(tmp, "truncated.raw")
        truncated.write_bytes(raw[:500000])
        r.error("util", "decodeblock", str(truncated))
        trailing = pathlib.Path(tmp, "trailing.raw")
        trailing.write_bytes(raw + b"\x00")
        r.error("util", "decodeblock", str(trailing))
        empty = pathlib.Path(tmp, "empty")
        empty.write_bytes(b"")
        r.error("util", "decodeblock", str(empty))
    r.error("util", "decodeblock", "not-a-file-and-not-hex")


def test_cli_surface(r):
    proc = r.run("--help")
    r.check(proc.returncode == 0 and "util" in proc.stdout and "demo" in proc.stdout, "--help lists commands")
    proc = r.run("util", "--help")
    r.check(proc.returncode == 0 and "decodeblock" in proc.stdout, "util --help lists its commands")
    proc = r.run("--version")
    r.check(proc.returncode == 0 and proc.stdout.startswith("tonari "), "--version")
    proc = r.run("no-such-command")
    r.check(proc.returncode != 0, "unknown command fails")
    proc = r.run("util", "validateaddress", "x", "--chain", "moon")
    r.check(proc.returncode != 0, "unknown chain fails")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tonari", required=True)
    ap.add_argument("--data", required=True)
    args = ap.parse_args()
    r = Runner(args.tonari)
    data = pathlib.Path(args.data)
    test_cli_surface(r)
    test_validateaddress(r, data)
    test_decoderawtransaction(r, data)
    test_decodeblock(r, data)
    return r.finish()


if __name__ == "__main__":
    sys.exit(main())
