#!/usr/bin/env python3
"""`tonari torrent daemon` driven by Debian's `transmission-remote` (Transmission 3.00) over
Transmission's RPC protocol, on loopback:

- transmission-remote adds a 12 MiB multi-file torrent (it sends the .torrent as base64
  metainfo); the daemon finds the tonari seeder through tonari's tracker and downloads it;
  `transmission-remote -l` lists it and shows it reach 100%; the files are the original's;
  `-t 1 -f` lists both files at 100%; `-t 1 -it` shows the tracker's last answer; a tonari
  downloader finding the daemon through the tracker shows in `-t 1 -pi`, with the daemon
  uploading to it.
- The daemon is stopped and started again: the torrent is still there, complete, from its
  resume data; then transmission-remote removes it (with its data) and the list is empty.
- Wrong credentials get 401 (transmission-remote fails; a raw POST sees the status), and a
  request without the session id gets 409 with the id to use.
"""
import base64
import pathlib
import random
import re
import subprocess
import sys
import urllib.error
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import clients  # noqa: E402
from checks import run_test  # noqa: E402
from node_process import free_port, wait_until  # noqa: E402
from torrent_process import TorrentProcess, TrackerProcess, digests, stop_process  # noqa: E402

USER, PASSWORD = "alice", "correct horse"


