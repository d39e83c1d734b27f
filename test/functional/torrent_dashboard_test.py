#!/usr/bin/env python3
"""The swarm on the dashboard: an origin seeding an 8 MiB torrent with `--dashboard`, watching
the dashboards of two downloaders (`--dashboard-watch`), each of them rate-limited so the
transfer takes a few seconds and trading with the origin and with each other.

- Each member's /api/state says what it is: kind "torrent", the torrent's name, size and
  pieces, its peer id (as the handshake carries it), whether it started with every piece.
- Each downloader's own stream, replayed from its first event, shows its piece map filling in
  (some pieces and not all, then all, never fewer than before); the origin's single stream
  carries its own torrent_status events and, relayed, the downloaders', the last one complete,
  and each downloader's torrent_complete once.
- Who uploads to whom: the origin's totals by peer id name the two downloaders (by the peer ids
  their own dashboards give) and add up to every byte it sent; every byte each downloader took
  is counted against a member the origin's page can name.
- The origin is still up at the end.
- `--dashboard-watch` without `--dashboard` is refused with a clear error.
"""
import hashlib
import json
import pathlib
import sys

from checks import run_test
from dashboard_events_test import EventReader, get
from node_process import free_port, wait_until
from torrent_process import TorrentProcess, make_torrent, write_random_file

SIZE = 8 << 20
RATE = "2M"  # each downloader's download limit: about 4 s for the file
PIECES = SIZE // (64 << 10)
FULL = "f" * PIECES  # a piece map with every piece (one cell per piece)


def sha256_of(path):
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def state(port):
    """A dashboard's /api/state, or None while it does not answer."""
    try:
        status, text, _ = get(port, "/api/state")
    except OSError:
        return None
    return json.loads(text) if status == 200 else None


