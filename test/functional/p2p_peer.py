"""A minimal Bitcoin P2P peer for functional tests, in pure Python (standard library only).

It frames messages for regtest, performs the version/verack handshake, collects what the node
sends on a background thread, and can build regtest block headers and blocks (a coinbase paying
to OP_TRUE, proof of work ground at regtest's easy target). Tests use it to send the node both
honest and hostile traffic; every wait takes a deadline, so a silent node fails a check instead
of hanging the test.
"""
import hashlib
import random
import socket
import struct
import threading
import time

REGTEST_MAGIC = bytes.fromhex("fabfb5da")
PROTOCOL_VERSION = 70016
NODE_NETWORK = 1
NODE_WITNESS = 8
HEADER_SIZE = 24
MAX_HEADERS_RESULTS = 2000
REGTEST_BITS = 0x207FFFFF
REGTEST_HALVING_INTERVAL = 150
COIN = 100_000_000
OP_TRUE = b"\x51"
# Versionbits top bits: BIP34/65/66 make versions below 4 invalid on regtest.
BLOCK_VERSION = 0x20000000


def sha256d(data):
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def checksum(payload):
    return sha256d(payload)[:4]


def ser_compact_size(n):
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + struct.pack("<H", n)
    if n <= 0xFFFFFFFF:
        return b"\xfe" + struct.pack("<I", n)
    return b"\xff" + struct.pack("<Q", n)


def read_compact_size(buf, off):
    """Returns (value, new offset)."""
    first = buf[off]
    if first < 0xFD:
        return first, off + 1
    if first == 0xFD:
        return struct.unpack_from("<H", buf, off + 1)[0], off + 3
    if first == 0xFE:
        return struct.unpack_from("<I", buf, off + 1)[0], off + 5
    return struct.unpack_from("<Q", buf, off + 1)[0], off + 9


def ser_string(b):
    return ser_compact_size(len(b)) + b


def frame_header(command, length, csum, magic=REGTEST_MAGIC):
    cmd = command.encode() if isinstance(command, str) else command
    assert len(cmd) <= 12
    return magic + cmd.ljust(12, b"\x00") + struct.pack("<I", length) + csum


def frame(command, payload=b"", magic=REGTEST_MAGIC):
    return frame_header(command, len(payload), checksum(payload), magic) + payload


def hash_from_hex(h):
    """RPC shows hashes byte-reversed; the wire carries them in internal order."""
    return bytes.fromhex(h)[::-1]


def hash_to_hex(b):
    return b[::-1].hex()


def ser_legacy_addr(services=0, ip="0.0.0.0", port=0):
    """26 bytes: services, IPv4-mapped IPv6 address, big-endian port (no time field)."""
    return struct.pack("<Q", services) + b"\x00" * 10 + b"\xff\xff" + socket.inet_aton(ip) + struct.pack(">H", port)


def version_payload(start_height=0, version=PROTOCOL_VERSION, services=NODE_NETWORK | NODE_WITNESS,
                    user_agent=b"/tonari-test:0.1/", relay=True, nonce=None):
    return (struct.pack("<iQq", version, services, int(time.time())) +
            ser_legacy_addr(0, "127.0.0.1", 0) + ser_legacy_addr(services, "0.0.0.0", 0) +
            struct.pack("<Q", nonce if nonce is not None else random.getrandbits(64)) +
            ser_string(user_agent) + struct.pack("<i", start_height) + bytes([1 if relay else 0]))


def getheaders_payload(locator_hashes, stop=b"\x00" * 32, version=PROTOCOL_VERSION):
    return struct.pack("<I", version) + ser_compact_size(len(locator_hashes)) + b"".join(locator_hashes) + stop


def headers_payload(headers):
    """headers: a list of 80-byte serialized headers; each is followed by a zero tx count."""
    return ser_compact_size(len(headers)) + b"".join(h + b"\x00" for h in headers)


def parse_headers(payload):
    count, off = read_compact_size(payload, 0)
    out = []
    for _ in range(count):
        out.append(payload[off:off + 80])
        off += 80
        _, off = read_compact_size(payload, off)
    return out


# ---- blocks ----

def bits_to_target(bits):
    exponent = bits >> 24
    mantissa = bits & 0x007FFFFF
    return mantissa << (8 * (exponent - 3))


