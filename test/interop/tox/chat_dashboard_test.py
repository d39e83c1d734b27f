#!/usr/bin/env python3
"""The chat act on the live dashboard: `tonari chat run --dashboard PORT` serves the page, its
state and its event stream, and a node's dashboard watching it (-dashboardwatch) relays the
chat events, so one page shows the chat beside the chain.

Alice (with a dashboard) and Bob, two tonari clients on a tonari bootstrap node: Bob's friend
request (its onion route reported), both online, a message each way with receipts, typing, a 64 KiB file from Bob. Alice's
stream carries each as a `chat_` event, ids gap-free from 1; her state names her friend
online; a regtest node watching her relays the same events and lists her as a chat client.
"""
import hashlib
import json
import pathlib
import random
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import poll, run_test  # noqa: E402
from dashboard_events_test import EventReader, gap_free, get  # noqa: E402
from node_process import NodeProcess, free_port  # noqa: E402
from tox_processes import ChatBootstrap, ChatClient, befriend  # noqa: E402

CONNECT_TIMEOUT_S = 120
EVENT_TIMEOUT_S = 30


class WatchedChat:
    """A tonari bootstrap node, Alice (`--dashboard`) and Bob, and a regtest node whose
    dashboard watches Alice's (its stream seen following hers before anything else happens).
    Every process it starts is in `procs` or `nodes`, for the caller's `finally`."""

    def __init__(self, r, opts, tmp, procs, nodes):
        self.boot = ChatBootstrap(opts.tonari, tmp / "boot").start()
        procs.append(self.boot)
        self.port = free_port()
        self.alice = ChatClient(opts.tonari, tmp / "alice", [self.boot.node()], name="Alice",
                                extra=["--dashboard", str(self.port)]).start()
        procs.append(self.alice)
        self.bob = ChatClient(opts.tonari, tmp / "bob", [self.boot.node()], name="Bob").start()
        procs.append(self.bob)
        self.node_port = free_port()
        node = NodeProcess(opts.tonari, tmp / "node", [f"-dashboard={self.node_port}",
                                                       f"-dashboardwatch=http://127.0.0.1:{self.port}/"])
        node.start()
        nodes.append(node)
        self.name = f"127.0.0.1:{self.port}"
        self.watcher = EventReader(self.node_port, last_event_id=0)
        r.check(poll(lambda: any(e["data"]["node"] == self.name and e["data"]["online"]
                                 for e in self.watcher.of("relay_status")), EVENT_TIMEOUT_S),
                "the node's stream says it follows Alice's")

    def befriend(self, r):
        """Bob asks, Alice accepts; both online."""
        return befriend(r, self.bob, self.alice, "Hi Alice, it's Bob", CONNECT_TIMEOUT_S)


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    procs, readers, nodes = [], [], []
    try:
        scene = WatchedChat(r, opts, tmp, procs, nodes)
        readers.append(scene.watcher)
        alice, bob, port, name, watcher = scene.alice, scene.bob, scene.port, scene.name, scene.watcher
        r.check(alice.first("ready").get("dashboard") == f"http://127.0.0.1:{port}/",
                f"the client says where its dashboard is: {alice.first('ready')}")
        status, page, _ = get(port, "/")
        r.check(status == 200 and "Chat: people talking" in page, f"it serves the page ({status})")
        stream = EventReader(port, last_event_id=0)
        readers.append(stream)
        if not scene.befriend(r):
            return
        route = (bob.first("request_sent") or {}).get("route", "")
        r.check(len(route.split(" -> ")) == 4 and all(hop.startswith("127.0.0.1:") for hop in route.split(" -> ")),
                f"Bob's request names its onion route, three hops and the announce node: {route}")
        alice.send(cmd="msg", friend=0, text="hello Bob")
        bob.send(cmd="msg", friend=0, text="hello Alice")
        bob.send(cmd="typing", friend=0, typing=True)
        payload = random.Random(3).randbytes(64 * 1024)
        source = tmp / "photo.bin"
        source.write_bytes(payload)
        bob.send(cmd="file", friend=0, path=str(source))
        offer = poll(lambda: alice.first("file_offer"), EVENT_TIMEOUT_S)
        if offer:
            alice.send(cmd="accept_file", friend=0, file=offer["file"])

        def chat(kind, **match):
            return [e for e in stream.of("chat_" + kind) if all(e["data"].get(k) == v for k, v in match.items())]

        expected = [
            ("friend_request", {"message": "Hi Alice, it's Bob"}),
            ("friend_online", {"friend": 0}),
            ("sent", {"text": "hello Bob"}),
            ("message", {"text": "hello Alice"}),
            ("receipt", {"friend": 0}),
            ("friend_typing", {"typing": True}),
            ("file_offer", {"name": "photo.bin", "size": len(payload)}),
            ("file_done", {"sha256": hashlib.sha256(payload).hexdigest()}),
            ("dht", {}),
        ]
        for kind, match in expected:
            r.check(poll(lambda: chat(kind, **match), EVENT_TIMEOUT_S), f"Alice's stream has chat_{kind} {match}")
        r.check(stream.events and stream.events[0]["id"] == 1 and gap_free(stream.events),
                f"her event ids run gap-free from 1 ({len(stream.events)} events)")

        state = json.loads(get(port, "/api/state")[1])
        me = state["node"]
        r.check(me.get("kind") == "chat" and me.get("name") == "Alice" and me.get("good_close_nodes", 0) >= 1
                and me.get("friends") == [{"friend": 0, "name": "Bob", "online": True}]
                and me.get("messages_in") == 1 and me.get("messages_out") == 1,
                f"her state: a chat client named Alice, Bob online, in the DHT, a message each way: {me}")

        def relayed(kind, **match):
            return [e for e in watcher.of("relay") if e["data"]["node"] == name and e["data"]["event"]["type"] == kind
                    and all(e["data"]["event"]["data"].get(k) == v for k, v in match.items())]

        r.check(poll(lambda: relayed("chat_message", text="hello Alice"), EVENT_TIMEOUT_S),
                "the node's dashboard relays Bob's message as Alice got it")
        r.check(poll(lambda: relayed("chat_file_done"), EVENT_TIMEOUT_S), "and the file's arrival")
        watched = {w["node"]: w for w in json.loads(get(scene.node_port, "/api/state")[1]).get("watched", [])}
        r.check(name in watched and (watched[name].get("state") or {}).get("node", {}).get("kind") == "chat",
                f"and lists Alice as a chat client: {watched.get(name)}")
    finally:
        for reader in readers:
            reader.close()
        for n in nodes:
            n.kill()
        for p in reversed(procs):
            p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-tox-dashboard-", extra_options=["--toxdriver"]))
