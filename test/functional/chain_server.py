"""A scripted peer that serves a regtest chain it makes as it goes, for tests that need a long or
heavy chain without keeping it on disk: `Chain` holds the headers only and rebuilds a block's
bytes when asked (small blocks pay to OP_TRUE; "big" ones carry an OP_RETURN of `DATA_BYTES` in
their coinbase, about 1 MB each); `Server` answers one connection's getheaders, getdata and
pings from a Chain on its own thread. A node syncs from it as from any full node.
"""
import struct
import threading

from p2p_peer import (BLOCK_VERSION, MAX_HEADERS_RESULTS, P2PPeer, bip34_height_push, block_subsidy,
                      grind_header, header_hash, headers_payload, read_compact_size, ser_tx, sha256d)

DATA_BYTES = 990_000
MSG_BLOCK = 2
MSG_WITNESS_FLAG = 1 << 30
# OP_RETURN then OP_0s: no sigops to count and nothing to parse as pushes; the block's
# non-witness size stays under 1,000,000 bytes.
BIG_DATA = b"\x6a" + b"\x00" * DATA_BYTES


def coinbase(height, big, extra=b"\x00"):
    spk = BIG_DATA if big else b"\x51"
    script_sig = bip34_height_push(height) + extra
    return ser_tx([(b"\x00" * 32, 0xFFFFFFFF, script_sig, 0xFFFFFFFF)], [(block_subsidy(height), spk)])


class Chain:
    """Headers of the whole chain, kept in memory; block bodies are rebuilt when asked for.
    Blocks above `big_from` are big."""

    def __init__(self, genesis_hash, genesis_time, big_from):
        self.headers = [None]  # by height; the genesis header is never sent
        self.hashes = [genesis_hash]
        self.height_of = {genesis_hash: 0}
        self.extra = {}  # hash -> block bytes of side branches
        self.time = genesis_time
        self.big_from = big_from

    def tip_height(self):
        return len(self.hashes) - 1

    def grow(self, count):
        for _ in range(count):
            height = len(self.hashes)
            self.time += 1
            cb = coinbase(height, height > self.big_from)
            header = grind_header(BLOCK_VERSION, self.hashes[-1], sha256d(cb), self.time)
            self.headers.append(header)
            h = header_hash(header)
            self.hashes.append(h)
            self.height_of[h] = height

    def block(self, h):
        if h in self.extra:
            return self.extra[h]
        height = self.height_of.get(h)
        if height is None or height == 0:
            return None
        return self.headers[height] + b"\x01" + coinbase(height, height > self.big_from)

    def branch(self, fork_height, count):
        """Small blocks on a side branch from `fork_height`; returns their headers."""
        prev, t = self.hashes[fork_height], self.time + 1000
        headers = []
        for i in range(count):
            height = fork_height + 1 + i
            cb = coinbase(height, False, extra=b"\x07\x07")
            header = grind_header(BLOCK_VERSION, prev, sha256d(cb), t + i)
            prev = header_hash(header)
            self.extra[prev] = header + b"\x01" + cb
            headers.append(header)
        return headers


class Server:
    """Answers one connection's getheaders and getdata from a Chain, on its own thread."""

    def __init__(self, chain, port):
        self.chain = chain
        self.peer = P2PPeer(port)
        self.stop = False
        self.served = 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def start(self, start_height):
        """Handshake, then serve; announces the chain's tip so the node asks for what it lacks."""
        if not self.peer.handshake(start_height=start_height):
            return False
        self.thread.start()
        self.peer.send_msg("headers", headers_payload([self.chain.headers[-1]]))
        return True

    def headers_after(self, locator):
        start = 0
        for h in locator:
            height = self.chain.height_of.get(h)
            if height is not None:
                start = height
                break
        return self.chain.headers[start + 1:start + 1 + MAX_HEADERS_RESULTS]

    def run(self):
        seen = 0
        while not self.stop:
            with self.peer.cond:
                while seen >= len(self.peer.messages) and not self.peer.closed and not self.stop:
                    self.peer.cond.wait(0.2)
                if self.peer.closed and seen >= len(self.peer.messages):
                    return
                new = self.peer.messages[seen:]
                seen = len(self.peer.messages)
            for m in new:
                if m.command == "getheaders":
                    count, off = read_compact_size(m.payload, 4)
                    locator = [m.payload[off + 32 * i:off + 32 * (i + 1)] for i in range(count)]
                    self.peer.send_msg("headers", headers_payload(self.headers_after(locator)))
                elif m.command == "getdata":
                    count, off = read_compact_size(m.payload, 0)
                    for i in range(count):
                        kind, = struct.unpack_from("<I", m.payload, off + 36 * i)
                        h = m.payload[off + 36 * i + 4:off + 36 * i + 36]
                        body = self.chain.block(h) if kind & ~MSG_WITNESS_FLAG == MSG_BLOCK else None
                        if body is not None:
                            self.peer.send_msg("block", body)
                            self.served += 1
                elif m.command == "ping":
                    self.peer.send_msg("pong", m.payload)

    def close(self):
        self.stop = True
        self.peer.close()
        if self.thread.is_alive():
            self.thread.join(timeout=10)
