"""The processes the Tox interop tests run: c-toxcore's tox-bootstrapd (Debian's toxcore-utils)
with a config of its own on a free port, `tonari chat bootstrap --json`, and the c-toxcore test
program (toxdriver.c), whose JSON lines are read on a thread as they come. Each ends with
stop(), which always ends the process."""
import json
import os
import pathlib
import shutil
import socket
import subprocess
import threading
import time

import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
from checks import poll  # noqa: E402
from node_process import free_port  # noqa: E402

START_TIMEOUT_S = 20


def tox_bootstrapd_path():
    """The daemon's path; a missing daemon is a failure, never a skip."""
    path = shutil.which("tox-bootstrapd")
    if not path:
        raise RuntimeError("tox-bootstrapd is not installed (Debian package toxcore-utils; scripts/install-deps)")
    return path


def stop_process(proc):
    """SIGTERM, then SIGKILL after 10 s; the exit code (None if it never started)."""
    if proc is None:
        return None
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


class ToxBootstrapd:
    """c-toxcore's bootstrap daemon in the foreground, IPv6 off, LAN discovery off unless asked."""

    def __init__(self, folder, bootstrap_nodes=(), motd="c-toxcore under test", tcp_relay=False, lan_discovery=False,
                 port=None):
        self.folder = pathlib.Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.tcp_relay_port = free_port() if tcp_relay else None
        self.motd = motd
        nodes = ", ".join(
            f'{{ address = "{host}"; port = {port}; public_key = "{key}"; }}' for host, port, key in bootstrap_nodes)
        (self.folder / "tox-bootstrapd.conf").write_text(
            f'port = {self.port}\n'
            f'keys_file_path = "{self.folder / "keys"}"\n'
            f'pid_file_path = "{self.folder / "pid"}"\n'
            'enable_ipv6 = false\nenable_ipv4_fallback = true\n'
            f'enable_lan_discovery = {"true" if lan_discovery else "false"}\n'
            + (f'enable_tcp_relay = true\ntcp_relay_ports = [{self.tcp_relay_port}]\n' if tcp_relay
               else 'enable_tcp_relay = false\ntcp_relay_ports = []\n') +
            f'enable_motd = true\nmotd = "{motd}"\n'
            f'bootstrap_nodes = ({nodes})\n')
        self.log_path = self.folder / "tox-bootstrapd.log"
        self.proc = None
        self.public_key = None

    def start(self):
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [tox_bootstrapd_path(), f"--config={self.folder / 'tox-bootstrapd.conf'}", "--foreground",
             "--log-backend=stdout"], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and self.proc.poll() is None:
            for line in self.log_path.read_text().splitlines():
                if line.startswith("Public Key: "):
                    self.public_key = line.split(": ", 1)[1].strip()
                    return self
            time.sleep(0.05)
        raise RuntimeError("tox-bootstrapd did not start:\n" + self.log_path.read_text())

    def node(self):
        return ("127.0.0.1", self.port, self.public_key)

    def relay(self):
        """The TCP relay as HOST:PORT:KEY."""
        return f"127.0.0.1:{self.tcp_relay_port}:{self.public_key}"

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        code = stop_process(self.proc)
        if self.proc:
            self.log.close()
        return code


class JsonLinesProcess:
    """A child that writes one JSON event per line: read on a thread as they come."""

    def __init__(self):
        self.events = []
        self.lock = threading.Lock()
        self.proc = None
        self.stderr = None

    def _spawn(self, args, stdin=None, env=None):
        self.stderr = open(self.folder / "stderr.log", "w")
        self.proc = subprocess.Popen(args, stdin=stdin, stdout=subprocess.PIPE, stderr=self.stderr, text=True, env=env)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            with self.lock:
                self.events.append(event)

    def _wait_ready(self, what):
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and self.proc.poll() is None:
            ready = self.first("ready")
            if ready:
                return ready
            time.sleep(0.05)
        raise RuntimeError(f"{what} did not start: " + (self.folder / "stderr.log").read_text())

    def first(self, kind, **match):
        with self.lock:
            return next((e for e in self.events
                         if e.get("event") == kind and all(e.get(k) == v for k, v in match.items())), None)

    def all(self, kind):
        with self.lock:
            return [e for e in self.events if e.get("event") == kind]

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def send(self, **command):
        """One command, as a JSON line on the child's stdin."""
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()

    def quit(self, timeout=20):
        """Asks it to save and leave; the exit code."""
        if self.proc.poll() is None:
            self.send(cmd="quit")
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        return self.stop()

    def stop(self):
        code = stop_process(self.proc)
        if self.stderr:
            self.stderr.close()
            self.stderr = None
        return code


