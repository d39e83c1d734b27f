"""A raw BitTorrent peer in pure Python (standard library only) for hostile functional tests:
the handshake and message framing of BEP 3 with the fast extension (BEP 6), one outgoing
connection read on demand (so a test can also stop reading), a fake seed that claims every
piece and answers every request with random bytes, and a small bencode decoder.

Every wait takes a deadline, so a silent or stuck tonari fails a check instead of hanging.
"""
import os
import socket
import struct
import threading
import time

from node_process import wait_until

PROTOCOL = b"\x13BitTorrent protocol"
HANDSHAKE_SIZE = 68
BLOCK_SIZE = 16 * 1024
FAST_BYTE, FAST_BIT = 7, 0x04

CHOKE, UNCHOKE, INTERESTED, NOT_INTERESTED, HAVE, BITFIELD, REQUEST, PIECE, CANCEL = range(9)
HAVE_ALL, HAVE_NONE, REJECT = 14, 15, 16


def bdecode(data, i=0):
    """(value, next index) for bencoded bytes; strings stay bytes."""
    c = data[i:i + 1]
    if c == b"i":
        end = data.index(b"e", i)
        return int(data[i + 1:end]), end + 1
    if c == b"l":
        i += 1
        out = []
        while data[i:i + 1] != b"e":
            v, i = bdecode(data, i)
            out.append(v)
        return out, i + 1
    if c == b"d":
        i += 1
        out = {}
        while data[i:i + 1] != b"e":
            k, i = bdecode(data, i)
            v, i = bdecode(data, i)
            out[k] = v
        return out, i + 1
    colon = data.index(b":", i)
    n = int(data[i:colon])
    return data[colon + 1:colon + 1 + n], colon + 1 + n


def info_span(torrent_bytes):
    """(start, end) of the info dictionary's raw bytes inside a .torrent file: what its
    info-hashes are taken over, and what a peer hands out as the metadata (BEP 9)."""
    start = torrent_bytes.index(b"4:infod") + 6
    _, end = bdecode(torrent_bytes, start)
    return start, end


def new_peer_id():
    return b"-PY0001-" + os.urandom(12)


def handshake(info_hash, peer_id=None, fast=True):
    reserved = bytearray(8)
    if fast:
        reserved[FAST_BYTE] |= FAST_BIT
    return PROTOCOL + bytes(reserved) + info_hash + (peer_id or new_peer_id())


def message(msg_id, body=b""):
    return struct.pack(">IB", 1 + len(body), msg_id) + body


def have(piece):
    return message(HAVE, struct.pack(">I", piece))


def request(piece, offset, length=BLOCK_SIZE):
    return message(REQUEST, struct.pack(">III", piece, offset, length))


def piece_msg(piece, offset, data):
    return message(PIECE, struct.pack(">II", piece, offset) + data)