def ser_header(version, prev, merkle, ntime, bits, nonce):
    return struct.pack("<i", version) + prev + merkle + struct.pack("<III", ntime, bits, nonce)


def header_hash(header80):
    return sha256d(header80)


def grind_header(version, prev, merkle, ntime, bits=REGTEST_BITS):
    """Returns the first serialized header whose hash meets the target (about two tries)."""
    target = bits_to_target(bits)
    nonce = 0
    while True:
        h = ser_header(version, prev, merkle, ntime, bits, nonce)
        if int.from_bytes(header_hash(h), "little") <= target:
            return h
        nonce += 1


def script_num(n):
    """A minimal CScriptNum encoding (little-endian magnitude, sign bit in the last byte)."""
    if n == 0:
        return b""
    neg = n < 0
    v = abs(n)
    out = bytearray()
    while v:
        out.append(v & 0xFF)
        v >>= 8
    if out[-1] & 0x80:
        out.append(0x80 if neg else 0x00)
    elif neg:
        out[-1] |= 0x80
    return bytes(out)


def bip34_height_push(height):
    """What `CScript() << height` produces: OP_0, OP_1..OP_16, or a minimal data push."""
    if height == 0:
        return b"\x00"
    if 1 <= height <= 16:
        return bytes([0x50 + height])
    data = script_num(height)
    return bytes([len(data)]) + data


def ser_tx(inputs, outputs, version=1, locktime=0):
    """inputs: (prev txid 32 bytes, vout, scriptSig, sequence); outputs: (value sat, scriptPubKey)."""
    out = struct.pack("<i", version) + ser_compact_size(len(inputs))
    for txid, vout, script_sig, seq in inputs:
        out += txid + struct.pack("<I", vout) + ser_string(script_sig) + struct.pack("<I", seq)
    out += ser_compact_size(len(outputs))
    for value, spk in outputs:
        out += struct.pack("<q", value) + ser_string(spk)
    return out + struct.pack("<I", locktime)


def block_subsidy(height):
    halvings = height // REGTEST_HALVING_INTERVAL
    return 0 if halvings >= 64 else (50 * COIN) >> halvings


def coinbase_tx(height, value=None, extra=b"\x00", spk=OP_TRUE):
    """A coinbase with the BIP34 height push plus `extra` bytes (scriptSig must be ≥ 2 bytes),
    paying `value` (default: the full subsidy) to `spk` (default OP_TRUE)."""
    script_sig = bip34_height_push(height) + extra
    return ser_tx([(b"\x00" * 32, 0xFFFFFFFF, script_sig, 0xFFFFFFFF)],
                  [(block_subsidy(height) if value is None else value, spk)])


def merkle_root(txids):
    layer = list(txids)
    while len(layer) > 1:
        if len(layer) % 2:
            layer.append(layer[-1])
        layer = [sha256d(layer[i] + layer[i + 1]) for i in range(0, len(layer), 2)]
    return layer[0]


def build_block(prev_hash, height, ntime, coinbase_value=None, bad_merkle=False, extra=b"\x00", txs=(),
                duplicate_last=False, spk=OP_TRUE):
    """A regtest block: our coinbase (see coinbase_tx) then the serialized non-witness `txs`.
    bad_merkle flips a bit of the header's merkle root; duplicate_last appends a second copy of
    the last transaction after the root is computed (CVE-2012-2459: same root, invalid block).
    Returns (serialized block, block hash in internal order)."""
    all_txs = [coinbase_tx(height, coinbase_value, extra, spk), *txs]
    root = merkle_root([sha256d(t) for t in all_txs])
    if bad_merkle:
        root = bytes([root[0] ^ 0x01]) + root[1:]
    if duplicate_last:
        all_txs.append(all_txs[-1])
    header = grind_header(BLOCK_VERSION, prev_hash, root, ntime)
    return header + ser_compact_size(len(all_txs)) + b"".join(all_txs), header_hash(header)


def tip_info(node):
    """(tip hash internal order, height, time for a new block on it) from the node's RPC."""
    best = node.call("getbestblockhash")
    hdr = node.call("getblockheader", best)
    ntime = max(int(hdr["time"]) + 1, int(hdr["mediantime"]) + 1)
    return hash_from_hex(best), int(hdr["height"]), ntime