class WatchedSwarm:
    """The scene (also used by the browser test): an origin seeding with its dashboard watching
    the downloaders' dashboards, and downloaders each dialling the origin and those started
    before it, rate-limited to `rate`, with dashboards of their own. Either side may start
    first (a downloader dials the origin again until it answers). Every process goes into
    `procs`."""

    def __init__(self, r, opts, tmp, procs, downloaders=2, rate=RATE):
        self.r, self.opts, self.tmp, self.procs, self.rate = r, opts, tmp, procs, rate
        self.origin_dir = tmp / "origin"
        self.want = write_random_file(self.origin_dir / "film.bin", SIZE, 5)
        self.torrent = tmp / "film.torrent"
        make_torrent(r, self.origin_dir / "film.bin", self.torrent, "--piece-size", "64K")
        self.ports = [free_port() for _ in range(downloaders + 1)]
        watch = []
        for p in self.ports[1:]:
            watch += ["--dashboard-watch", f"http://127.0.0.1:{p}/"]
        self.origin = TorrentProcess(opts.tonari, self.torrent, self.origin_dir, mode="seed",
                                     extra=["--dashboard", str(self.ports[0])] + watch)
        self.downloaders = []

    def start_origin(self):
        self.procs.append(self.origin.start())
        self.r.check(self.origin.wait_listening(), f"the origin listens: {self.origin.err()[-300:]}")
        self.r.check(wait_until(lambda: state(self.ports[0]) is not None, 30), "the origin's dashboard answers")

    def start_downloaders(self):
        for i, p in enumerate(self.ports[1:]):
            peers = [self.origin.endpoint] + [d.endpoint for d in self.downloaders]
            d = TorrentProcess(self.opts.tonari, self.torrent, self.tmp / f"down{i}", connect=peers,
                               extra=["--seed", "--max-down", self.rate, "--dashboard", str(p)]).start()
            self.downloaders.append(d)
            self.procs.append(d)
        self.r.check(wait_until(lambda: all(state(p) is not None for p in self.ports[1:]), 30),
                     "the downloaders' dashboards answer")

    def all_published_complete(self):
        """Every downloader's dashboard says it has every piece. (The swarm's own "download
        complete" line comes a moment before the command's loop sees it and publishes.)"""
        return all((state(p) or {}).get("node", {}).get("status", {}).get("pieces_have") == PIECES
                   for p in self.ports[1:])


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    procs, readers = [], []
    try:
        scene = WatchedSwarm(r, opts, tmp, procs)
        scene.start_origin()
        origin, ports, want, torrent = scene.origin, scene.ports, scene.want, scene.torrent
        stream = EventReader(ports[0], last_event_id=0)
        readers.append(stream)
        scene.start_downloaders()
        downloaders = scene.downloaders
        r.check(wait_until(lambda: all(d.complete() for d in downloaders), 120, 0.2),
                f"both downloaders complete: {[d.err()[-200:] for d in downloaders]}")
        r.check(wait_until(scene.all_published_complete, 30), "both downloaders' dashboards say complete")
        for d in downloaders:
            r.check(sha256_of(d.folder / "film.bin") == want, f"{d.folder.name}'s file equals the original")

        own = state(ports[0])
        node = own["node"] if own else {}
        r.check(node.get("kind") == "torrent" and node.get("name") == "film.bin" and node.get("size") == SIZE
                and node.get("pieces_total") == SIZE // (64 << 10) and node.get("started_complete") is True
                and node.get("mode") == "seed" and len(node.get("peer_id", "")) == 40,
                f"the origin's state says what it is: { {k: v for k, v in node.items() if k != 'status'} }")
        members = {}
        for p in ports[1:]:
            s = state(p)
            n = s["node"] if s else {}
            r.check(n.get("kind") == "torrent" and n.get("started_complete") is False and n.get("mode") == "get"
                    and n.get("status", {}).get("map") == FULL,
                    f"downloader :{p}'s state: kind, not the origin, every piece in its map: "
                    f"{ {k: v for k, v in n.items() if k != 'status'} } map {n.get('status', {}).get('map')}")
            members[f"127.0.0.1:{p}"] = n.get("peer_id")
        watched = [w["node"] for w in own.get("watched", [])] if own else []
        r.check(sorted(watched) == sorted(members), f"the origin's state lists both watched members: {watched}")

        # The relayed statuses, per member, as the origin's page receives them.
        def relayed(kind):
            return [(e["data"]["node"], e["data"]["event"]) for e in stream.events
                    if e["type"] == "relay" and e["data"]["event"]["type"] == kind]

        r.check(wait_until(lambda: len({n for n, _ in relayed("torrent_complete")}) == 2, 30),
                f"each downloader's torrent_complete came through the origin's stream: {relayed('torrent_complete')}")
        for name in members:
            # Its own stream, from the first event its ring holds: the map filling in, never
            # losing a piece.
            own_stream = EventReader(int(name.split(":")[1]), last_event_id=0)
            readers.append(own_stream)
            r.check(wait_until(lambda: bool(own_stream.of("torrent_complete")), 30), f"{name}'s own stream replays")
            mine = [e["data"] for e in own_stream.of("torrent_status")]
            counts = [m["map"].count("f") for m in mine]
            partial = [c for c in counts if 0 < c < PIECES]
            r.check(bool(partial) and counts[-1] == PIECES and counts == sorted(counts)
                    and [m["pieces_have"] for m in mine] == sorted(m["pieces_have"] for m in mine),
                    f"{name}'s piece map filled in, never losing a piece: {counts}")
            # And the origin's stream carried its statuses, the last one complete.
            relayed_maps = [e["data"]["map"] for n, e in relayed("torrent_status") if n == name]
            r.check(bool(relayed_maps) and relayed_maps[-1] == FULL,
                    f"{name}'s statuses came through the origin's stream, the last one complete: {len(relayed_maps)}")
        completes = [n for n, _ in relayed("torrent_complete")]
        r.check(sorted(completes) == sorted(members), f"torrent_complete once per downloader: {completes}")

        own_status = [e["data"] for e in stream.of("torrent_status")]
        r.check(bool(own_status), "the origin published its own status")
        by_id = {v: k for k, v in members.items()}
        # Who uploaded to whom, by peer id, over the whole run: the origin's totals name both
        # downloaders and add up to every byte it sent; each downloader's name only members.
        last = own_status[-1]
        named = {by_id.get(t["peer_id"]): t["uploaded"] for t in last["traded"]}
        r.check(set(named) == set(members) and all(v > 0 for v in named.values())
                and sum(named.values()) == last["uploaded"],
                f"the origin's totals name the two downloaders and add up to its {last['uploaded']} bytes sent: {named}")
        r.check(0 < last["uploaded"] <= 2 * SIZE, f"the origin uploaded {last['uploaded']} bytes for two {SIZE}-byte copies")
        current = max(own_status, key=lambda s: len(s["peers"]))
        r.check({by_id.get(p["peer_id"]) for p in current["peers"]} == set(members),
                f"the origin's live connections were the two downloaders: {[p['address'] for p in current['peers']]}")
        known = {node["peer_id"], *members.values()}
        for name in members:
            last = [e["data"] for n, e in relayed("torrent_status") if n == name][-1]
            sources = {t["peer_id"]: t["downloaded"] for t in last["traded"]}
            r.check(set(sources) <= known and sum(sources.values()) == last["downloaded"] > 0,
                    f"{name} took its {last['downloaded']} bytes from members the page can name: {sources}")
        r.check(origin.running(), "the origin is still up")

        refused = r.run("torrent", "get", str(torrent), "-d", str(tmp / "x"), "--no-dht", "--no-lsd",
                        "--dashboard-watch", "http://127.0.0.1:1/")
        r.check(refused.returncode == 1 and "--dashboard" in refused.stderr,
                f"--dashboard-watch alone is refused: {refused.returncode} {refused.stderr.strip()}")
    finally:
        for reader in readers:
            reader.close()
        for p in reversed(procs):
            p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-torrent-dashboard-"))
