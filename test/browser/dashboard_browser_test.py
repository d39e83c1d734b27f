#!/usr/bin/env python3
"""The dashboard in a real browser (Debian's chromium, headless, steered by playwright-core from
npm) against a real network of three nodes, no mocks, one page kept open throughout. Node A's
page watches B and C (-dashboardwatch); B and C connect to A, and C to B too.
- Every node appears in the page's table with the height, tip, peer count and (once a payment
  is waiting) mempool count its RPC gives, online; the graph draws the three nodes and one edge
  per connection (3).
- A payment sent at A and a block mined at B (through RPC): the propagation wave shows each
  reaching 3 of 3 nodes, the origin as "local", and every other node's "came from" a real
  neighbour of it that had the item no later.
- The chain strip ends with B's block, marked as mined by B, and the mempool as the next block.
- The reach chart draws the payment and the block reaching 3 of 3 nodes; the ledger cards show
  A's and B's wallets with the balances their getbalance gives and their latest payments; the
  story tells, in words, that A sent a payment, B mined block 102, and both reached every node.
- kill -9 of C: its row shows offline and its edges go (1 left); A and B agree on a new block,
  which the page shows, and the story says C stopped and the others carry on. C restarts: it is
  online again on the page at the same height, its links are drawn again, and the story says so.
- The page's stream cut at the socket (ss -K, a network drop): the browser reconnects by
  itself and the event ids go on from the last one it had, without a gap or a reload.
- The buttons, pressed as a person would: with a wrong password nothing happens and the page
  says the node refused; with the nodes' user and password (-rpcauth) "mine a block" on B mines
  one that every node gets, "send" pays 0.5 BTC from A's wallet to B's (the payment reaches B's
  mempool), and "stop the node" on C stops it cleanly, after which its row shows offline.
- The page logs no console or page error and asks for nothing outside loopback; a screenshot of
  each view is saved as a test artifact in the test's working directory (dashboard-*.png;
  docs/images/dashboard.png is the one taken mid-story).
"""
import decimal
import hmac
import json
import pathlib
import re
import secrets
import select
import shutil
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "functional"))
from checks import run_test  # noqa: E402
from node_process import NodeProcess, free_port, wait_until  # noqa: E402

ARTIFACTS = pathlib.Path.cwd()
D = decimal.Decimal


class Page:
    """page_driver.mjs holding the dashboard open; each snapshot is one command and one answer."""

    def __init__(self, r, url):
        self.r = r
        self.proc = None
        if not (HERE / "node_modules" / "playwright-core").is_dir():
            r.fail("playwright-core is missing (scripts/install-deps runs npm ci in test/browser)")
        elif shutil.which("chromium") is None and not pathlib.Path("/usr/bin/chromium").exists():
            r.fail("chromium is missing (scripts/install-deps installs Debian's chromium)")
        else:
            self.proc = subprocess.Popen(["node", str(HERE / "page_driver.mjs"), url], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def snapshot(self, rows, offline, picture, txid="-", block="-"):
        return self.ask(f"snapshot {rows} {offline} {ARTIFACTS / picture} {txid} {block}")

    def act(self, **button):
        """Presses a button (page_driver.mjs `act`); returns {text, ok}."""
        return self.ask("act " + json.dumps(button))

    def chat(self, rows, picture, text):
        """Waits until the chat table has `rows` rows, one whose last message contains `text`."""
        return self.ask(f"chat {rows} {ARTIFACTS / picture} {text}")

    def swarm(self, rows, done, picture, ratio=0, completes=0):
        """Waits until the swarm table has `rows` rows, `done` of them at 100%, the origin's
        ratio at least `ratio` and `completes` downloads told in the log."""
        return self.ask(f"swarm {rows} {done} {ratio} {completes} {ARTIFACTS / picture}")

    def ask(self, command):
        if self.proc is None:
            return {}
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], 60)
        line = self.proc.stdout.readline() if ready else ""
        try:
            shown = json.loads(line)
        except ValueError:
            self.r.fail(f"the page driver gave no answer: {line[:200]} {self.proc.stderr.read() if self.proc.poll() is not None else ''}")
            return {}
        self.r.check("failed" not in shown, f"the page showed it: {shown.get('failed', '')[:300]}")
        return shown

    def close(self):
        if self.proc is None:
            return
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()


