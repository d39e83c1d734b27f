"""A hostile Tox peer for tests, in the standard library: libsodium (Debian's libsodium23,
which tonari links too) through ctypes, to seal packets a real node would accept as well formed
— DHT packets from fresh keys, cookie requests — and send them in floods."""
import ctypes
import ctypes.util
import os
import socket

_lib = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so.23")
_lib.sodium_init()


def keypair():
    secret = os.urandom(32)
    public = ctypes.create_string_buffer(32)
    _lib.crypto_scalarmult_curve25519_base(public, secret)
    return public.raw, secret


def shared_key(their_public, our_secret):
    out = ctypes.create_string_buffer(32)
    if _lib.crypto_box_beforenm(out, their_public, our_secret) != 0:
        raise ValueError("small-order key")
    return out.raw


def seal(key, nonce, plain):
    out = ctypes.create_string_buffer(len(plain) + 16)
    _lib.crypto_box_easy_afternm(out, plain, ctypes.c_ulonglong(len(plain)), nonce, key)
    return out.raw


def open_sealed(key, nonce, sealed):
    """The plain text, or None when the MAC does not check."""
    if len(sealed) < 16:
        return None
    out = ctypes.create_string_buffer(len(sealed) - 16)
    if _lib.crypto_box_open_easy_afternm(out, sealed, ctypes.c_ulonglong(len(sealed)), nonce, key) != 0:
        return None
    return out.raw


def dht_packet(kind, receiver_dht_key, plain):
    """[kind][fresh sender key][nonce][sealed plain]: well formed, from nobody anyone knows."""
    public, secret = keypair()
    nonce = os.urandom(24)
    return bytes([kind]) + public + nonce + seal(shared_key(receiver_dht_key, secret), nonce, plain)


def cookie_request(receiver_dht_key):
    """A valid cookie request from a fresh DHT key and a made-up long-term key."""
    public, secret = keypair()
    nonce = os.urandom(24)
    plain = os.urandom(32) + bytes(32) + os.urandom(8)
    return bytes([0x18]) + public + nonce + seal(shared_key(receiver_dht_key, secret), nonce, plain)


def blast(port, packets):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for p in packets:
            s.sendto(p, ("127.0.0.1", port))


class RelayClient:
    """A client of a Tox TCP relay that does the handshake right and then misbehaves as told."""

    def __init__(self, port, relay_key, timeout=10, receive_buffer=None):
        self.public, secret = keypair()
        temp_public, self.temp_secret = keypair()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer:  # before connecting, so the window the relay sees is small from the start
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", port))
        long_term = shared_key(relay_key, secret)
        self.sent = 0
        self.base = os.urandom(24)
        nonce = os.urandom(24)
        self.sock.sendall(self.public + nonce + seal(long_term, nonce, temp_public + self.base))
        reply = b""
        while len(reply) < 96:
            chunk = self.sock.recv(96 - len(reply))
            if not chunk:
                raise ConnectionError("the relay closed the handshake")
            reply += chunk
        plain = open_sealed(long_term, reply[:24], reply[24:])
        if plain is None:
            raise ValueError("the relay's handshake does not open")
        self.key = shared_key(plain[:32], self.temp_secret)

    def packet(self, plain):
        """[length][sealed] with the next nonce."""
        nonce = ((int.from_bytes(self.base, "big") + self.sent) % (1 << 192)).to_bytes(24, "big")
        self.sent += 1
        sealed = seal(self.key, nonce, plain)
        return len(sealed).to_bytes(2, "big") + sealed

    def send(self, plains):
        self.sock.sendall(b"".join(self.packet(p) for p in plains))

    def close(self):
        self.sock.close()
