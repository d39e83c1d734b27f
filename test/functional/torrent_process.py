"""A `tonari torrent get|seed` child process for functional tests: its own folder and port on
loopback, its output kept in files, and the facts the tests need read from that output
(listening port, completion, bytes downloaded and uploaded); and `make_torrent`, the checked
`tonari torrent create` every torrent test starts with."""
import hashlib
import itertools
import json
import pathlib
import random
import re
import signal
import subprocess
import time

from node_process import free_port

_instances = itertools.count()


def make_torrent(r, source, torrent, *flags):
    """`tonari torrent create SOURCE -o TORRENT FLAGS…`, checked; returns `torrent info --json`
    of the result (info_hash_v1, info_hash_v2, magnet, files…), or {} if it failed."""
    made = r.run("torrent", "create", str(source), "-o", str(torrent), *flags)
    r.check(made.returncode == 0, f"tonari creates {pathlib.Path(torrent).name} {' '.join(flags)}: "
                                  f"{made.stderr.strip()[-200:]}")
    info = r.run("torrent", "info", "--json", str(torrent))
    return json.loads(info.stdout) if made.returncode == 0 and info.returncode == 0 else {}


def write_random_file(path, size, seed):
    """`size` bytes from random.Random(seed) at `path` (folders made); returns their sha256 hex."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = random.Random(seed).randbytes(size)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def digests(folder):
    """{relative path: sha256 hex} of every file under folder (aria2's control files left out)."""
    folder = pathlib.Path(folder)
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.endswith(".aria2")}


def memory_mib(pid, field="VmRSS"):
    """VmRSS (now) or VmHWM (peak) of a process in MiB, None once it is gone."""
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def stop_process(proc, timeout=30):
    """SIGTERM, then wait; SIGKILL if it hangs. Returns the exit code (None if never started)."""
    if proc is None:
        return None
    if proc.poll() is not None:
        return proc.returncode
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


class TorrentProcess:
    def __init__(self, tonari, torrent, folder, mode="get", connect=(), extra=(), bind="127.0.0.1", dht=False,
                 lsd=False):
        self.tonari = tonari
        self.torrent = str(torrent)
        self.folder = pathlib.Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.mode = mode
        self.port = free_port()
        self.connect = list(connect)
        self.extra = list(extra)
        self.bind = bind
        # No test may reach the internet: the DHT (whose default routers are public) is off
        # unless the test brings its own bootstrap node.
        self.dht = dht
        # Local discovery (multicast on the host) only in the tests about it, so other tests
        # find exactly the peers they were given.
        self.lsd = lsd
        self.proc = None
        # Output files of their own, even for processes that share a folder one after another.
        n = next(_instances)
        self.out_path = self.folder.parent / f"{self.folder.name}.{n}.out"
        self.err_path = self.folder.parent / f"{self.folder.name}.{n}.err"

    @property
    def endpoint(self):
        return f"[{self.bind}]:{self.port}" if ":" in self.bind else f"{self.bind}:{self.port}"

    def start(self, preexec_fn=None):
        """preexec_fn runs in the child before exec (resource limits for disk-error tests)."""
        args = [self.tonari, "torrent", self.mode, self.torrent, "-d", str(self.folder), "--bind", self.bind,
                "--port", str(self.port)]
        for c in self.connect:
            args += ["--connect", c]
        if not self.dht:
            args.append("--no-dht")
        if not self.lsd:
            args.append("--no-lsd")
        with open(self.out_path, "ab") as out, open(self.err_path, "ab") as err:
            self.proc = subprocess.Popen(args + self.extra, stdout=out, stderr=err, preexec_fn=preexec_fn)
        return self

    def err(self):
        return self.err_path.read_text(errors="replace") if self.err_path.exists() else ""

    def listening(self):
        return self.out_path.exists() and "listening on" in self.out_path.read_text(errors="replace")

    def complete(self):
        return "complete: " in self.err()

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=30):
        """SIGTERM, then wait; returns the exit code (SIGKILL if it hangs)."""
        return stop_process(self.proc, timeout)

    def kill(self):
        if self.running():
            self.proc.kill()
            self.proc.wait()

    def wait(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def transferred(self):
        """(downloaded, uploaded) bytes from the last summary line, or None before the end."""
        found = re.findall(r"downloaded .*?\((\d+) bytes\), uploaded .*?\((\d+) bytes\)", self.err())
        return (int(found[-1][0]), int(found[-1][1])) if found else None

    def wait_listening(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.listening():
                return True
            if not self.running():
                return False
            time.sleep(0.02)
        return False


class TrackerProcess:
    """`tonari torrent tracker` on a free loopback port (HTTP and UDP on the same number)."""

    def __init__(self, tonari, folder, interval=10):
        self.folder = pathlib.Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.args = [tonari, "torrent", "tracker", "--bind", "127.0.0.1", "--port", str(self.port),
                     "--interval", str(interval)]
        self.out_path = self.folder / "tracker.out"
        self.proc = None

    @property
    def http(self):
        return f"http://127.0.0.1:{self.port}/announce"

    @property
    def udp(self):
        return f"udp://127.0.0.1:{self.port}/announce"

    def start(self):
        with open(self.out_path, "ab") as out:
            self.proc = subprocess.Popen(self.args, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.proc.poll() is None:
            if "/announce" in self.output():
                return self
            time.sleep(0.02)
        raise RuntimeError(f"tracker did not start: {self.output()[-300:]}")

    def output(self):
        return self.out_path.read_text(errors="replace") if self.out_path.exists() else ""

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=30):
        return stop_process(self.proc, timeout)


class DhtNodeProcess:
    """`tonari torrent dht-node` on 127.0.0.1 (a bootstrap node for DHT tests), its output in a
    file, the numbers it prints read back."""

    def __init__(self, tonari, folder, routers=()):
        self.tonari = tonari
        self.folder = pathlib.Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.routers = list(routers)
        self.proc = None
        self.out_path = self.folder / "dht-node.out"

    @property
    def endpoint(self):
        return f"127.0.0.1:{self.port}"

    def start(self):
        args = [self.tonari, "torrent", "dht-node", "--bind", "127.0.0.1", "--port", str(self.port)]
        for r in self.routers:
            args += ["--dht-bootstrap", r]
        with open(self.out_path, "ab") as out:
            self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        return self

    def output(self):
        return self.out_path.read_text(errors="replace") if self.out_path.exists() else ""

    def stored_peers(self):
        """Peers stored as of the last status line (0 before any)."""
        found = re.findall(r"(\d+) peers of \d+ torrents stored", self.output())
        return int(found[-1]) if found else 0

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=30):
        return stop_process(self.proc, timeout)
