#!/usr/bin/env python3
"""Functional test of `tonari util verifyscript`: checking spends without a node.

Drives the real binary with real signed transactions from the BIP vectors (the BIP341
key-path transaction, whose nine inputs mix taproot, P2PKH and P2WPKH, and the BIP143
examples), then with tampered copies (a flipped signature byte, a wrong amount, another
input's amount changed under taproot) and with malformed requests, each of which must be
answered with {"error": ...} while the line after it is still processed.
"""
import argparse
import decimal
import json
import pathlib
import select
import subprocess
import sys

from checks import Checks

MAX_REQUEST_BYTES = 16 * 1024 * 1024  # MAX_VERIFY_REQUEST_BYTES in src/app/verifyscript_command.h
VALID = {"valid": True}


# --- a minimal transaction codec (BIP144 serialization), enough to tamper with signatures ---

def read_compact(b, pos):
    n = b[pos]
    if n < 0xfd:
        return n, pos + 1
    width = {0xfd: 2, 0xfe: 4, 0xff: 8}[n]
    return int.from_bytes(b[pos + 1:pos + 1 + width], "little"), pos + 1 + width


def compact(n):
    if n < 0xfd:
        return bytes([n])
    if n <= 0xffff:
        return b"\xfd" + n.to_bytes(2, "little")
    if n <= 0xffffffff:
        return b"\xfe" + n.to_bytes(4, "little")
    return b"\xff" + n.to_bytes(8, "little")


def parse_tx(hex_tx):
    b = bytes.fromhex(hex_tx)
    tx = {"version": b[:4]}
    pos = 4
    segwit = b[pos] == 0 and b[pos + 1] == 1
    if segwit:
        pos += 2
    n_in, pos = read_compact(b, pos)
    tx["inputs"] = []
    for _ in range(n_in):
        prevout = b[pos:pos + 36]
        pos += 36
        n, pos = read_compact(b, pos)
        script_sig = bytearray(b[pos:pos + n])
        pos += n
        seq = b[pos:pos + 4]
        pos += 4
        tx["inputs"].append({"prevout": prevout, "script_sig": script_sig, "sequence": seq, "witness": []})
    n_out, pos = read_compact(b, pos)
    tx["outputs"] = []
    for _ in range(n_out):
        value = b[pos:pos + 8]
        pos += 8
        n, pos = read_compact(b, pos)
        tx["outputs"].append((value, b[pos:pos + n]))
        pos += n
    if segwit:
        for txin in tx["inputs"]:
            items, pos = read_compact(b, pos)
            for _ in range(items):
                n, pos = read_compact(b, pos)
                txin["witness"].append(bytearray(b[pos:pos + n]))
                pos += n
    tx["locktime"] = b[pos:pos + 4]
    assert pos + 4 == len(b), "test helper: transaction not fully parsed"
    return tx


def serialize_tx(tx):
    segwit = any(txin["witness"] for txin in tx["inputs"])
    out = bytearray(tx["version"])
    if segwit:
        out += b"\x00\x01"
    out += compact(len(tx["inputs"]))
    for txin in tx["inputs"]:
        out += txin["prevout"] + compact(len(txin["script_sig"])) + txin["script_sig"] + txin["sequence"]
    out += compact(len(tx["outputs"]))
    for value, spk in tx["outputs"]:
        out += value + compact(len(spk)) + spk
    if segwit:
        for txin in tx["inputs"]:
            out += compact(len(txin["witness"]))
            for item in txin["witness"]:
                out += compact(len(item)) + item
    out += tx["locktime"]
    return out.hex()


def flip(hex_tx, input_index, where, offset):
    """A copy of the transaction with one byte of a signature flipped.

    where = ("witness", item) or ("script_sig",); offset counts from the start of that item.
    """
    tx = parse_tx(hex_tx)
    txin = tx["inputs"][input_index]
    target = txin["witness"][where[1]] if where[0] == "witness" else txin["script_sig"]
    target[offset] ^= 0x01
    return serialize_tx(tx)


# --- the cases: real spends with their spent outputs ---

class Spend:
    def __init__(self, name, tx, spent):
        self.name = name
        self.tx = tx
        self.spent = spent  # [{"amount": sats, "scriptPubKey": hex}] in input order

    def request(self, **changes):
        req = {"tx": self.tx, "spent_outputs": [dict(s) for s in self.spent]}
        req.update(changes)
        return req

    def with_amount(self, input_index, amount):
        spent = [dict(s) for s in self.spent]
        spent[input_index]["amount"] = amount
        return spent