class Daemon:
    def __init__(self, tonari, datadir, port):
        self.port = port
        self.log = pathlib.Path(datadir).parent / f"daemon-{port}.log"
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen([tonari, "torrent", "daemon", "--datadir", str(datadir), "--rpcport", str(port),
                                          "--rpcuser", USER, "--rpcpassword", PASSWORD, "--bind", "127.0.0.1",
                                          "--no-dht", "--no-lsd"], stdout=out, stderr=subprocess.STDOUT)

    def output(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def ready(self):
        return "Transmission RPC on" in self.output()

    def stop(self):
        return stop_process(self.proc)


def remote(port, *args, auth=f"{USER}:{PASSWORD}"):
    return subprocess.run(["transmission-remote", f"127.0.0.1:{port}", "--auth", auth, *args], capture_output=True,
                          text=True, timeout=60)


def listed(port):
    """transmission-remote -l's torrent lines (the header and the Sum line left out)."""
    out = remote(port, "-l").stdout
    return [l for l in out.splitlines()[1:] if l.strip() and not l.startswith("Sum:")]


def raw_post(port, auth, session_id=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/transmission/rpc", data=b'{"method":"session-get"}',
                                 method="POST")
    req.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    if session_id:
        req.add_header("X-Transmission-Session-Id", session_id)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def body(r, opts, tmp):
    if not clients.available("transmission-remote"):
        r.fail("transmission-remote is missing (scripts/install-deps installs transmission-cli)")
        return
    tmp = pathlib.Path(tmp)
    share = tmp / "origin" / "share"
    (share / "docs").mkdir(parents=True)
    rng = random.Random(23)
    (share / "video.bin").write_bytes(rng.randbytes(11 << 20))
    (share / "docs" / "notes.txt").write_bytes(rng.randbytes(1 << 20))
    want = digests(share)
    procs = []
    try:
        tracker = TrackerProcess(opts.tonari, tmp / "tracker", interval=10).start()
        procs.append(tracker)
        torrent = tmp / "share.torrent"
        made = r.run("torrent", "create", str(share), "-o", str(torrent), "--tracker", tracker.http, "--piece-size", "256K")
        r.check(made.returncode == 0, f"tonari creates a torrent naming its tracker: {made.stderr.strip()}")
        seeder = TorrentProcess(opts.tonari, torrent, share.parent, mode="seed").start()
        procs.append(seeder)
        r.check(seeder.wait_listening(), "tonari seeds it")

        datadir = tmp / "daemon"
        port = free_port()
        daemon = Daemon(opts.tonari, datadir, port)
        procs.append(daemon)
        r.check(wait_until(daemon.ready, 30), f"the daemon serves the RPC: {daemon.output()[-300:]}")

        added = remote(port, "-a", str(torrent), "-w", str(tmp / "downloads"))
        r.check(added.returncode == 0 and "success" in added.stdout,
                f"transmission-remote -a adds the torrent: {added.stdout.strip()} {added.stderr.strip()}")
        r.check(wait_until(lambda: any("share" in l for l in listed(port)), 30),
                f"transmission-remote -l lists it: {remote(port, '-l').stdout}")
        done = wait_until(lambda: any(re.search(r"\b100%", l) for l in listed(port)), 120, 0.5)
        r.check(done, f"... and shows it reach 100%: {remote(port, '-l').stdout} {daemon.output()[-400:]}")
        r.check(done and digests(tmp / "downloads" / "share") == want, "the downloaded files have the original sha256")
        info = remote(port, "-t", "1", "-i").stdout
        r.check(re.search(r"Hash:\s*[0-9a-f]{40}", info) is not None and "share" in info,
                f"transmission-remote -t 1 -i shows its name and hash: {info[:300]}")

        files = remote(port, "-t", "1", "-f").stdout
        rows = re.findall(r"^\s*\d+:\s+(\d+)%.*?\s(share/\S+)\s*$", files, re.M)
        r.check(sorted(rows) == [("100", "share/docs/notes.txt"), ("100", "share/video.bin")],
                f"transmission-remote -t 1 -f lists both files, each 100% done: {files}")
        trackers = remote(port, "-t", "1", "-it").stdout
        r.check(re.search(r"Got a list of \d+ peers", trackers) is not None and "Asking for more peers in" in trackers,
                f"transmission-remote -t 1 -it shows tonari's tracker answering: {trackers}")
        # A downloader finding the daemon through the tracker, slowed so it stays a while: the
        # daemon's peer list shows it.
        leecher = TorrentProcess(opts.tonari, torrent, tmp / "leecher", extra=["--max-down", "512K"]).start()
        procs.append(leecher)
        peers = lambda: remote(port, "-t", "1", "-pi").stdout
        r.check(wait_until(lambda: re.search(r"^127\.0\.0\.1\s+\S*U\S*\s.*Tonari", peers(), re.M) is not None, 60, 0.5),
                f"transmission-remote -t 1 -pi shows the downloader, uploading to it (U): {peers()}")
        leecher.stop()

        # Restart: the torrent is kept, complete from its resume data.
        r.check(daemon.stop() == 0, "the daemon stops cleanly")
        daemon = Daemon(opts.tonari, datadir, port)
        procs.append(daemon)
        r.check(wait_until(daemon.ready, 30), f"the daemon starts again: {daemon.output()[-300:]}")
        r.check(wait_until(lambda: any(re.search(r"\b100%", l) for l in listed(port)), 30, 0.5),
                f"after the restart the torrent is listed, complete: {remote(port, '-l').stdout}")

        # Wrong credentials and a missing session id.
        wrong = remote(port, "-l", auth=f"{USER}:wrong")
        r.check(wrong.returncode != 0 or "401" in wrong.stdout + wrong.stderr,
                f"transmission-remote with a wrong password fails: {wrong.returncode} {wrong.stdout} {wrong.stderr}")
        status, _, _ = raw_post(port, f"{USER}:wrong")
        r.check(status == 401, f"a raw request with a wrong password gets 401: {status}")
        status, headers, _ = raw_post(port, f"{USER}:{PASSWORD}")
        session_id = headers.get("X-Transmission-Session-Id")
        r.check(status == 409 and session_id, f"without the session id: 409 and the id to use ({status})")
        status, _, text = raw_post(port, f"{USER}:{PASSWORD}", session_id)
        r.check(status == 200 and '"rpc-version"' in text and '"success"' in text, f"with it: session-get answers: {text[:200]}")

        # Remove with its data.
        removed = remote(port, "-t", "1", "--remove-and-delete")
        r.check(removed.returncode == 0 and "success" in removed.stdout, f"transmission-remote removes it: {removed.stdout}")
        r.check(listed(port) == [], f"the list is empty: {remote(port, '-l').stdout}")
        r.check(not (tmp / "downloads" / "share").exists(), "its data is gone")
        r.check(daemon.stop() == 0, "the daemon stops cleanly")
    finally:
        for p in procs:
            p.stop()


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-torrent-daemon-"))
