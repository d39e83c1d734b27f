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
