#!/usr/bin/env python3
"""BIP324 (v2 encrypted P2P transport) in pure Python, for functional tests.

secp256k1 and ElligatorSwift are plain-int arithmetic (slow, not constant time: test keys only);
the ChaCha20 and ChaCha20-Poly1305 primitives come from `cryptography`. On top sit the BIP's
FSChaCha20 / FSChaCha20Poly1305 rekeying wrappers, the packet cipher, and `V2Peer`: a scripted
initiator that connects to a node, completes the v2 handshake and the Bitcoin version/verack
exchange, and exposes the low-level hooks a hostile test needs. Every wait takes a deadline.

`python3 bip324_peer.py --selftest` checks everything against the BIP's test vectors
(test/data/bips/bip324_*.csv) and exits non-zero on any mismatch.
"""
import csv
import hashlib
import hmac
import os
import random
import secrets
import socket
import struct
import sys
import threading
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

import p2p_peer as pp

# ---- secp256k1 ----

P = 2**256 - 2**32 - 977
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
G = (0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
     0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8)


def fe_inv(a):
    # Fermat rather than pow(a, -1, P): inv(0) = 0 instead of an exception, and the callers
    # below never divide by zero on inputs the BIP allows.
    return pow(a, P - 2, P)


def fe_sqrt(a):
    """The square root a^((p+1)/4) mod p, or None when a is not a square. Since p = 3 mod 4 this
    exponent gives a root whenever one exists; it is "the" root the BIP means (itself a square)."""
    a %= P
    r = pow(a, (P + 1) // 4, P)
    return r if r * r % P == a else None


def lift_x(x):
    """The curve point with X coordinate x and even Y, or None when x is not on the curve."""
    if not 0 <= x < P:
        return None
    y = fe_sqrt(pow(x, 3, P) + 7)
    if y is None:
        return None
    return (x, y if y % 2 == 0 else P - y)


def is_valid_x(x):
    return fe_sqrt(pow(x, 3, P) + 7) is not None


# Jacobian coordinates (X, Y, Z) stand for (X/Z^2, Y/Z^3); Z = 0 is the point at infinity. They
# spare a field inversion per addition, which in pure Python is most of the cost.
_INF = (0, 1, 0)


def _jac_double(p1):
    x1, y1, z1 = p1
    if z1 == 0 or y1 == 0:
        return _INF
    ysq = y1 * y1 % P
    s = 4 * x1 * ysq % P
    m = 3 * x1 * x1 % P
    x3 = (m * m - 2 * s) % P
    y3 = (m * (s - x3) - 8 * ysq * ysq) % P
    z3 = 2 * y1 * z1 % P
    return (x3, y3, z3)


def _jac_add(p1, p2):
    if p1[2] == 0:
        return p2
    if p2[2] == 0:
        return p1
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    z1sq, z2sq = z1 * z1 % P, z2 * z2 % P
    u1, u2 = x1 * z2sq % P, x2 * z1sq % P
    s1, s2 = y1 * z2sq * z2 % P, y2 * z1sq * z1 % P
    if u1 == u2:
        return _jac_double(p1) if s1 == s2 else _INF
    h = (u2 - u1) % P
    r = (s2 - s1) % P
    h2 = h * h % P
    h3 = h * h2 % P
    u1h2 = u1 * h2 % P
    x3 = (r * r - h3 - 2 * u1h2) % P
    y3 = (r * (u1h2 - x3) - s1 * h3) % P
    z3 = h * z1 * z2 % P
    return (x3, y3, z3)


def point_mul(k, point):
    """k·point for an affine point (x, y); returns affine (x, y), or None for infinity."""
    k %= N
    acc = _INF
    addend = (point[0], point[1], 1)
    while k:
        if k & 1:
            acc = _jac_add(acc, addend)
        addend = _jac_double(addend)
        k >>= 1
    if acc[2] == 0:
        return None
    zinv = fe_inv(acc[2])
    zinv2 = zinv * zinv % P
    return (acc[0] * zinv2 % P, acc[1] * zinv2 * zinv % P)


# ---- ElligatorSwift ----

# √-3 mod p, the square one of the two roots (BIP324's constant c).
ELLSWIFT_C = 0xA2D2BA93507F1DF233770C2A797962CC61F6D15DA14ECD47D8D27AE1CD5F852


def xswiftec(u, t):
    """Maps any (u, t) to an X coordinate on the curve (BIP324's XSwiftEC)."""
    u %= P
    t %= P
    # The paper's map sends these few inputs to infinity; the BIP remaps them so that no
    # 64-byte string is an invalid key.
    if u == 0:
        u = 1
    if t == 0:
        t = 1
    if (pow(u, 3, P) + t * t + 7) % P == 0:
        t = 2 * t % P
    x_big = (pow(u, 3, P) + 7 - t * t) * fe_inv(2 * t) % P
    y_big = (x_big + t) * fe_inv(ELLSWIFT_C * u) % P
    candidate = (u + 4 * y_big * y_big) % P
    if is_valid_x(candidate):
        return candidate
    half = fe_inv(2)
    x_over_y = x_big * fe_inv(y_big) % P
    for candidate in ((-x_over_y - u) * half % P, (x_over_y - u) * half % P):
        if is_valid_x(candidate):
            return candidate
    raise AssertionError("xswiftec: no valid candidate (impossible for secp256k1)")


def xswiftec_inv(x, u, case):
    """A t with xswiftec(u, t) == x for the selected case 0..7, or None (BIP324's XSwiftECInv)."""
    x %= P
    u %= P
    u3_7 = (pow(u, 3, P) + 7) % P
    if case & 2 == 0:
        if is_valid_x((-x - u) % P):
            return None
        v = x
        s = -u3_7 * fe_inv(u * u + u * v + v * v) % P
    else:
        s = (x - u) % P
        if s == 0:
            return None
        r = fe_sqrt(-s * (4 * u3_7 + 3 * u * u * s))
        if r is None:
            return None
        if case & 1 and r == 0:
            return None
        v = (r * fe_inv(s) - u) * fe_inv(2) % P
    w = fe_sqrt(s)
    if w is None:
        return None
    half = fe_inv(2)
    sel = case & 5
    if sel == 0:
        return -w * (u * (1 - ELLSWIFT_C) * half + v) % P
    if sel == 1:
        return w * (u * (1 + ELLSWIFT_C) * half + v) % P
    if sel == 4:
        return w * (u * (1 - ELLSWIFT_C) * half + v) % P
    return -w * (u * (1 + ELLSWIFT_C) * half + v) % P


def xelligatorswift(x, rng=None):
    """A uniformly sampled encoding (u, t) of the X coordinate x."""
    rng = rng or secrets.SystemRandom()
    while True:
        u = rng.randrange(1, P)
        t = xswiftec_inv(x, u, rng.randrange(8))
        if t is not None:
            return u, t


def ellswift_decode(ellswift):
    """The X coordinate (int) a 64-byte ElligatorSwift encoding stands for."""
    assert len(ellswift) == 64
    return xswiftec(int.from_bytes(ellswift[:32], "big"), int.from_bytes(ellswift[32:], "big"))


def pubkey_x(priv32):
    return point_mul(int.from_bytes(priv32, "big"), G)[0]


def ellswift_create(privkey=None):
    """(32-byte private key, 64-byte ElligatorSwift public key). privkey: bytes or int, or None
    for a fresh random key."""
    if privkey is None:
        k = secrets.randbelow(N - 1) + 1
    elif isinstance(privkey, int):
        k = privkey
    else:
        k = int.from_bytes(privkey, "big")
    assert 0 < k < N
    priv32 = k.to_bytes(32, "big")
    u, t = xelligatorswift(pubkey_x(priv32))
    return priv32, u.to_bytes(32, "big") + t.to_bytes(32, "big")


def ellswift_ecdh_xonly(ellswift_theirs, priv32):
    """32-byte X coordinate of priv·(their point)."""
    point = lift_x(ellswift_decode(ellswift_theirs))
    return point_mul(int.from_bytes(priv32, "big"), point)[0].to_bytes(32, "big")


# ---- hashing ----

def tagged_hash(tag, msg):
    t = hashlib.sha256(tag.encode()).digest()
    return hashlib.sha256(t + t + msg).digest()


def hkdf_extract(salt, ikm):
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def hkdf_expand(prk, info, length=32):
    out, block, i = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([i]), hashlib.sha256).digest()
        out += block
        i += 1
    return out[:length]


