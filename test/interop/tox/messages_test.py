#!/usr/bin/env python3
"""Messages between tonari and c-toxcore 0.2.18 over a direct net_crypto session, on loopback
with a tonari bootstrap node:

- c-toxcore sends a friend request, tonari accepts; both see the other come online (the
  session: cookie, handshakes, numbered packets);
- text messages and actions both ways, each with its receipt; a 3,000-byte message arrives
  split at 1,372 bytes, in order;
- names and status messages seen both ways, and a name change while online;
- typing notifications both ways, on and off;
- when c-toxcore leaves, tonari sees it go offline; tonari's profile keeps the friend's name.
"""
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import poll, run_test  # noqa: E402
from tox_processes import ChatBootstrap, ChatClient, ToxDriver  # noqa: E402

CONNECT_TIMEOUT_S = 120
MESSAGE_TIMEOUT_S = 30
# A friend goes offline after 32 s of silence at the latest (an ended session sooner).
OFFLINE_TIMEOUT_S = 60


def texts(proc, kind="message"):
    return [e["text"] for e in proc.all(kind)]


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    procs = []
    try:
        node = ChatBootstrap(opts.tonari, tmp / "node").start()
        procs.append(node)
        bob = ChatClient(opts.tonari, tmp / "bob", [node.node()], name="Bob (tonari)").start()
        procs.append(bob)
        alice = ToxDriver(opts.toxdriver, tmp / "alice",
                          args=["--bootstrap", "127.0.0.1:%d:%s" % node.node()[1:], "--name", "Alice (toxcore)"]).start()
        procs.append(alice)
        alice.send(cmd="status_message", text="testing tonari")
        alice.send(cmd="add", id=bob.first("ready")["tox_id"], message="Hi Bob")
        request = poll(lambda: bob.first("friend_request"), CONNECT_TIMEOUT_S, 0.1)
        r.check(request is not None, "tonari got the friend request")
        if not request:
            return
        bob.send(cmd="status", text="a tonari node")
        bob.send(cmd="accept", public_key=request["public_key"])
        r.check(poll(lambda: bob.first("friend_online") and alice.first("friend_connection"), CONNECT_TIMEOUT_S, 0.1),
                "both sides see the other online (a net_crypto session)")

        alice.send(cmd="msg", friend=0, text="hello from c-toxcore")
        alice.send(cmd="action", friend=0, text="waves")
        bob.send(cmd="msg", friend=0, text="hello from tonari")
        bob.send(cmd="me", friend=0, text="waves back")
        long_text = "".join(chr(ord("a") + i % 26) for i in range(3000))
        bob.send(cmd="msg", friend=0, text=long_text)
        r.check(poll(lambda: "hello from c-toxcore" in texts(bob), MESSAGE_TIMEOUT_S), f"tonari got the message: {texts(bob)}")
        r.check(poll(lambda: "waves" in texts(bob, "action"), MESSAGE_TIMEOUT_S), "tonari got the action")
        r.check(poll(lambda: "hello from tonari" in texts(alice), MESSAGE_TIMEOUT_S),
                f"c-toxcore got tonari's message: {texts(alice)[:1]}")
        r.check(poll(lambda: any(e.get("type") == "action" and e["text"] == "waves back" for e in alice.all("message")),
                     MESSAGE_TIMEOUT_S), "c-toxcore got tonari's action")
        parts = lambda: [t for t in texts(alice) if len(t) > 100]  # noqa: E731
        poll(lambda: "".join(parts()) == long_text, MESSAGE_TIMEOUT_S)
        r.check("".join(parts()) == long_text and [len(p) for p in parts()] == [1372, 1372, 256],
                f"a 3,000-byte message arrives split at 1,372 bytes, in order: {[len(p) for p in parts()]}")
        r.check(poll(lambda: len(alice.all("receipt")) >= 2, MESSAGE_TIMEOUT_S),
                f"c-toxcore's messages were receipted by tonari: {alice.all('receipt')}")
        r.check(poll(lambda: len(bob.all("receipt")) >= 3, MESSAGE_TIMEOUT_S),
                f"tonari's messages were receipted by c-toxcore: {bob.all('receipt')}")

        r.check(poll(lambda: bob.first("friend_name", name="Alice (toxcore)"), MESSAGE_TIMEOUT_S),
                "tonari sees c-toxcore's name")
        r.check(poll(lambda: bob.first("friend_status_message", text="testing tonari"), MESSAGE_TIMEOUT_S),
                "tonari sees c-toxcore's status message")
        r.check(poll(lambda: alice.first("friend_name", name="Bob (tonari)"), MESSAGE_TIMEOUT_S),
                "c-toxcore sees tonari's name")
        r.check(poll(lambda: alice.first("friend_status_message", text="a tonari node"), MESSAGE_TIMEOUT_S),
                "c-toxcore sees tonari's status message")
        bob.send(cmd="nick", name="Robert (tonari)")
        r.check(poll(lambda: alice.first("friend_name", name="Robert (tonari)"), MESSAGE_TIMEOUT_S),
                "a name change while online reaches c-toxcore")

        # Typing notifications both ways, on then off. Each side also sends its state (off) when
        # the friend comes online, so "off" counts only after the "on".
        for typist, watcher, who in [(bob, alice, "tonari"), (alice, bob, "c-toxcore")]:
            typist.send(cmd="typing", friend=0, typing=True)
            on = poll(lambda: next((i for i, e in enumerate(watcher.all("friend_typing")) if e["typing"]), None)
                      is not None, MESSAGE_TIMEOUT_S)
            r.check(on, f"{who} typing is seen by the other")
            if not on:
                continue
            typist.send(cmd="typing", friend=0, typing=False)
            r.check(poll(lambda: [e["typing"] for e in watcher.all("friend_typing")][-1] is False, MESSAGE_TIMEOUT_S),
                    f"{who} stopping is seen after: {watcher.all('friend_typing')}")

        alice.quit()
        r.check(poll(lambda: bob.first("friend_offline"), OFFLINE_TIMEOUT_S, 0.2), "tonari saw c-toxcore go offline")
        r.check(bob.quit() == 0, "tonari saved and left")
        saved = json.loads(r.run("chat", "profile", "--profile", str(bob.profile), "--json").stdout)
        r.check(saved["name"] == "Robert (tonari)" and saved["friends"][0]["name"] == "Alice (toxcore)"
                and saved["friends"][0]["status"] == "confirmed",
                f"tonari's profile keeps its new name and the friend's: {saved['name']}, {saved['friends']}")
    finally:
        for p in procs:
            p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-tox-messages-", extra_options=["--toxdriver"]))