def build_header_chain(prev_hash, prev_time, count, seed=0):
    """`count` valid-PoW headers (random merkle roots) each 1 second after its parent."""
    rng = random.Random(seed)
    headers = []
    prev, t = prev_hash, prev_time
    for _ in range(count):
        t += 1
        h = grind_header(BLOCK_VERSION, prev, rng.randbytes(32), t)
        headers.append(h)
        prev = header_hash(h)
    return headers


# ---- coins of our own ----

class Miner:
    """The scripted peer's own chain on top of the node's tip: coinbases pay to P2SH(OP_TRUE),
    whose spends are standard, so they can sit in a mempool."""

    def __init__(self, node):
        self.node = node
        p2sh = node.call("decodescript", "51")["p2sh"]
        self.spk = bytes.fromhex(node.call("validateaddress", p2sh)["scriptPubKey"])
        self.coins = []  # (txid, value) of mature-to-be coinbase outputs
        self.refresh()

    def refresh(self):
        self.prev, self.height, self.time = tip_info(self.node)

    def block(self, txs=()):
        """The next block on our view of the tip (not sent). Returns (bytes, hash, coinbase)."""
        h = self.height + 1
        block, bhash = build_block(self.prev, h, self.time, txs=txs, spk=self.spk)
        return block, bhash, coinbase_tx(h, None, b"\x00", self.spk)

    def advance(self, bhash, coinbase):
        self.prev, self.height, self.time = bhash, self.height + 1, self.time + 1
        self.coins.append((sha256d(coinbase), block_subsidy(self.height)))

    def spend(self, fee=10_000):
        txid, value = self.coins.pop(0)
        return ser_tx([(txid, 0, b"\x01\x51", 0xFFFFFFFF)], [(value - fee, self.spk)])


def split_txs(block):
    """The serialized transactions of a block built by build_block (non-witness)."""
    count, off = read_compact_size(block, 80)
    out = []
    for _ in range(count):
        start = off
        off += 4
        n_in, off = read_compact_size(block, off)
        for _ in range(n_in):
            off += 36
            slen, off = read_compact_size(block, off)
            off += slen + 4
        n_out, off = read_compact_size(block, off)
        for _ in range(n_out):
            off += 8
            slen, off = read_compact_size(block, off)
            off += slen
        off += 4
        out.append(block[start:off])
    return out


# ---- compact blocks (BIP152 version 2) ----

MASK64 = (1 << 64) - 1