# ---- BIP324 ciphers ----

REKEY_INTERVAL = 224
LENGTH_LEN = 3
HEADER_LEN = 1
TAG_LEN = 16
IGNORE_BIT = 0x80
MAX_GARBAGE_LEN = 4095
GARBAGE_TERMINATOR_LEN = 16
V2_KEY_LEN = 64
# The BIP's packet vectors were generated for mainnet; nodes under test use regtest's magic.
MAINNET_MAGIC = bytes.fromhex("f9beb4d9")


class FSChaCha20:
    """The length cipher: one ChaCha20 keystream shared by REKEY_INTERVAL consecutive chunks,
    then the next 32 keystream bytes become the key and the nonce's rekey count goes up.

    The keystream is drawn as a stream from one encryptor per key, so a chunk may straddle
    64-byte blocks exactly as the BIP's block-by-block pseudocode does. On rekeying any keystream
    left over from the old key is dropped; with 3-byte chunks there is none (224·3 + 32 = 11
    blocks), so this only differs from the pseudocode for chunk sizes BIP324 never uses."""

    def __init__(self, key):
        self._key = key
        self._chunks = 0
        self._start()

    def _start(self):
        # cryptography's 16-byte ChaCha20 nonce: 4-byte LE block counter, then the 12-byte nonce
        # (4 zero bytes + 8-byte LE count of rekeyings).
        nonce = (0).to_bytes(4, "little") + b"\x00" * 4 + (self._chunks // REKEY_INTERVAL).to_bytes(8, "little")
        self._stream = Cipher(algorithms.ChaCha20(self._key, nonce), mode=None).encryptor()

    def crypt(self, chunk):
        out = self._stream.update(bytes(chunk))
        self._chunks += 1
        if self._chunks % REKEY_INTERVAL == 0:
            self._key = self._stream.update(b"\x00" * 32)
            self._start()
        return out


class FSChaCha20Poly1305:
    """The contents AEAD: nonce = (packets with this key) LE32 + (rekeyings) LE64; after every
    REKEY_INTERVAL packets the key becomes the first 32 bytes of encrypting 32 zero bytes under
    the nonce 0xffffffff + (rekeyings). The counter advances even when decryption fails, as in
    the BIP, although a failure ends the connection anyway."""

    def __init__(self, key):
        self._aead = ChaCha20Poly1305(key)
        self._packets = 0

    def _nonce(self):
        return ((self._packets % REKEY_INTERVAL).to_bytes(4, "little") +
                (self._packets // REKEY_INTERVAL).to_bytes(8, "little"))

    def _advance(self, nonce):
        self._packets += 1
        if self._packets % REKEY_INTERVAL == 0:
            new_key = self._aead.encrypt(b"\xff\xff\xff\xff" + nonce[4:], b"\x00" * 32, b"")[:32]
            self._aead = ChaCha20Poly1305(new_key)

    def encrypt(self, aad, plaintext):
        nonce = self._nonce()
        out = self._aead.encrypt(nonce, bytes(plaintext), bytes(aad))
        self._advance(nonce)
        return out

    def decrypt(self, aad, ciphertext):
        """The plaintext, or None when the tag does not match."""
        nonce = self._nonce()
        try:
            out = self._aead.decrypt(nonce, bytes(ciphertext), bytes(aad))
        except InvalidTag:
            out = None
        self._advance(nonce)
        return out


class BIP324Cipher:
    """One side's packet cipher after the key exchange, with every derived value kept as an
    attribute (the self-test compares them with the vectors)."""

    def __init__(self, priv32, ellswift_ours, ellswift_theirs, initiating, magic=pp.REGTEST_MAGIC):
        self.x_shared = ellswift_ecdh_xonly(ellswift_theirs, priv32)
        # The exact 64-byte encodings go into the secret, so a MitM cannot re-encode a key.
        first, second = (ellswift_ours, ellswift_theirs) if initiating else (ellswift_theirs, ellswift_ours)
        self.shared_secret = tagged_hash("bip324_ellswift_xonly_ecdh", first + second + self.x_shared)
        prk = hkdf_extract(b"bitcoin_v2_shared_secret" + magic, self.shared_secret)
        self.initiator_l = hkdf_expand(prk, b"initiator_L")
        self.initiator_p = hkdf_expand(prk, b"initiator_P")
        self.responder_l = hkdf_expand(prk, b"responder_L")
        self.responder_p = hkdf_expand(prk, b"responder_P")
        terminators = hkdf_expand(prk, b"garbage_terminators")
        self.session_id = hkdf_expand(prk, b"session_id")
        if initiating:
            send_l, send_p, recv_l, recv_p = self.initiator_l, self.initiator_p, self.responder_l, self.responder_p
            self.send_garbage_terminator, self.recv_garbage_terminator = terminators[:16], terminators[16:]
        else:
            send_l, send_p, recv_l, recv_p = self.responder_l, self.responder_p, self.initiator_l, self.initiator_p
            self.send_garbage_terminator, self.recv_garbage_terminator = terminators[16:], terminators[:16]
        self.send_l, self.send_p = FSChaCha20(send_l), FSChaCha20Poly1305(send_p)
        self.recv_l, self.recv_p = FSChaCha20(recv_l), FSChaCha20Poly1305(recv_p)

    def encrypt(self, contents, aad=b"", ignore=False):
        """A whole packet: 3-byte encrypted length of contents, then AEAD(header || contents)."""
        assert len(contents) < 1 << 24
        header = bytes([IGNORE_BIT if ignore else 0])
        body = self.send_p.encrypt(aad, header + bytes(contents))
        return self.send_l.crypt(len(contents).to_bytes(LENGTH_LEN, "little")) + body

    def encrypt_length(self, length):
        """Only an encrypted length field (for a peer that lies about a packet's size); the
        contents cipher is not advanced, so this stream is of no further use."""
        return self.send_l.crypt(length.to_bytes(LENGTH_LEN, "little"))

    def decrypt_length(self, enc3):
        return int.from_bytes(self.recv_l.crypt(enc3), "little")

    def decrypt(self, body, aad=b""):
        """body: the 1 + contents + 16 bytes after the length. (ignore, contents) or None."""
        plain = self.recv_p.decrypt(aad, body)
        if plain is None:
            return None
        return bool(plain[0] & IGNORE_BIT), plain[HEADER_LEN:]


# ---- application layer ----

# BIP324's one-byte message type ids.
SHORT_IDS = {
    1: "addr", 2: "block", 3: "blocktxn", 4: "cmpctblock", 5: "feefilter", 6: "filteradd",
    7: "filterclear", 8: "filterload", 9: "getblocks", 10: "getblocktxn", 11: "getdata",
    12: "getheaders", 13: "headers", 14: "inv", 15: "mempool", 16: "merkleblock",
    17: "notfound", 18: "ping", 19: "pong", 20: "sendcmpct", 21: "tx", 22: "getcfilters",
    23: "cfilter", 24: "getcfheaders", 25: "cfheaders", 26: "getcfcheckpt", 27: "cfcheckpt",
    28: "addrv2",
}
SHORT_ID_OF = {name: i for i, name in SHORT_IDS.items()}
NODE_P2P_V2 = 1 << 11


def encode_contents(command, payload=b"", long_form=False):
    """A v2 message: its one-byte id, or 0 + the 12-byte NUL-padded command, then the payload."""
    if not long_form and command in SHORT_ID_OF:
        return bytes([SHORT_ID_OF[command]]) + payload
    cmd = command.encode() if isinstance(command, str) else command
    assert len(cmd) <= 12
    return b"\x00" + cmd.ljust(12, b"\x00") + payload


def decode_contents(contents):
    """(command, payload); command is None for an empty or truncated message."""
    if not contents:
        return None, b""
    if contents[0] != 0:
        return SHORT_IDS.get(contents[0], f"<id {contents[0]}>"), contents[1:]
    if len(contents) < 13:
        return None, b""
    return contents[1:13].rstrip(b"\x00").decode(errors="replace"), contents[13:]


class V2Peer:
    """A BIP324 initiator on one TCP connection to a node.

    A reader thread only buffers raw bytes and notes when the node closes the connection; all
    decoding happens in the caller's thread, so a hostile test can interleave raw writes,
    forged packets and reads freely. `error` is set when the node's stream does not decode
    (bad MAC, too much garbage); further reads then return None."""

    def __init__(self, port, host="127.0.0.1", connect_timeout=10, magic=pp.REGTEST_MAGIC, privkey=None):
        self.magic = magic
        self.priv, self.ellswift_ours = ellswift_create(privkey)
        self.ellswift_theirs = None
        self.cipher = None
        self.sent_garbage = b""
        self.received_garbage = None
        self.version_contents = None
        self.messages = []
        self.error = None
        self.closed = False
        self.closed_at = None
        self._send_aad = None  # our garbage, authenticated by the first packet we send
        self._recv_aad = None  # theirs, for the first packet they send
        self._pending_len = None  # a decrypted length whose body has not arrived yet
        self._buf = bytearray()
        self._cond = threading.Condition()
        self.sock = socket.create_connection((host, port), timeout=connect_timeout)
        self.sock.settimeout(None)
        self.opened_at = time.monotonic()
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    @property
    def session_id(self):
        return self.cipher.session_id if self.cipher else None

    def local_addr(self):
        host, port = self.sock.getsockname()[:2]
        return f"{host}:{port}"

    # -- raw stream --

    def _read_loop(self):
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                with self._cond:
                    self._buf += data
                    self._cond.notify_all()
        except OSError:
            pass
        with self._cond:
            self.closed = True
            self.closed_at = time.monotonic()
            self._cond.notify_all()

    def _take(self, n, deadline):
        """Exactly n buffered bytes, or None if the deadline passes or the stream ends first."""
        with self._cond:
            while len(self._buf) < n and not self.closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            if len(self._buf) < n:
                return None
            out = bytes(self._buf[:n])
            del self._buf[:n]
            return out

    def send_raw(self, data):
        """Returns False when the node has already closed the connection."""
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            return False

    def wait_for_disconnect(self, timeout=10):
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self.closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    # -- key exchange --

    def send_key(self, garbage=None):
        """Our 64-byte key and garbage (default: a random 0..4095 bytes). Any length is sent as
        asked, so a test can exceed the limit."""
        if garbage is None:
            garbage = random.randbytes(random.randint(0, MAX_GARBAGE_LEN))
        self.sent_garbage = bytes(garbage)
        self._send_aad = self.sent_garbage
        return self.send_raw(self.ellswift_ours + self.sent_garbage)

    def recv_key(self, timeout=10):
        """Reads the node's 64-byte key and derives the session's keys. True on success."""
        theirs = self._take(V2_KEY_LEN, time.monotonic() + timeout)
        if theirs is None:
            return False
        self.ellswift_theirs = theirs
        self.cipher = BIP324Cipher(self.priv, self.ellswift_ours, theirs, True, self.magic)
        return True

    def send_terminator(self):
        return self.send_raw(self.cipher.send_garbage_terminator)

    def recv_garbage(self, timeout=10):
        """Skips the node's garbage up to and including its terminator, which must end within
        4095 + 16 bytes. True when found."""
        term = self.cipher.recv_garbage_terminator
        limit = MAX_GARBAGE_LEN + GARBAGE_TERMINATOR_LEN
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                idx = self._buf.find(term, 0, limit)
                if idx >= 0:
                    self.received_garbage = bytes(self._buf[:idx])
                    self._recv_aad = self.received_garbage
                    del self._buf[:idx + GARBAGE_TERMINATOR_LEN]
                    return True
                if len(self._buf) >= limit:
                    self.error = "no garbage terminator within 4095 bytes of garbage from the node"
                    return False
                left = deadline - time.monotonic()
                if self.closed or left <= 0:
                    return False
                self._cond.wait(left)

    def v2_handshake(self, garbage=None, timeout=10, version_contents=b""):
        """The whole transport handshake: key + garbage, the node's key, our terminator and
        version packet, the node's garbage and version packet. True on success."""
        deadline = time.monotonic() + timeout
        if not self.send_key(garbage):
            return False
        if not self.recv_key(deadline - time.monotonic()):
            return False
        if not (self.send_terminator() and self.send_packet(version_contents)):
            return False
        if not self.recv_garbage(deadline - time.monotonic()):
            return False
        got = self.recv_packet(deadline - time.monotonic(), skip_decoys=True)
        if got is None:
            return False
        self.version_contents = got[1]
        return True

    # -- packets --

    def send_packet(self, contents, ignore=False, aad=None, forge_mac=False):
        """One encrypted packet. The first packet after our terminator authenticates our garbage
        unless `aad` says otherwise; forge_mac flips a bit of the Poly1305 tag."""
        pending, self._send_aad = self._send_aad, None
        if aad is None:
            aad = pending or b""
        packet = self.cipher.encrypt(contents, aad, ignore)
        if forge_mac:
            packet = packet[:-1] + bytes([packet[-1] ^ 0x01])
        return self.send_raw(packet)

    def send_decoys(self, n, size=None):
        """n decoy packets in one write; size None picks 0..64 random bytes for each."""
        parts = []
        for _ in range(n):
            length = random.randint(0, 64) if size is None else size
            pending, self._send_aad = self._send_aad, None
            parts.append(self.cipher.encrypt(random.randbytes(length), pending or b"", ignore=True))
        return self.send_raw(b"".join(parts))

    def send_length_only(self, length):
        """Just a length field claiming `length` bytes of contents, no body."""
        return self.send_raw(self.cipher.encrypt_length(length))

    def recv_packet(self, timeout=10, skip_decoys=False):
        """(ignore, contents) of the node's next packet (the next non-decoy one with
        skip_decoys), or None on timeout, close or a bad MAC (then `error` is set)."""
        deadline = time.monotonic() + timeout
        while True:
            if self.error or self.cipher is None:
                return None
            if self._pending_len is None:
                enc = self._take(LENGTH_LEN, deadline)
                if enc is None:
                    return None
                self._pending_len = self.cipher.decrypt_length(enc)
            body = self._take(HEADER_LEN + self._pending_len + TAG_LEN, deadline)
            if body is None:
                return None
            self._pending_len = None
            aad, self._recv_aad = self._recv_aad or b"", None
            got = self.cipher.decrypt(body, aad)
            if got is None:
                self.error = "a packet from the node failed authentication"
                return None
            if not (skip_decoys and got[0]):
                return got

    # -- application messages --

    def send_msg(self, command, payload=b"", long_form=False):
        return self.send_packet(encode_contents(command, payload, long_form))

    def recv_msg(self, timeout=10):
        """The node's next application message (decoys skipped) as a p2p_peer.Message, also
        appended to `messages`; None on timeout or close."""
        got = self.recv_packet(timeout, skip_decoys=True)
        if got is None:
            return None
        command, payload = decode_contents(got[1])
        msg = pp.Message(command, payload)
        self.messages.append(msg)
        return msg

    def wait_for(self, command, timeout=10, match=None, after=0):
        """The first message named `command` (index ≥ after, satisfying `match`), reading more
        as needed; None when the deadline passes or the stream ends."""
        deadline = time.monotonic() + timeout
        seen = after
        while True:
            for m in self.messages[seen:]:
                if m.command == command and (match is None or match(m)):
                    return m
            seen = max(seen, len(self.messages))
            left = deadline - time.monotonic()
            if left <= 0 or self.recv_msg(left) is None:
                return None

    def commands(self):
        return [m.command for m in self.messages]

    def handshake(self, start_height=0, timeout=10, garbage=None):
        """v2 transport handshake, then version → verack → verack. True on success."""
        deadline = time.monotonic() + timeout
        if not self.v2_handshake(garbage, timeout):
            return False
        services = pp.NODE_NETWORK | pp.NODE_WITNESS | NODE_P2P_V2
        self.send_msg("version", pp.version_payload(start_height, services=services))
        if self.wait_for("verack", max(0.0, deadline - time.monotonic())) is None:
            return False
        return self.send_msg("verack")

    def ping(self, timeout=10):
        """A ping with a random nonce; True when the matching pong arrives."""
        nonce = struct.pack("<Q", random.getrandbits(64))
        after = len(self.messages)
        if not self.send_msg("ping", nonce):
            return False
        return self.wait_for("pong", timeout, match=lambda m: m.payload == nonce, after=after) is not None

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self._reader.join(timeout=10)


# ---- self-test ----

def _vectors_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, "..", "data", "bips")


def _read_csv(name):
    with open(os.path.join(_vectors_dir(), name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _selftest():
    failures = []
    passed = 0

    def check(cond, what):
        nonlocal passed
        if cond:
            passed += 1
        else:
            failures.append(what)
            print(f"FAIL: {what}")

    # Sanity of the curve code itself before the vectors depend on it.
    check(point_mul(N, G) is None, "N·G is infinity")
    check(point_mul(2, G) == point_mul(N + 2, G), "scalars reduce mod N")
    three_g = point_mul(3, G)
    check(lift_x(three_g[0]) in (three_g, (three_g[0], P - three_g[1])), "lift_x(x(3·G)) is ±3·G")
    check(point_mul(2, three_g) == point_mul(6, G), "2·(3·G) == 6·G")

    for i, row in enumerate(_read_csv("bip324_ellswift_decode_test_vectors.csv")):
        got = ellswift_decode(bytes.fromhex(row["ellswift"])).to_bytes(32, "big").hex()
        check(got == row["x"], f"ellswift decode row {i}: {got} != {row['x']} ({row['comment']})")

    for i, row in enumerate(_read_csv("bip324_xswiftec_inv_test_vectors.csv")):
        u, x = int(row["u"], 16), int(row["x"], 16)
        for case in range(8):
            want = row[f"case{case}_t"]
            t = xswiftec_inv(x, u, case)
            got = "" if t is None else t.to_bytes(32, "big").hex()
            check(got == want, f"xswiftec_inv row {i} case {case}: {got or None} != {want or None}")
            if t is not None:
                check(xswiftec(u, t) == x, f"xswiftec(u, xswiftec_inv(x, u, {case})) == x, row {i}")

    packet_rows = _read_csv("bip324_packet_encoding_test_vectors.csv")
    check(len(packet_rows) == 7, f"7 packet vectors (found {len(packet_rows)})")
    for row in packet_rows:
        idx = int(row["in_idx"])
        what = f"packet vector in_idx={idx}"
        priv = bytes.fromhex(row["in_priv_ours"])
        ours, theirs = bytes.fromhex(row["in_ellswift_ours"]), bytes.fromhex(row["in_ellswift_theirs"])
        initiating = row["in_initiating"] == "1"
        check(pubkey_x(priv).to_bytes(32, "big").hex() == row["mid_x_ours"], f"{what}: x(priv·G)")
        check(ellswift_decode(ours).to_bytes(32, "big").hex() == row["mid_x_ours"], f"{what}: decode(ours)")
        check(ellswift_decode(theirs).to_bytes(32, "big").hex() == row["mid_x_theirs"], f"{what}: decode(theirs)")
        c = BIP324Cipher(priv, ours, theirs, initiating, MAINNET_MAGIC)
        for field, value in (("mid_x_shared", c.x_shared), ("mid_shared_secret", c.shared_secret),
                             ("mid_initiator_l", c.initiator_l), ("mid_initiator_p", c.initiator_p),
                             ("mid_responder_l", c.responder_l), ("mid_responder_p", c.responder_p),
                             ("mid_send_garbage_terminator", c.send_garbage_terminator),
                             ("mid_recv_garbage_terminator", c.recv_garbage_terminator),
                             ("out_session_id", c.session_id)):
            check(value.hex() == row[field], f"{what}: {field}")
        for _ in range(idx):
            c.encrypt(b"")
        contents = bytes.fromhex(row["in_contents"]) * int(row["in_multiply"])
        ct = c.encrypt(contents, bytes.fromhex(row["in_aad"]), row["in_ignore"] == "1").hex()
        if row["out_ciphertext"]:
            check(ct == row["out_ciphertext"], f"{what}: ciphertext")
        if row["out_ciphertext_endswith"]:
            check(ct.endswith(row["out_ciphertext_endswith"]), f"{what}: ciphertext ending")
        check(bool(row["out_ciphertext"] or row["out_ciphertext_endswith"]), f"{what}: has an expected output")

    # Both ends of a fresh session agree, across both ciphers' rekeying points.
    priv_i, es_i = ellswift_create()
    priv_r, es_r = ellswift_create()
    check(ellswift_decode(es_i) == pubkey_x(priv_i), "ellswift_create encodes the key's X")
    init = BIP324Cipher(priv_i, es_i, es_r, True)
    resp = BIP324Cipher(priv_r, es_r, es_i, False)
    check(init.session_id == resp.session_id, "round trip: same session id")
    check(init.send_garbage_terminator == resp.recv_garbage_terminator and
          init.recv_garbage_terminator == resp.send_garbage_terminator, "round trip: terminators cross")
    rng = random.Random(324)
    ok = True
    for i in range(500):
        contents = rng.randbytes(rng.randint(0, 300))
        aad = b"garbage" if i == 0 else b""
        ignore = i % 7 == 0
        pkt = init.encrypt(contents, aad, ignore)
        n = resp.decrypt_length(pkt[:3])
        got = resp.decrypt(pkt[3:], aad)
        if n != len(contents) or got != (ignore, contents):
            ok = False
            break
    check(ok, f"round trip: 500 packets initiator → responder (stopped at {i})")
    pkt = resp.encrypt(b"hello", b"")
    tampered = pkt[:-1] + bytes([pkt[-1] ^ 1])
    init.decrypt_length(tampered[:3])
    check(init.decrypt(tampered[3:]) is None, "round trip: a flipped tag bit is refused")
    check(encode_contents("ping", b"x") == b"\x12x" and decode_contents(b"\x12x") == ("ping", b"x"),
          "short id of ping is 18")
    check(decode_contents(encode_contents("version", b"v")) == ("version", b"v") and
          len(encode_contents("version")) == 13, "long form for version")

    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--selftest"]:
        sys.exit(_selftest())
    print("usage: bip324_peer.py --selftest", file=sys.stderr)
    sys.exit(2)