def full_bitfield(pieces):
    """Every piece set, the spare bits of the last byte zero (BEP 3)."""
    bits = bytearray((pieces + 7) // 8)
    for i in range(pieces):
        bits[i // 8] |= 0x80 >> (i % 8)
    return bytes(bits)


class FrameReader:
    """Splits a byte stream into the handshake (first 68 bytes) and (id, body) messages; a
    keep-alive is (None, b"")."""

    def __init__(self):
        self.buf = bytearray()
        self.handshake = None
        self.messages = []

    def feed(self, data):
        self.buf += data
        if self.handshake is None:
            if len(self.buf) < HANDSHAKE_SIZE:
                return
            self.handshake = bytes(self.buf[:HANDSHAKE_SIZE])
            del self.buf[:HANDSHAKE_SIZE]
        while len(self.buf) >= 4:
            length = struct.unpack_from(">I", self.buf)[0]
            if len(self.buf) < 4 + length:
                return
            frame = bytes(self.buf[4:4 + length])
            del self.buf[:4 + length]
            self.messages.append((frame[0], frame[1:]) if frame else (None, b""))


class BtConnection:
    """One TCP connection to a tonari peer, read only when the test pumps it (a test that
    wants to stop reading simply does not). `closed` is set once tonari ends the connection
    (EOF or reset)."""

    def __init__(self, port, host="127.0.0.1"):
        self.sock = socket.create_connection((host, port), timeout=10)
        self.reader = FrameReader()
        self.closed = False
        self.closed_at = None
        self.received = 0

    @property
    def local_port(self):
        return self.sock.getsockname()[1]

    @property
    def messages(self):
        return self.reader.messages

    def ids(self):
        return [m[0] for m in self.reader.messages]

    def send(self, data):
        """False when tonari has already closed the connection."""
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            return False

    def pump(self, timeout=0.05):
        """Reads what has arrived (waiting at most `timeout`); notes a close."""
        if self.closed:
            return
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(1 << 20)
        except socket.timeout:
            return
        except OSError:  # a reset: tonari closed with our bytes unread
            data = b""
        if not data:
            self.closed = True
            self.closed_at = time.monotonic()
            return
        self.received += len(data)
        self.reader.feed(data)

    def wait_for(self, pred, timeout):
        """Pumps until pred() or the connection closes; returns pred()."""
        def step():
            self.pump()
            return pred() or self.closed
        wait_until(step, timeout, 0)
        return pred()

    def wait_closed(self, timeout):
        return self.wait_for(lambda: self.closed, timeout)

    def handshake(self, info_hash, fast=True, timeout=10):
        """Sends ours and waits for tonari's; True when it answered for the same torrent."""
        self.send(handshake(info_hash, fast=fast))
        self.wait_for(lambda: self.reader.handshake is not None, timeout)
        h = self.reader.handshake
        return h is not None and h[:20] == PROTOCOL and h[28:48] == info_hash

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class CorruptSeed:
    """A hostile seed on 127.0.0.1: to every peer that handshakes for `info_hash` it claims
    every piece (have_all, or a full bitfield without the fast extension), unchokes, and answers
    each request with random bytes of the asked length. Each connection is recorded: whether it
    handshook, the blocks (and their data bytes) sent, and whether the other side closed it (and when)."""

    def __init__(self, info_hash, pieces):
        self.info_hash = info_hash
        self.pieces = pieces
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.conns = []  # dicts: handshaken, blocks_sent, bytes_sent, closed_by_peer, closed_at
        self.socks = []
        self.threads = [threading.Thread(target=self._accept_loop, daemon=True)]
        self.threads[0].start()

    def _accept_loop(self):
        while not self.stop.is_set():
            try:
                sock, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            rec = {"handshaken": False, "blocks_sent": 0, "bytes_sent": 0, "closed_by_peer": False, "closed_at": None}
            with self.lock:
                self.conns.append(rec)
                self.socks.append(sock)
            t = threading.Thread(target=self._serve, args=(sock, rec), daemon=True)
            self.threads.append(t)
            t.start()

    def _serve(self, sock, rec):
        reader = FrameReader()
        sock.settimeout(0.1)
        answered = 0
        try:
            while not self.stop.is_set():
                try:
                    data = sock.recv(1 << 16)
                except socket.timeout:
                    continue
                except OSError:
                    data = b""
                if not data:
                    with self.lock:
                        rec["closed_by_peer"] = True
                        rec["closed_at"] = time.monotonic()
                    return
                had_handshake = reader.handshake is not None
                reader.feed(data)
                if not had_handshake and reader.handshake is not None:
                    h = reader.handshake
                    if h[:20] != PROTOCOL or h[28:48] != self.info_hash:
                        sock.close()  # as a plain client does (tonari's encrypted dial then retries in plain)
                        return
                    fast = bool(h[20 + FAST_BYTE] & FAST_BIT)
                    self._send(sock, handshake(self.info_hash, fast=fast) +
                               (message(HAVE_ALL) if fast else message(BITFIELD, full_bitfield(self.pieces))) +
                               message(UNCHOKE))
                    with self.lock:
                        rec["handshaken"] = True
                out, data_bytes = [], 0
                for msg_id, body in reader.messages[answered:]:
                    if msg_id == REQUEST and len(body) == 12:
                        index, begin, length = struct.unpack(">III", body)
                        out.append(piece_msg(index, begin, os.urandom(length)))
                        data_bytes += length
                answered = len(reader.messages)
                if out:
                    self._send(sock, b"".join(out))
                    with self.lock:
                        rec["blocks_sent"] += len(out)
                        rec["bytes_sent"] += data_bytes
        except socket.timeout:  # the other side stopped reading: not a close
            return
        except OSError:  # a reset or a broken pipe: the other side closed
            with self.lock:
                rec["closed_by_peer"] = True
                rec["closed_at"] = time.monotonic()

    @staticmethod
    def _send(sock, data):
        sock.settimeout(10)
        try:
            sock.sendall(data)
        finally:
            sock.settimeout(0.1)

    def snapshot(self):
        with self.lock:
            return [dict(c) for c in self.conns]

    def close(self):
        self.stop.set()
        self.listener.close()
        with self.lock:
            socks = list(self.socks)
        for s in socks:
            try:
                s.close()
            except OSError:
                pass
        for t in self.threads:
            t.join(timeout=5)
