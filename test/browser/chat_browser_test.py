#!/usr/bin/env python3
"""The chat act in a real browser (Debian's chromium through playwright-core, as
dashboard_browser_test.py): Alice (`tonari chat run --dashboard`) and Bob, two tonari clients
on a tonari bootstrap node, become friends and talk; a regtest node's dashboard watches Alice.

- The node's page, live before anything happens, shows a chat table with Alice's row: her
  name, her DHT, her friend online, a message each way and the last one Bob sent; its log
  describes the chat events as they came.
- Alice's own page, opened afterwards, shows the same row from her snapshot and hides the
  Bitcoin sections (she has no chain).
- Neither page logs an error or asks for anything outside loopback; screenshots are saved as
  test artifacts (chat-*.png).
"""
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "functional"))
sys.path.insert(0, str(HERE.parent / "interop" / "tox"))
sys.path.insert(0, str(HERE))
from checks import poll, run_test  # noqa: E402
from dashboard_browser_test import Page  # noqa: E402
from chat_dashboard_test import WatchedChat  # noqa: E402


def check_page(r, shown, where, live):
    rows = shown.get("chat", [])
    r.check(len(rows) == 1 and rows[0][1] == "Alice" and rows[0][3] == "1 of 1" and rows[0][4] == "1 / 1"
            and rows[0][5] == "Bob: hello Alice" and rows[0][2] not in ("", "–", "0"),
            f"{where}: Alice's row names her, her DHT, Bob online, a message each way, the last one: {rows}")
    if live:  # a page opened afterwards starts from the snapshot: its log has only what came since
        r.check(any("message from friend 0: hello Alice" in line for line in shown.get("log", [])),
                f"{where}: the log tells the message: {shown.get('log', [])[:5]}")
    r.check(not shown.get("errors") and not shown.get("external"),
            f"{where}: no page errors, nothing outside loopback: {shown.get('errors')} {shown.get('external')}")


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    procs, nodes, pages = [], [], []
    try:
        scene = WatchedChat(r, opts, tmp, procs, nodes)
        scene.watcher.close()
        alice, bob, port, node_port = scene.alice, scene.bob, scene.port, scene.node_port
        watching = Page(r, f"http://127.0.0.1:{node_port}/")
        pages.append(watching)
        watching.chat(0, "chat-start.png", "")  # the page is live before anything happens

        if not scene.befriend(r):
            return
        alice.send(cmd="msg", friend=0, text="hello Bob")
        r.check(poll(lambda: bob.first("message", text="hello Bob"), 30), "Bob got Alice's message")
        bob.send(cmd="msg", friend=0, text="hello Alice")

        shown = watching.chat(1, "chat-watching.png", "hello Alice")
        check_page(r, shown, "the node's page", live=True)
        r.check(shown.get("bitcoin_hidden") is False, "the node's page keeps its chain")
        own = Page(r, f"http://127.0.0.1:{port}/")
        pages.append(own)
        shown = own.chat(1, "chat-own.png", "hello Alice")
        check_page(r, shown, "Alice's page", live=False)
        r.check(shown.get("bitcoin_hidden") is True, "Alice's page hides the Bitcoin sections")
    finally:
        for page in pages:
            page.close()
        for n in nodes:
            n.kill()
        for p in reversed(procs):
            p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-chat-browser-"))