def load_spends(data):
    vec = json.loads((data / "bitcoin-core" / "bip341_wallet_vectors.json").read_text())
    kp = vec["keyPathSpending"][0]
    taproot = Spend("bip341 key path", kp["auxiliary"]["fullySignedTx"],
                    [{"amount": u["amountSats"], "scriptPubKey": u["scriptPubKey"]}
                     for u in kp["given"]["utxosSpent"]])
    hash_types = {s["given"]["txinIndex"]: s["given"]["hashType"] for s in kp["inputSpending"]}

    examples = json.loads((data / "bips" / "bip143_p2wpkh_examples.json").read_text())["examples"]
    by_name = {e["name"]: e for e in examples}

    def bip143(name):
        e = by_name[name]
        spent = [{"amount": int(decimal.Decimal(i["value_btc"]) * 100_000_000), "scriptPubKey": i["scriptPubKey"]}
                 for i in sorted(e["inputs"], key=lambda i: i["index"])]
        return Spend("bip143 " + name, e["signed_tx"], spent)

    return taproot, hash_types, bip143("Native P2WPKH"), bip143("P2SH-P2WPKH")


class Runner(Checks):

    def answers(self, lines, what):
        """Sends the request lines on stdin; returns the parsed answer lines (exit 0 checked)."""
        text = "".join((json.dumps(l) if not isinstance(l, str) else l) + "\n" for l in lines)
        proc = self.run("util", "verifyscript", stdin_text=text)
        self.check(proc.returncode == 0, f"{what}: exit 0 (got {proc.returncode}, stderr {proc.stderr.strip()[:200]})")
        out = []
        for line in proc.stdout.splitlines():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                self.fail(f"{what}: answer is not JSON: {line[:200]}")
                out.append(None)
            self.check("\n" not in line and line == line.strip(), f"{what}: one compact line per answer")
        return out

    def expect(self, request, expected, what):
        got = self.answers([request], what)
        self.check(got == [expected], f"{what}: expected {expected}, got {got}")


def test_valid_spends(r, spends):
    for spend in spends:
        n = len(spend.spent)
        r.expect(spend.request(), VALID, f"{spend.name}: every input")
        r.expect(spend.request(flags="STANDARD"), VALID, f"{spend.name}: every input, standard flags")
        got = r.answers([spend.request(index=i) for i in range(n)], f"{spend.name}: each input")
        r.check(got == [VALID] * n, f"{spend.name}: each input valid on its own: {got}")
    print(f"valid spends: {len(spends)} transactions, {sum(len(s.spent) for s in spends)} inputs")


def test_tampered_signatures(r, taproot, p2wpkh, p2sh_p2wpkh):
    # Taproot key path: the witness is the 64/65-byte Schnorr signature.
    bad = flip(taproot.tx, 0, ("witness", 0), 10)
    r.expect(taproot.request(tx=bad, index=0), {"valid": False, "input": 0, "error": "SCHNORR_SIG"},
             "taproot signature byte flipped")
    # The other inputs sign their own messages; they still verify.
    r.expect(taproot.request(tx=bad, index=3), VALID, "taproot: untouched input 3 still valid")
    r.expect(taproot.request(tx=bad), {"valid": False, "input": 0, "error": "SCHNORR_SIG"},
             "taproot flipped, no index: input 0 reported")

    # P2WPKH (BIP143): a byte inside r keeps the DER shape; CHECKSIG returns false.
    sig_r_byte = 10
    bad = flip(p2wpkh.tx, 1, ("witness", 0), sig_r_byte)
    r.expect(p2wpkh.request(tx=bad, index=1), {"valid": False, "input": 1, "error": "EVAL_FALSE"},
             "P2WPKH signature byte flipped (consensus flags)")
    r.expect(p2wpkh.request(tx=bad, index=1, flags="STANDARD"), {"valid": False, "input": 1, "error": "NULLFAIL"},
             "P2WPKH signature byte flipped (policy flags: NULLFAIL)")
    r.expect(p2wpkh.request(tx=bad, index=0), VALID, "P2WPKH flipped: legacy input 0 still valid")

    # P2PK (legacy): the scriptSig is one push of the signature; skip the push opcode.
    bad_legacy = flip(p2wpkh.tx, 0, ("script_sig",), 1 + sig_r_byte)
    r.expect(p2wpkh.request(tx=bad_legacy, index=0), {"valid": False, "input": 0, "error": "EVAL_FALSE"},
             "P2PK signature byte flipped")
    both = flip(bad_legacy, 1, ("witness", 0), sig_r_byte)
    r.expect(p2wpkh.request(tx=both), {"valid": False, "input": 0, "error": "EVAL_FALSE"},
             "two inputs broken, no index: the first is reported")
    only_second = flip(p2wpkh.tx, 1, ("witness", 0), sig_r_byte)
    r.expect(p2wpkh.request(tx=only_second), {"valid": False, "input": 1, "error": "EVAL_FALSE"},
             "second input broken, no index: input 1 reported")

    # Nine-input transaction, inputs 5 (P2WPKH) and 7 (taproot) broken: input 5 comes first.
    bad = flip(flip(taproot.tx, 7, ("witness", 0), 5), 5, ("witness", 0), sig_r_byte)
    r.expect(taproot.request(tx=bad), {"valid": False, "input": 5, "error": "EVAL_FALSE"},
             "bip341 tx with inputs 5 and 7 broken: input 5 reported")

    # Flags decide what is checked: without WITNESS, a P2SH-P2WPKH witness is not looked at.
    bad = flip(p2sh_p2wpkh.tx, 0, ("witness", 0), sig_r_byte)
    r.expect(p2sh_p2wpkh.request(tx=bad), {"valid": False, "input": 0, "error": "EVAL_FALSE"},
             "P2SH-P2WPKH witness signature flipped")
    r.expect(p2sh_p2wpkh.request(tx=bad, flags="P2SH"), VALID, "flags P2SH only: witness not verified")
    r.expect(p2sh_p2wpkh.request(tx=bad, flags="NONE"), VALID, "flags NONE: only the hash is checked")
    r.expect(p2sh_p2wpkh.request(flags="P2SH,WITNESS"), VALID, "P2SH-P2WPKH with P2SH,WITNESS")


