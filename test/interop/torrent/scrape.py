"""Asking a tracker about a swarm from a test: an HTTP scrape (BEP 48) read with the small bencode
decoder of torrent_peer.py, so a test can wait until an outside client has announced itself."""
import json
import subprocess
import urllib.parse
import urllib.request

from torrent_peer import bdecode


def scrape(announce_url, info_hash_hex):
    """{'complete': seeds, 'incomplete': leechers, 'downloaded': n} for one v1 info-hash."""
    url = announce_url.replace("/announce", "/scrape") + "?info_hash=" + urllib.parse.quote(bytes.fromhex(info_hash_hex))
    with urllib.request.urlopen(url, timeout=10) as response:
        answer, _ = bdecode(response.read())
    entry = answer.get(b"files", {}).get(bytes.fromhex(info_hash_hex), {})
    return {k.decode(): v for k, v in entry.items()}


def info_hashes(tonari, torrent):
    """(v1 hex or None, v2 hex or None) from `tonari torrent info --json`."""
    out = subprocess.run([tonari, "torrent", "info", "--json", str(torrent)], capture_output=True, text=True, check=True)
    info = json.loads(out.stdout)
    return info.get("info_hash_v1"), info.get("info_hash_v2")