class ChatBootstrap(JsonLinesProcess):
    """`tonari chat bootstrap --json`: its events in order, the latest status at hand."""

    def __init__(self, tonari, folder, bootstrap_nodes=(), find=(), motd="tonari under test", tcp_relay=False,
                 lan_discovery=False, port=None, bind="127.0.0.1"):
        super().__init__()
        self.folder = pathlib.Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.tcp_relay_port = free_port() if tcp_relay else None
        self.args = [tonari, "chat", "bootstrap", "--json", "--port", str(self.port), "--bind", bind,
                     "--keys", str(self.folder / "bootstrap.keys"), "--motd", motd]
        if not lan_discovery:  # off in tests: nodes of tests running side by side must not meet
            self.args.append("--no-lan-discovery")
        if tcp_relay:
            self.args += ["--tcp-relay-port", str(self.tcp_relay_port)]
        for host, port, key in bootstrap_nodes:
            self.args += ["--bootstrap", f"{host}:{port}:{key}"]
        for key in find:
            self.args += ["--find", key]
        self.public_key = None

    def start(self):
        self._spawn(self.args, env={**os.environ, "HOME": str(self.folder)})
        self.public_key = self._wait_ready("tonari chat bootstrap")["public_key"]
        return self

    def status(self):
        with self.lock:
            return next((e for e in reversed(self.events) if e.get("event") == "status"), {})

    def knows(self, key):
        return key in self.status().get("known", [])

    def node(self):
        return ("127.0.0.1", self.port, self.public_key)

    def relay(self):
        """The TCP relay as HOST:PORT:KEY."""
        return f"127.0.0.1:{self.tcp_relay_port}:{self.public_key}"


def bootstrap_info(port, timeout=2.0):
    """Asks a node on loopback for its bootstrap info (a 78-byte 0xf0 packet): (version, motd)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(b"\xf0" + bytes(77), ("127.0.0.1", port))
        data, _ = s.recvfrom(2048)
    if len(data) < 5 or data[0] != 0xF0:
        raise RuntimeError(f"not a bootstrap info reply: {data[:16].hex()}")
    return int.from_bytes(data[1:5], "big"), data[5:].rstrip(b"\0").decode("utf-8", "replace")


class ToxDriver(JsonLinesProcess):
    """The c-toxcore test program (toxdriver.c): commands in, events out, as JSON lines."""

    def __init__(self, driver, folder, profile=None, args=()):
        super().__init__()
        if not driver or not os.path.exists(driver):
            raise RuntimeError(f"the c-toxcore test program is missing ({driver}); it is built with tonari")
        self.folder = pathlib.Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.profile = pathlib.Path(profile) if profile else self.folder / "profile.tox"
        self.args = [driver, "--profile", str(self.profile), "--downloads", str(self.folder), *args]

    def start(self):
        self._spawn(self.args, stdin=subprocess.PIPE)
        self._wait_ready("toxdriver")
        return self


class ChatClient(JsonLinesProcess):
    """`tonari chat run --json`: a tonari Tox client, commands in, events out."""

    def __init__(self, tonari, folder, bootstrap_nodes=(), name=None, extra=()):
        super().__init__()
        self.folder = pathlib.Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.profile = self.folder / "profile.tox"
        self.port = free_port()
        self.args = [tonari, "chat", "run", "--json", "--profile", str(self.profile), "--bind", "127.0.0.1",
                     "--udp-port", str(self.port), "--no-lan-discovery"]
        for host, port, key in bootstrap_nodes:
            self.args += ["--bootstrap", f"{host}:{port}:{key}"]
        if name:
            self.args += ["--name", name]
        self.args += list(extra)

    def start(self):
        self._spawn(self.args, stdin=subprocess.PIPE, env={**os.environ, "HOME": str(self.folder)})
        self._wait_ready("tonari chat run")
        return self


def befriend(r, requester, accepter, message, timeout):
    """`requester` asks `accepter` (both tonari clients) to be friends, `accepter` accepts, and
    both wait to see the other online; checked on `r`. True once they are."""
    requester.send(cmd="add", id=accepter.first("ready")["tox_id"], message=message)
    request = poll(lambda: accepter.first("friend_request"), timeout)
    r.check(request is not None, f"the friend request arrived: {message!r}")
    if not request:
        return False
    accepter.send(cmd="accept", public_key=request["public_key"])
    online = poll(lambda: requester.first("friend_online") and accepter.first("friend_online"), timeout)
    r.check(bool(online), "both see the other online")
    return bool(online)