def test_wrong_amounts(r, taproot, hash_types, p2wpkh, p2sh_p2wpkh):
    # BIP143 commits to the amount of the input being signed.
    amount = p2wpkh.spent[1]["amount"]
    r.expect(p2wpkh.request(spent_outputs=p2wpkh.with_amount(1, amount + 1), index=1),
             {"valid": False, "input": 1, "error": "EVAL_FALSE"}, "P2WPKH amount off by one satoshi")
    r.expect(p2wpkh.request(spent_outputs=p2wpkh.with_amount(0, 1), index=0), VALID,
             "legacy P2PK does not commit to its amount")
    r.expect(p2sh_p2wpkh.request(spent_outputs=p2sh_p2wpkh.with_amount(0, 999_999_999)),
             {"valid": False, "input": 0, "error": "EVAL_FALSE"}, "P2SH-P2WPKH wrong amount")

    # BIP341 commits to every input's amount: changing input 2's (a legacy P2PKH input, itself
    # unaffected) breaks input 0, unless the signature is ANYONECANPAY (input 1).
    r.check(hash_types[0] & 0x80 == 0 and hash_types[1] & 0x80 != 0, "vector hash types as expected")
    changed = taproot.with_amount(2, taproot.spent[2]["amount"] + 1)
    r.expect(taproot.request(spent_outputs=changed, index=2), VALID, "P2PKH input 2 with its amount changed")
    r.expect(taproot.request(spent_outputs=changed, index=0), {"valid": False, "input": 0, "error": "SCHNORR_SIG"},
             "taproot input 0 fails when another input's amount is wrong")
    r.expect(taproot.request(spent_outputs=changed, index=1), VALID,
             "ANYONECANPAY taproot input 1 ignores other inputs' amounts")
    r.expect(taproot.request(spent_outputs=changed), {"valid": False, "input": 0, "error": "SCHNORR_SIG"},
             "no index: first failing input reported")
    # ... and to every spent scriptPubKey.
    spent = [dict(s) for s in taproot.spent]
    spent[2]["scriptPubKey"] = "51"
    r.expect(taproot.request(spent_outputs=spent, index=3), {"valid": False, "input": 3, "error": "SCHNORR_SIG"},
             "taproot input fails when another input's scriptPubKey is wrong")
    r.expect(taproot.request(spent_outputs=taproot.with_amount(1, taproot.spent[1]["amount"] - 1), index=1),
             {"valid": False, "input": 1, "error": "SCHNORR_SIG"}, "ANYONECANPAY input still commits to its own amount")


