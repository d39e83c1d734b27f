"""Outside BitTorrent clients for the interop tests, each in its own folder on loopback with
DHT, local discovery, peer exchange, port mapping and uTP off, so the only way peers meet is
the tracker the test runs: Transmission 3.00 (`transmission-cli`), aria2 and qBittorrent 4.5
(`qbittorrent-nox`, watched through its Web API)."""
import json
import pathlib
import urllib.request
import shutil
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
from torrent_process import stop_process  # noqa: E402

_COMMON_ARIA2 = ["--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
                 "--summary-interval=0", "--console-log-level=notice", "--file-allocation=none",
                 "--bt-require-crypto=false", "--bt-tracker-connect-timeout=10", "--bt-tracker-timeout=10"]


class Client:
    def __init__(self, argv, folder, name):
        self.folder = pathlib.Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.log = self.folder.parent / f"{name}.log"
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)

    def output(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def running(self):
        return self.proc.poll() is None

    def wait(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        return stop_process(self.proc, 15)

    kill = stop


_TRANSMISSION_ENCRYPTION = {"tolerated": (0, "-et"), "preferred": (1, "-ep"), "required": (2, "-er")}


def transmission(torrent, download_dir, config_dir, port, verify=False, encryption="tolerated"):
    """transmission-cli downloading into download_dir, or with `verify` checking the data already
    there and seeding it (a fresh config_dir then); it keeps running after completion, so the
    test watches the files and stops it. encryption: tolerated (plain first), preferred or
    required (MSE/PE with RC4 only, plain peers refused)."""
    config = pathlib.Path(config_dir)
    config.mkdir(parents=True, exist_ok=True)
    level, flag = _TRANSMISSION_ENCRYPTION[encryption]
    settings = {"dht-enabled": False, "lpd-enabled": False, "utp-enabled": False, "pex-enabled": False,
                "port-forwarding-enabled": False, "encryption": level, "rpc-enabled": False,
                "speed-limit-up-enabled": False, "speed-limit-down-enabled": False}
    (config / "settings.json").write_text(json.dumps(settings))
    return Client(["transmission-cli", "-g", str(config), "-w", str(download_dir), "-p", str(port), flag, "-M",
                   *(["-v"] if verify else []), str(torrent)], download_dir, f"transmission-{port}")


def aria2_download(torrent, download_dir, port):
    """aria2c fetching the torrent and exiting 0 once every piece is checked (no seeding)."""
    return Client(["aria2c", f"--dir={download_dir}", f"--listen-port={port}", "--seed-time=0", *_COMMON_ARIA2,
                   str(torrent)], download_dir, f"aria2-{port}")


def aria2_seed(torrent, data_dir, port):
    """aria2c checking the data in data_dir and seeding it until stopped."""
    return Client(["aria2c", f"--dir={data_dir}", f"--listen-port={port}", "--check-integrity=true",
                   "--seed-ratio=0.0", *_COMMON_ARIA2, str(torrent)], data_dir, f"aria2-{port}")


class QBittorrent(Client):
    """qbittorrent-nox with a profile of its own: the legal notice accepted, the Web API on a
    loopback port without a login (it answers only loopback), the torrent given on the
    command line. It checks data already in save_path, so the same call seeds a complete copy."""

    def __init__(self, torrent, save_path, profile, torrent_port, web_port):
        config = pathlib.Path(profile) / "qBittorrent" / "config"
        config.mkdir(parents=True, exist_ok=True)
        (config / "qBittorrent.conf").write_text(
            "[LegalNotice]\nAccepted=true\n\n"
            "[BitTorrent]\nSession\\DHTEnabled=false\nSession\\PeXEnabled=false\nSession\\LSDEnabled=false\n"
            "Session\\Encryption=0\nSession\\BTProtocol=TCP\nSession\\QueueingSystemEnabled=false\n\n"
            "[Preferences]\nWebUI\\LocalHostAuth=false\nWebUI\\Address=127.0.0.1\nConnection\\UPnP=false\n"
            "General\\Locale=en\n")
        self.web_port = web_port
        super().__init__(["qbittorrent-nox", f"--profile={profile}", f"--webui-port={web_port}",
                          f"--torrenting-port={torrent_port}", f"--save-path={save_path}", str(torrent)],
                         save_path, f"qbittorrent-{torrent_port}")

    def torrent(self):
        """The torrent's entry from /api/v2/torrents/info, or {} while the API is not up."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}/api/v2/torrents/info", timeout=5) as r:
                listed = json.loads(r.read())
        except (OSError, ValueError):
            return {}
        return listed[0] if listed else {}

    def complete(self):
        t = self.torrent()
        return t.get("amount_left") == 0 and t.get("state") not in (None, "checkingUP", "checkingDL", "checkingResumeData")


def available(program):
    return shutil.which(program) is not None