def siphash24(k0, k1, data):
    """SipHash-2-4 of `data` under the 128-bit key (k0, k1), as a 64-bit integer."""
    v = [k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D, k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573]

    def rotl(x, b):
        return ((x << b) | (x >> (64 - b))) & MASK64

    def rounds(n):
        for _ in range(n):
            v[0] = (v[0] + v[1]) & MASK64
            v[1] = rotl(v[1], 13) ^ v[0]
            v[0] = rotl(v[0], 32)
            v[2] = (v[2] + v[3]) & MASK64
            v[3] = rotl(v[3], 16) ^ v[2]
            v[0] = (v[0] + v[3]) & MASK64
            v[3] = rotl(v[3], 21) ^ v[0]
            v[2] = (v[2] + v[1]) & MASK64
            v[1] = rotl(v[1], 17) ^ v[2]
            v[2] = rotl(v[2], 32)

    whole = len(data) // 8 * 8
    for i in range(0, whole, 8):
        m = int.from_bytes(data[i:i + 8], "little")
        v[3] ^= m
        rounds(2)
        v[0] ^= m
    last = (len(data) & 0xFF) << 56 | int.from_bytes(data[whole:], "little")
    v[3] ^= last
    rounds(2)
    v[0] ^= last
    v[2] ^= 0xFF
    rounds(4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def short_id(header80, nonce, wtxid):
    """BIP152's 6-byte short id of a transaction (wtxid in internal byte order)."""
    key = hashlib.sha256(header80 + struct.pack("<Q", nonce)).digest()
    k0, k1 = struct.unpack_from("<QQ", key)
    return siphash24(k0, k1, wtxid) & 0xFFFFFFFFFFFF


def cmpctblock_payload(header80, nonce, short_ids, prefilled):
    """prefilled: [(absolute index, serialized tx)], increasing."""
    out = header80 + struct.pack("<Q", nonce) + ser_compact_size(len(short_ids))
    out += b"".join(sid.to_bytes(6, "little") for sid in short_ids)
    out += ser_compact_size(len(prefilled))
    last = -1
    for index, tx in prefilled:
        out += ser_compact_size(index - last - 1) + tx
        last = index
    return out


def getblocktxn_payload(block_hash, indexes):
    out = block_hash + ser_compact_size(len(indexes))
    last = -1
    for index in indexes:
        out += ser_compact_size(index - last - 1)
        last = index
    return out


def parse_getblocktxn(payload):
    """(block hash, absolute indexes)."""
    block_hash = payload[:32]
    count, off = read_compact_size(payload, 32)
    indexes, last = [], -1
    for _ in range(count):
        gap, off = read_compact_size(payload, off)
        last = last + gap + 1
        indexes.append(last)
    return block_hash, indexes


def blocktxn_payload(block_hash, txs):
    return block_hash + ser_compact_size(len(txs)) + b"".join(txs)


# ---- the connection ----

class Message:
    def __init__(self, command, payload):
        self.command = command
        self.payload = payload

    def __repr__(self):
        return f"Message({self.command}, {len(self.payload)} bytes)"


class P2PPeer:
    """One TCP connection to a node. A reader thread parses frames into `messages` and sets
    `closed` when the node ends the connection (EOF or reset)."""

    def __init__(self, port, host="127.0.0.1", connect_timeout=10):
        self.sock = socket.create_connection((host, port), timeout=connect_timeout)
        self.sock.settimeout(None)
        self.messages = []
        self.closed = False
        self.bad_frames = 0
        self.cond = threading.Condition()
        self.reader = threading.Thread(target=self._read_loop, daemon=True)
        self.reader.start()

    def _read_loop(self):
        buf = b""
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                buf += data
                while len(buf) >= HEADER_SIZE:
                    length = struct.unpack_from("<I", buf, 16)[0]
                    if len(buf) < HEADER_SIZE + length:
                        break
                    head, payload = buf[:HEADER_SIZE], buf[HEADER_SIZE:HEADER_SIZE + length]
                    buf = buf[HEADER_SIZE + length:]
                    command = head[4:16].rstrip(b"\x00").decode(errors="replace")
                    with self.cond:
                        if head[:4] != REGTEST_MAGIC or checksum(payload) != head[20:24]:
                            self.bad_frames += 1
                        self.messages.append(Message(command, payload))
                        self.cond.notify_all()
        except OSError:
            pass
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    # -- sending --

    def send_raw(self, data):
        """Returns False when the node has already closed the connection."""
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            return False

    def send_msg(self, command, payload=b""):
        return self.send_raw(frame(command, payload))

    # -- receiving --

    def wait_until(self, predicate, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
            return True

    def wait_for(self, command, timeout=10, match=None, after=0):
        """The first message named `command` (at index ≥ after, satisfying `match`), or None."""
        found = []

        def pred():
            for m in self.messages[after:]:
                if m.command == command and (match is None or match(m)):
                    found.append(m)
                    return True
            return self.closed
        self.wait_until(pred, timeout)
        return found[0] if found else None

    def wait_for_disconnect(self, timeout=10):
        return self.wait_until(lambda: self.closed, timeout)

    def commands(self):
        with self.cond:
            return [m.command for m in self.messages]

    # -- protocol --

    def handshake(self, start_height=0, timeout=10):
        """version → (version, wtxidrelay, sendaddrv2, verack) → verack. True on success."""
        self.send_msg("version", version_payload(start_height))
        if self.wait_for("verack", timeout) is None:
            return False
        return self.send_msg("verack")

    def ping(self, timeout=10):
        """Sends a ping with a random nonce; True when the matching pong arrives."""
        nonce = random.getrandbits(64)
        self.send_msg("ping", struct.pack("<Q", nonce))
        pong = self.wait_for("pong", timeout, match=lambda m: m.payload == struct.pack("<Q", nonce))
        return pong is not None

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.reader.join(timeout=10)