def malformed_requests(spend):
    good = spend.request()
    n = len(spend.spent)
    spent = spend.spent

    def with_spent(i, **fields):
        s = [dict(x) for x in spent]
        s[i].update(fields)
        return spend.request(spent_outputs=s)

    without_key = {k: v for k, v in spent[0].items() if k != "amount"}
    return {
        "not JSON": "this is not json",
        "truncated JSON": json.dumps(good)[:-5],
        "JSON array": json.dumps([good]),
        "JSON string": '"tx"',
        "trailing garbage": json.dumps(good) + " x",
        "missing tx": {"spent_outputs": spent},
        "tx not a string": spend.request(tx=1234),
        "tx odd-length hex": spend.request(tx=spend.tx[:-1]),
        "tx non-hex": spend.request(tx="zz" + spend.tx[2:]),
        "tx truncated": spend.request(tx=spend.tx[:-8]),
        "tx with trailing bytes": spend.request(tx=spend.tx + "00"),
        "tx empty": spend.request(tx=""),
        "missing spent_outputs": {"tx": spend.tx},
        "spent_outputs not an array": spend.request(spent_outputs={"amount": 1}),
        "one spent output too few": spend.request(spent_outputs=spent[:-1]),
        "one spent output too many": spend.request(spent_outputs=spent + [spent[0]]),
        "spent output not an object": spend.request(spent_outputs=[1] * n),
        "amount missing": spend.request(spent_outputs=[without_key] + spent[1:]),
        "amount negative": with_spent(0, amount=-1),
        "amount above 21 million BTC": with_spent(0, amount=2_100_000_000_000_001),
        "amount not an integer": with_spent(0, amount=1.5),
        "amount in exponent form": json.dumps(spend.request()).replace(
            f'"amount": {spent[0]["amount"]}', '"amount": 1e3', 1),
        "amount a string": with_spent(0, amount="100"),
        "amount beyond int64": json.dumps(spend.request()).replace(
            f'"amount": {spent[0]["amount"]}', '"amount": 99999999999999999999999', 1),
        "scriptPubKey bad hex": with_spent(0, scriptPubKey="0g"),
        "scriptPubKey missing": spend.request(spent_outputs=[{"amount": 1}] + spent[1:]),
        "unknown field in spent output": with_spent(0, value=5),
        "index out of range": spend.request(index=n),
        "index negative": spend.request(index=-1),
        "index not an integer": spend.request(index=0.5),
        "index a string": spend.request(index="0"),
        "unknown flag": spend.request(flags="P2SH,FLYING"),
        "flags not a string": spend.request(flags=["P2SH"]),
        "WITNESS without P2SH": spend.request(flags="WITNESS"),
        "CLEANSTACK without WITNESS": spend.request(flags="P2SH,CLEANSTACK"),
        "misspelt field": dict(good, indx=0),
    }


def test_malformed(r, spend):
    cases = malformed_requests(spend)
    lines = []
    for request in cases.values():
        lines += [request, spend.request(index=0)]
    got = r.answers(lines, "malformed requests")
    r.check(len(got) == len(lines), f"one answer per request line ({len(got)} for {len(lines)})")
    for i, name in enumerate(cases):
        if 2 * i + 1 >= len(got):
            break
        answer, after = got[2 * i], got[2 * i + 1]
        r.check(isinstance(answer, dict) and list(answer) == ["error"] and isinstance(answer["error"], str)
                and answer["error"], f"{name}: answered with an error, got {answer}")
        r.check(after == VALID, f"{name}: the next line is still processed, got {after}")
    print(f"malformed requests: {len(cases)} kinds, each followed by a valid request")

    # A few messages must say what is wrong (checked loosely: the wording may improve).
    def error_of(request):
        got = r.answers([request], "error wording")
        return got[0].get("error", "") if got and isinstance(got[0], dict) else ""
    r.check("FLYING" in error_of(cases["unknown flag"]), "unknown flag is named")
    r.check("indx" in error_of(cases["misspelt field"]), "unknown field is named")
    r.check("out of range" in error_of(cases["index out of range"]), "index out of range is said")
    r.check(str(len(spend.spent)) in error_of(cases["one spent output too few"]), "spent_outputs count mismatch said")


