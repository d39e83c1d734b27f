"""A `tonari node` child process for functional tests: its own data directory and free RPC
port, JSON-RPC calls with the cookie, and a stop that always ends the process.
"""
import base64
import decimal
import fcntl
import http.client
import json
import os
import pathlib
import resource
import signal
import socket
import subprocess
import tempfile
import time

START_TIMEOUT_S = 60


def wait_until(pred, timeout, step=0.05):
    """Calls pred until it is true or `timeout` seconds pass; returns its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(step)
    return pred()


def wait_while_progressing(pred, progress, idle_timeout, limit=900, step=0.1):
    """Waits until pred() is true, for as long as progress() keeps changing: gives up only when
    progress() has stood still for `idle_timeout` seconds (or after `limit` seconds in all). A
    long job on a busy machine is slow, not stuck, and a fixed budget would confuse the two."""
    deadline = time.monotonic() + limit
    last, last_change = progress(), time.monotonic()
    while time.monotonic() < deadline:
        if pred():
            return True
        now_value = progress()
        if now_value != last:
            last, last_change = now_value, time.monotonic()
        elif time.monotonic() - last_change > idle_timeout:
            break
        time.sleep(step)
    return pred()


# Ports handed out by free_port, claimed machine-wide: ctest runs tests side by side, and a
# port one test found free could otherwise be found free by another before either node binds
# it (a node then answers another test's RPC with P2P bytes). A claim is an flock on a file
# named after the port, held as long as this test process lives, so it ends with the process
# however that ends; a port whose file another live test has locked is skipped.
_PORT_CLAIM_DIR = os.path.join(tempfile.gettempdir(), "tonari-test-ports")
_port_claims = []  # open files whose locks are this process's claims


def free_port():
    os.makedirs(_PORT_CLAIM_DIR, exist_ok=True)
    for _ in range(1000):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        f = open(os.path.join(_PORT_CLAIM_DIR, str(port)), "a")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            continue  # another test holds it
        _port_claims.append(f)
        return port
    raise RuntimeError("no free port that another test has not claimed")


def claim_port(port):
    """Claims a given port for this test process, as free_port() does, if no other test holds it
    and nothing is bound to it (TCP or UDP, any address); False otherwise."""
    os.makedirs(_PORT_CLAIM_DIR, exist_ok=True)
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind(("0.0.0.0", port))
            except OSError:
                return False
    f = open(os.path.join(_PORT_CLAIM_DIR, str(port)), "a")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        return False
    _port_claims.append(f)
    return True


class RpcError(Exception):
    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class NodeProcess:
    def __init__(self, tonari, datadir, extra_args=(), file_size_limit=None, command_prefix=()):
        """file_size_limit: bytes no file the node writes may grow past (RLIMIT_FSIZE, as
        `ulimit -f`), to make a full disk without a filesystem of that size. command_prefix: a
        program that execs the node (e.g. nsenter into a mount namespace)."""
        self.tonari = tonari
        self.file_size_limit = file_size_limit
        self.command_prefix = list(command_prefix)
        self.datadir = pathlib.Path(datadir)
        self.datadir.mkdir(parents=True, exist_ok=True)
        self.rpc_port = free_port()
        self.p2p_port = free_port()
        self.extra_args = list(extra_args)
        self.proc = None
        self.log = None

    @property
    def net_dir(self):
        return self.datadir / "regtest"

    def args(self):
        return [f"-datadir={self.datadir}", f"-rpcport={self.rpc_port}"]

    def start(self, *more):
        # A node killed with SIGKILL leaves its cookie behind; reading that one before the new
        # process writes its own would fail authentication, depending on which came first.
        (self.net_dir / ".cookie").unlink(missing_ok=True)
        self.log = open(self.datadir / "stderr.txt", "ab")
        self.proc = subprocess.Popen([*self.command_prefix, self.tonari, "node", *self.args(), f"-port={self.p2p_port}", "-printtoconsole=0",
                                      *self.extra_args, *more],
                                     stdout=self.log, stderr=self.log, preexec_fn=self._limits)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"node exited with {self.proc.returncode}: {self.stderr()}")
            try:
                self.call("getblockcount")
                return
            except (OSError, RpcError, ValueError, http.client.HTTPException):
                # ValueError: a 401's empty body is not JSON; HTTPException: not an HTTP answer
                time.sleep(0.05)
        raise RuntimeError("node did not answer RPC in time")

    def _limits(self):
        if self.file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (self.file_size_limit, self.file_size_limit))

    def stderr(self):
        p = self.datadir / "stderr.txt"
        return p.read_text(errors="replace")[-2000:] if p.exists() else ""

    def auth_header(self):
        cookie = (self.net_dir / ".cookie").read_text().strip()
        return "Basic " + base64.b64encode(cookie.encode()).decode()

    def http(self, body, headers=None, method="POST", path="/"):
        """Raw HTTP round trip: returns (status, body text)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.rpc_port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.read().decode(errors="replace")
        finally:
            conn.close()

    def call(self, method, *params):
        body = json.dumps({"jsonrpc": "1.0", "id": 1, "method": method, "params": list(params)})
        status, text = self.http(body, {"Authorization": self.auth_header(), "Content-Type": "application/json"})
        reply = json.loads(text, parse_float=decimal.Decimal)
        if reply.get("error"):
            raise RpcError(reply["error"]["code"], reply["error"]["message"])
        return reply["result"]

    def cli(self, *args):
        return subprocess.run([self.tonari, "cli", *self.args(), *args], capture_output=True, text=True, timeout=120)

    def wait_exit(self, timeout=60):
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self.close_log()

    def close_log(self):
        if self.log:
            self.log.close()
            self.log = None

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.close_log()

    def log_tail(self, lines=40):
        """The end of the node's debug.log, for a failing test's report."""
        path = self.net_dir / "debug.log"
        if not path.exists():
            return "(no debug.log)"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def running(self):
        return self.proc is not None and self.proc.poll() is None


def fund_wallet(node, name="w", blocks=101):
    """Creates wallet `name` on a running node, loads it at every later start, and mines
    `blocks` blocks to it (101: one mature coinbase)."""
    node.call("createwallet", name)
    node.extra_args.append(f"-wallet={name}")
    node.call("generatetoaddress", blocks, node.call("getnewaddress"))