def check_wave(r, wave, what, names, neighbours):
    """Every node had it, the first as "local", each other from a neighbour no later than it."""
    seen = {row[0]: (int(row[1].strip("+ ms")), row[2]) for row in wave}
    r.check(set(seen) == set(names), f"{what} reached all {len(names)} nodes on the page: {wave}")
    origins = [n for n, (_, src) in seen.items() if src == "local"]
    r.check(len(origins) == 1, f"{what}: one origin, shown as local: {origins}")
    for node, (at, src) in seen.items():
        if src == "local":
            continue
        r.check(src in neighbours.get(node, set()) and src in seen and seen[src][0] <= at,
                f"{what} came to {node} from {src}, a neighbour that had it first")


def rpcauth(user, password):
    """Core's -rpcauth line: user:salt$HMAC-SHA256(salt, password)."""
    salt = secrets.token_hex(16)
    return f"-rpcauth={user}:{salt}${hmac.new(salt.encode(), password.encode(), 'sha256').hexdigest()}"


def body(r, opts, tmp):
    nodes, page = [], None
    try:
        ports = {n: free_port() for n in "abc"}
        password = secrets.token_urlsafe(9)
        auth = rpcauth("demo", password)  # the buttons' login, besides each node's cookie
        a = NodeProcess(opts.tonari, f"{tmp}/a", [f"-dashboard={ports['a']}", "-listen=1", auth,
                                                  f"-dashboardwatch=http://127.0.0.1:{ports['b']}/",
                                                  f"-dashboardwatch=http://127.0.0.1:{ports['c']}/"])
        a.start()
        b = NodeProcess(opts.tonari, f"{tmp}/b", [f"-dashboard={ports['b']}", "-listen=1", auth, f"-connect=127.0.0.1:{a.p2p_port}"])
        b.start()
        c = NodeProcess(opts.tonari, f"{tmp}/c", [f"-dashboard={ports['c']}", auth, f"-connect=127.0.0.1:{a.p2p_port}",
                                                  f"-connect=127.0.0.1:{b.p2p_port}"])
        c.start()
        nodes += [a, b, c]
        nb, nc = f"127.0.0.1:{ports['b']}", f"127.0.0.1:{ports['c']}"
        names = {"this node": a, nb: b, nc: c}
        neighbours = {"this node": {nb, nc}, nb: {"this node", nc}, nc: {"this node", nb}}
        r.check(wait_until(lambda: len(a.call("getpeerinfo")) == 2 and len(b.call("getpeerinfo")) == 2, 30),
                "A and B each have two peers")
        a.call("createwallet", "w")
        tip = a.call("generatetoaddress", 101, a.call("getnewaddress"))[-1]
        r.check(wait_until(lambda: all(n.call("getbestblockhash") == tip for n in nodes), 60), "all three at height 101")
        r.check(wait_until(lambda: "Dashboard on" in (a.net_dir / "debug.log").read_text(errors="replace"), 30),
                "A serves its dashboard")
        page = Page(r, f"http://127.0.0.1:{ports['a']}/")

        shown = page.snapshot(3, 0, "dashboard-network.png")
        rows = {row[0]: row for row in shown.get("rows", [])}
        r.check(set(rows) == set(names), f"every node appears: {sorted(rows)}")
        for name, node in names.items():
            row = rows.get(name, [""] * 6)
            r.check(row[1] == "online" and row[2] == str(node.call("getblockcount")) and row[3] != "" and
                    node.call("getbestblockhash").startswith(row[3]) and row[4] == str(len(node.call("getpeerinfo"))),
                    f"{name}: the page's height, tip and peers are its RPC's: {row}")
        r.check(shown.get("nodes") == 3 and shown.get("edges") == 3, f"the graph: 3 nodes, 3 edges ({shown.get('nodes')}, {shown.get('edges')})")

        # A payment and a block, through RPC; the page shows each spreading.
        b.call("createwallet", "w")
        txid = a.call("sendtoaddress", b.call("getnewaddress"), 1)
        r.check(wait_until(lambda: all(txid in n.call("getrawmempool") for n in nodes), 60, 0.1), "the payment reaches every mempool")

        def mempools_match():
            rows = {row[0]: row for row in page.snapshot(3, 0, "dashboard-mempool.png").get("rows", [])}
            return all(rows.get(name, [""] * 6)[5] == str(len(node.call("getrawmempool"))) for name, node in names.items())
        r.check(wait_until(mempools_match, 30, 1), "every row's mempool count is what its node's RPC says (1)")
        block = b.call("generatetoaddress", 1, b.call("getnewaddress"))[0]
        r.check(wait_until(lambda: all(n.call("getbestblockhash") == block for n in nodes), 30), "B's block reaches every node")
        shown = page.snapshot(3, 0, "dashboard-story.png", txid, block)
        check_wave(r, shown.get("wave_tx", []), "the payment", names, neighbours)
        check_wave(r, shown.get("wave_block", []), "the block", names, neighbours)
        r.check([row[2] for row in shown.get("wave_tx", []) if row[0] == "this node"] == ["local"], "the payment began at A")
        r.check([row[2] for row in shown.get("wave_block", []) if row[0] == nb] == ["local"], "the block began at B")
        rows = {row[0]: row for row in shown.get("rows", [])}
        r.check(all(rows.get(n, [""] * 3)[2] == "102" for n in names), "the new tip on every row")
        strip = shown.get("chain", [])
        r.check(len(strip) >= 2 and strip[-1][0] == "next" and strip[-2] == [block, f"mined by {nb}"],
                f"the chain strip ends with B's block, mined by B, then the next block: {strip[-2:]}")
        curves = {c[0]: c[1:] for c in shown.get("reach", [])}
        r.check(curves.get(txid) == [3, 3] and curves.get(block) == [3, 3],
                f"the reach chart: the payment and the block each reached 3 of 3 nodes: {shown.get('reach')}")
        story = " / ".join(shown.get("story", []))
        r.check("this node sends a payment" in story and f"{nb} mines block 102" in story and
                f"The payment {txid[:12]}… has reached all 3 running nodes" in story and
                "Block 102 has reached all 3 running nodes" in story, f"the story tells it in words: {story}")

        # The ledger cards: each wallet's balance is what its node's getbalance says at that moment
        # (the page hears of a change within a second; the chain is quiet now).
        def ledger_matches():
            cards = {(c[0], c[1]): c for c in page.snapshot(3, 0, "dashboard-ledger.png").get("ledger", [])}
            want = {("this node", "w"): a, (nb, "w"): b}
            return set(cards) == set(want) and all(
                cards[k][2] == int(D(str(node.call("getbalance"))) * 100_000_000) and cards[k][3] >= 1
                for k, node in want.items())
        r.check(wait_until(ledger_matches, 30, 1), "the ledger cards show A's and B's balances as their RPC gives them, "
                "each with its latest payments")

        c.kill()
        tip2 = b.call("generatetoaddress", 1, a.call("getnewaddress"))[0]
        r.check(wait_until(lambda: a.call("getbestblockhash") == tip2, 30), "with C dead, A and B agree on a new block")
        shown = page.snapshot(3, 1, "dashboard-node-down.png", "-", tip2)
        rows = {row[0]: row for row in shown.get("rows", [])}
        r.check(rows.get(nc, [""] * 2)[1] == "offline", "C's row shows it offline")
        r.check(all(rows.get(n, [""] * 3)[2] == "103" for n in ("this node", nb)), f"A and B at the new height on the page: {rows}")
        r.check(shown.get("edges") == 1, f"C's edges are gone: {shown.get('edges')} left")
        r.check(any(f"{nc} stopped answering" in line for line in shown.get("story", [])),
                f"the story says C stopped: {shown.get('story')}")

        # C restarts: back online on the page, caught up, its links drawn again.
        c.start()
        r.check(wait_until(lambda: c.call("getbestblockhash") == tip2, 60), "C restarted and caught up by RPC")
        shown = page.snapshot(3, 0, "dashboard-node-back.png")
        rows = {row[0]: row for row in shown.get("rows", [])}
        r.check(rows.get(nc, [""] * 3)[1:3] == ["online", "103"], f"C is online again at height 103 on the page: {rows.get(nc)}")
        r.check(wait_until(lambda: page.snapshot(3, 0, "dashboard-node-back.png").get("edges") == 3, 30, 1),
                "its links are drawn again (3 edges)")
        r.check(any(f"{nc} is back" in line for line in page.snapshot(3, 0, "dashboard-node-back.png").get("story", [])),
                "the story says C is back")

        # A dropped stream (its socket cut, as a network would) resumes where it stopped: the
        # page's event ids go on by one, with no snapshot reload.
        before = page.ask(f"drop {ports['a']}")
        b.call("generatetoaddress", 1, b.call("getnewaddress"))
        after = page.ask(f"resumed {before.get('count', 0)} 3")
        ids = after.get("ids", [])
        r.check(before.get("last") is not None and ids[:1] == [before["last"] + 1] and
                ids == list(range(ids[0], ids[0] + len(ids))) and after.get("loads") == 0,
                f"after the stream was cut the page's event ids go on from {before.get('last')} without a gap "
                f"(and without reloading): {ids[:8]}…, {after.get('loads')} reloads")

        # The buttons, pressed as a person would.
        # C has no wallet: "mine" there is one generatetoaddress call, which the password decides.
        height = c.call("getblockcount")
        wrong = page.act(what="mine", user="demo", password="not-" + password, node=nc)
        r.check(wrong.get("ok") is False and "refused the user or password" in wrong.get("text", ""),
                f"a wrong password: the page says the node refused it: {wrong}")
        r.check(c.call("getblockcount") == height, "... and nothing was mined")
        height = b.call("getblockcount")
        mined = page.act(what="mine", user="demo", password=password, node=nb)
        r.check(mined.get("ok") is True and wait_until(lambda: all(n.call("getblockcount") == height + 1 for n in nodes), 30),
                f"'mine a block' on B: a block every node gets: {mined}")
        paid = page.act(what="pay", user="demo", password=password, **{"from": "w@this node"}, to=f"w@{nb}", amount=0.5)
        found = re.search(r"transaction ([0-9a-f]{16})", paid.get("text", ""))
        r.check(paid.get("ok") is True and found is not None and wait_until(
            lambda: any(t.startswith(found.group(1)) for t in b.call("getrawmempool")), 30, 0.1),
            f"'send' pays 0.5 BTC from A's wallet to B's; the payment reaches B's mempool: {paid}")
        stopped = page.act(what="stop", user="demo", password=password, node=nc)
        r.check(stopped.get("ok") is True and c.wait_exit(30) == 0, f"'stop the node' stops C cleanly: {stopped}")
        shown = page.snapshot(3, 1, "dashboard-buttons.png")
        rows = {row[0]: row for row in shown.get("rows", [])}
        r.check(rows.get(nc, [""] * 2)[1] == "offline", "C's row shows it offline")

        # The browser reports the cut connections and the refused login above on its console;
        # nothing else.
        errors = shown.get("errors") or []
        expected = ("net::ERR_CONNECTION_ABORTED", "status of 401 (Unauthorized)")
        unexpected = [e for e in errors if not any(x in e for x in expected)]
        r.check(not unexpected and sum("401" in e for e in errors) <= 1 and not shown.get("external"),
                f"no page errors but the cut stream and the refused login, nothing outside loopback: {errors} "
                f"{shown.get('external')}")
        for picture in ("dashboard-network.png", "dashboard-story.png", "dashboard-node-down.png", "dashboard-node-back.png",
                        "dashboard-buttons.png"):
            saved = ARTIFACTS / picture
            r.check(saved.exists() and saved.stat().st_size > 10_000, f"a screenshot saved: {saved}")
    finally:
        if page:
            page.close()
        for n in nodes:
            n.kill()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-browser-"))
