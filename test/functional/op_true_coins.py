"""Coins anyone can spend, for tests that build transactions without keys: outputs paying to
P2WSH(OP_TRUE), spent with the one-byte witness script as the only witness item."""
import hashlib
import math
import struct

from p2p_peer import ser_compact_size

OP_TRUE_SCRIPT = b"\x51"
P2WSH_OP_TRUE = b"\x00\x20" + hashlib.sha256(OP_TRUE_SCRIPT).digest()


def op_return(data_len):
    """OP_RETURN with one push of `data_len` bytes (direct, PUSHDATA1 or PUSHDATA2)."""
    data = bytes([0xab]) * data_len
    if data_len <= 75:
        push = bytes([data_len])
    elif data_len <= 255:
        push = b"\x4c" + bytes([data_len])
    else:
        push = b"\x4d" + struct.pack("<H", data_len)
    return b"\x6a" + push + data


def spend(coin, outputs, sequence=0xFFFFFFFD):
    """A version 2 transaction spending `coin` (txid hex, vout) of P2WSH(OP_TRUE) to `outputs`
    [(sats, script)]. Returns (hex, vsize)."""
    txid, vout = coin
    base = struct.pack("<i", 2) + ser_compact_size(1) + bytes.fromhex(txid)[::-1] + struct.pack("<I", vout)
    base += b"\x00" + struct.pack("<I", sequence)
    outs = ser_compact_size(len(outputs)) + b"".join(
        struct.pack("<q", v) + ser_compact_size(len(s)) + s for v, s in outputs)
    witness = ser_compact_size(1) + ser_compact_size(len(OP_TRUE_SCRIPT)) + OP_TRUE_SCRIPT
    stripped = base + outs + struct.pack("<I", 0)
    full = base[:4] + b"\x00\x01" + base[4:] + outs + witness + struct.pack("<I", 0)
    weight = len(stripped) * 3 + len(full)
    return full.hex(), math.ceil(weight / 4)


def mined_coins(node, first_height, count):
    """[((txid, 0), value_sats)] of the coinbases of `count` blocks from `first_height` (mined to
    P2WSH(OP_TRUE))."""
    from decimal import Decimal
    coins = []
    for height in range(first_height, first_height + count):
        block = node.call("getblock", node.call("getblockhash", height), 2)
        cb = block["tx"][0]
        coins.append(((cb["txid"], 0), int(Decimal(cb["vout"][0]["value"]) * 100_000_000)))
    return coins
