"""Debian's opentracker on a free loopback port for the interop tests. It serves only
whitelisted v1 info-hashes, and reads the list after dropping to the `nobody` user, so the file
and its folder are made world-readable."""
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
from node_process import free_port  # noqa: E402
from torrent_process import stop_process  # noqa: E402


class Opentracker:
    def __init__(self, info_hashes_hex):
        # A folder of its own directly under the system's temporary folder: a test's scratch
        # folder is 0700, which `nobody` cannot enter.
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix="tonari-opentracker-"))
        os.chmod(self.folder, 0o755)
        self.whitelist = self.folder / "whitelist"
        self.whitelist.write_text("".join(h + "\n" for h in info_hashes_hex))
        os.chmod(self.whitelist, 0o644)
        self.port = free_port()
        self.proc = None
        self.log = self.folder / "opentracker.log"

    @staticmethod
    def available():
        return shutil.which("opentracker") is not None

    @property
    def http(self):
        return f"http://127.0.0.1:{self.port}/announce"

    @property
    def udp(self):
        return f"udp://127.0.0.1:{self.port}/announce"

    def start(self):
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(["opentracker", "-i", "127.0.0.1", "-p", str(self.port), "-P", str(self.port),
                                          "-w", str(self.whitelist)], stdout=out, stderr=subprocess.STDOUT)
        # Ready when its TCP port takes a connection.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"opentracker did not start: {self.log.read_text(errors='replace')[-300:]}")

    def stop(self):
        stop_process(self.proc, 10)
        shutil.rmtree(self.folder, ignore_errors=True)