def test_line_handling(r, spend):
    good = json.dumps(spend.request())
    # Blank lines get no answer; CRLF line ends and surrounding spaces are accepted.
    got = r.answers(["", "   ", good, "", "  " + good + "  \r", "\t"], "blank lines and CRLF")
    r.check(got == [VALID, VALID], f"blank lines skipped, CRLF accepted: {got}")
    # No final newline.
    proc = r.run("util", "verifyscript", stdin_text=good)
    r.check(proc.returncode == 0 and proc.stdout == '{"valid":true}\n', f"last line without newline: {proc.stdout!r}")
    # Empty input: no answers, exit 0.
    proc = r.run("util", "verifyscript", stdin_text="")
    r.check(proc.returncode == 0 and proc.stdout == "", "empty input: no output, exit 0")
    # A line over the limit is refused without being parsed, and the next one is processed.
    huge = "x" * (MAX_REQUEST_BYTES + 10)
    got = r.answers([huge, good, '{"tx": "' + "00" * (MAX_REQUEST_BYTES // 2) + '"}', good], "over-long lines")
    r.check(len(got) == 4 and "error" in got[0] and "longer" in got[0]["error"], f"over-long line refused: {got[:1]}")
    r.check(len(got) == 4 and got[1] == VALID and got[3] == VALID, "lines after an over-long line processed")
    r.check(len(got) == 4 and "error" in got[2], "over-long JSON line refused")


def test_argument_form(r, spend):
    proc = r.run("util", "verifyscript", json.dumps(spend.request()))
    r.check(proc.returncode == 0 and proc.stdout == '{"valid":true}\n', f"argument form valid: {proc.stdout!r}")
    bad = flip(spend.tx, 0, ("witness", 0), 10)
    proc = r.run("util", "verifyscript", json.dumps(spend.request(tx=bad, index=0)))
    r.check(proc.returncode == 0 and json.loads(proc.stdout) == {"valid": False, "input": 0, "error": "SCHNORR_SIG"},
            f"argument form invalid spend: {proc.stdout!r}")
    proc = r.run("util", "verifyscript", "{not json")
    r.check(proc.returncode == 0 and list(json.loads(proc.stdout)) == ["error"],
            f"argument form malformed request answered with an error: {proc.stdout!r}")
    # With an argument, stdin is not read.
    proc = r.run("util", "verifyscript", json.dumps(spend.request()), stdin_text="garbage\n" * 3)
    r.check(proc.stdout.count("\n") == 1, "argument form ignores stdin")


def test_interactive(r, spend):
    """Each answer must be flushed before the next request arrives (a caller may wait for it)."""
    proc = subprocess.Popen([r.tonari, "util", "verifyscript"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, bufsize=1)
    try:
        for request, expected in [(spend.request(index=0), VALID), ("nope", None), (spend.request(index=1), VALID)]:
            proc.stdin.write((json.dumps(request) if not isinstance(request, str) else request) + "\n")
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], 30)
            r.check(bool(ready), "interactive: answer arrives before more input")
            if not ready:
                return
            answer = json.loads(proc.stdout.readline())
            r.check(answer == expected if expected else "error" in answer, f"interactive answer {answer}")
        proc.stdin.close()
        r.check(proc.wait(timeout=30) == 0, "interactive: exit 0 at end of input")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_surface(r):
    proc = r.run("util", "--help")
    r.check(proc.returncode == 0 and "verifyscript" in proc.stdout, "util --help lists verifyscript")
    proc = r.run("util", "verifyscript", "--help")
    r.check(proc.returncode == 0 and "spent_outputs" in proc.stdout and "MANDATORY" in proc.stdout
            and "P2SH,DERSIG,NULLDUMMY,CHECKLOCKTIMEVERIFY,CHECKSEQUENCEVERIFY,WITNESS,TAPROOT" in proc.stdout,
            "verifyscript --help describes the request and the default flags")
    proc = r.run("util", "verifyscript", "{}", "{}")
    r.check(proc.returncode > 0 and proc.stdout == "", f"two arguments is a usage error (exit {proc.returncode})")
    proc = r.run("util", "verifyscript", "--no-such-option")
    r.check(proc.returncode > 0, "unknown option is a usage error")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tonari", required=True)
    ap.add_argument("--data", required=True)
    args = ap.parse_args()
    r = Runner(args.tonari)
    data = pathlib.Path(args.data)
    taproot, hash_types, p2wpkh, p2sh_p2wpkh = load_spends(data)
    # The helper codec must reproduce the vectors exactly, or tampering tests mean nothing.
    for spend in (taproot, p2wpkh, p2sh_p2wpkh):
        r.check(serialize_tx(parse_tx(spend.tx)) == spend.tx, f"{spend.name}: test codec round-trips")
    r.check(len(taproot.spent) == 9 and len(p2wpkh.spent) == 2, "vector shapes as expected")

    test_cli_surface(r)
    test_valid_spends(r, [taproot, p2wpkh, p2sh_p2wpkh])
    test_tampered_signatures(r, taproot, p2wpkh, p2sh_p2wpkh)
    test_wrong_amounts(r, taproot, hash_types, p2wpkh, p2sh_p2wpkh)
    test_malformed(r, taproot)
    test_line_handling(r, p2wpkh)
    test_argument_form(r, taproot)
    test_interactive(r, taproot)
    return r.finish()


if __name__ == "__main__":
    sys.exit(main())
