#!/usr/bin/env python3
"""Torrent files between tonari and independent BitTorrent software (Debian's packages).

- tonari's v1, v2 and hybrid torrents load in libtorrent (python3-libtorrent) with the
  info-hashes tonari reports, and are byte for byte the info dictionaries libtorrent itself
  makes of the same files with the same piece size; tonari's v1 torrent shows in
  transmission-show (Transmission 3.00 reads v1 only) with the same hash.
- torrents made by mktorrent and by libtorrent (v1, v2, hybrid; multi-file and single-file)
  load in tonari with the hashes those tools give; tonari's v1 torrents have mktorrent's hash.
- hostile torrents (../../ paths, bencode nested 10,000 deep, a file where a folder must be)
  are refused with a clear error and nothing written; magnet links parse to the same hashes.

Runs under Debian's /usr/bin/python3, the one that sees python3-libtorrent. A missing tool is
a failure, never a skip.
"""
import json
import pathlib
import random
import shutil
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import run_test  # noqa: E402
from libtorrent_session import import_libtorrent  # noqa: E402

PIECE = 32768


def make_content(root):
    """A folder of files with awkward sizes (empty, sub-block, unaligned, nested) and one file."""
    rng = random.Random(7)
    folder = root / "share"
    (folder / "docs" / "deep").mkdir(parents=True)
    sizes = {"a.bin": 3 * PIECE + 1234, "docs/readme.txt": 100, "docs/empty": 0,
             "docs/deep/z.dat": 2 * PIECE, "m.bin": 70_000}
    for name, size in sizes.items():
        (folder / name).write_bytes(rng.randbytes(size))
    (folder / "run.sh").write_bytes(b"#!/bin/sh\necho hello\n")
    (folder / "run.sh").chmod(0o755)  # libtorrent records the executable bit (attr "x")
    single = root / "single.iso"
    single.write_bytes(rng.randbytes(5 * PIECE + 77))
    lone = root / "lone"  # a folder holding one file: no padding, as libtorrent
    lone.mkdir()
    (lone / "only.bin").write_bytes(rng.randbytes(PIECE + 5))
    return folder, single, lone


def tonari_info(r, path):
    proc = r.run("torrent", "info", str(path), "--json")
    if proc.returncode != 0:
        r.fail(f"tonari torrent info {path.name}: {proc.stderr.strip()}")
        return None
    return json.loads(proc.stdout)


def libtorrent_hashes(lt, path):
    ih = lt.torrent_info(str(path)).info_hashes()
    v1 = None if ih.v1.is_all_zeros() else str(ih.v1)
    v2 = None if ih.v2.is_all_zeros() else str(ih.v2)
    return v1, v2


def libtorrent_create(lt, source, out, flags):
    fs = lt.file_storage()
    lt.add_files(fs, str(source))
    t = lt.create_torrent(fs, PIECE, flags=flags)
    lt.set_piece_hashes(t, str(source.parent))
    out.write_bytes(lt.bencode(t.generate()))


def info_bytes(lt, path):
    return lt.bencode(lt.bdecode(path.read_bytes())[b"info"])


def body(r, opts, tmp):
    lt = import_libtorrent(r)
    if lt is None:
        return
    for tool in ("transmission-show", "mktorrent"):
        if shutil.which(tool) is None:
            r.fail(f"{tool} is missing (scripts/install-deps installs it)")
            return
    tmp = pathlib.Path(tmp)
    folder, single, lone = make_content(tmp)
    flags = {"v1": lt.create_torrent.v1_only, "v2": lt.create_torrent.v2_only, "hybrid": 0}

    # tonari -> libtorrent, Transmission
    for source in (folder, single, lone):
        for version in ("v1", "v2", "hybrid"):
            what = f"{version} of {source.name}"
            ours = tmp / f"tonari-{source.name}-{version}.torrent"
            proc = r.run("torrent", "create", str(source), "-o", str(ours), f"--{version}",
                         "--piece-size", str(PIECE), "--no-date")
            r.check(proc.returncode == 0, f"tonari creates the {what}: {proc.stderr.strip()}")
            if proc.returncode != 0:
                continue
            info = tonari_info(r, ours)
            lt_v1, lt_v2 = libtorrent_hashes(lt, ours)
            r.check(info is not None and info.get("info_hash_v1") == lt_v1 and info.get("info_hash_v2") == lt_v2,
                    f"libtorrent loads tonari's {what} with the same info-hashes ({lt_v1}, {lt_v2})")
            theirs = tmp / f"lt-{source.name}-{version}.torrent"
            libtorrent_create(lt, source, theirs, flags[version])
            if version != "v1" or source.is_file():
                # libtorrent lists a v1 folder in directory order, not sorted: only there can
                # the two differ while both are right.
                r.check(info_bytes(lt, ours) == info_bytes(lt, theirs),
                        f"tonari's {what} has libtorrent's own info dictionary, byte for byte")
            their_info = tonari_info(r, theirs)
            r.check(their_info is not None and (their_info.get("info_hash_v1"), their_info.get("info_hash_v2")) ==
                    libtorrent_hashes(lt, theirs), f"tonari loads libtorrent's {what} with libtorrent's hashes")
            if version == "v1":
                show = subprocess.run(["transmission-show", str(ours)], capture_output=True, text=True)
                r.check(show.returncode == 0 and info is not None and f"Hash: {info['info_hash_v1']}" in show.stdout,
                        f"transmission-show reads tonari's {what} with the same hash")
                r.check(info is not None and info["size"] == sum(
                    p.stat().st_size for p in ([source] if source.is_file() else source.rglob("*")) if p.is_file()),
                        f"the {what} holds every byte of the input")

    # mktorrent -> tonari
    for source in (folder, single, lone):
        made = tmp / f"mk-{source.name}.torrent"
        mk = subprocess.run(["mktorrent", "-l", "15", "-a", "http://127.0.0.1:6969/announce", "-c", "made by mktorrent",
                             "-o", str(made), str(source)], capture_output=True, text=True)
        r.check(mk.returncode == 0, f"mktorrent makes a torrent of {source.name}: {mk.stderr.strip()[-200:]}")
        if mk.returncode != 0:
            continue
        info = tonari_info(r, made)
        show = subprocess.run(["transmission-show", str(made)], capture_output=True, text=True)
        r.check(info is not None and f"Hash: {info['info_hash_v1']}" in show.stdout,
                f"tonari reads mktorrent's torrent of {source.name} with Transmission's hash")
        r.check(info is not None and info["trackers"] == [["http://127.0.0.1:6969/announce"]] and
                info.get("comment") == "made by mktorrent", "and with its tracker and comment")
        # mktorrent walks folders in sorted order, as tonari does: the v1 torrents are the same
        # (but for `share`, whose run.sh is executable: tonari writes attr "x" as libtorrent does,
        # mktorrent writes no attributes).
        if source is folder:
            continue
        ours = tonari_info(r, tmp / f"tonari-{source.name}-v1.torrent")
        r.check(info is not None and ours is not None and ours["info_hash_v1"] == info["info_hash_v1"],
                f"tonari's v1 torrent of {source.name} has mktorrent's info-hash")

    # Hostile torrents: refused with a clear error, nothing written anywhere.
    def bencode_escape(path_parts):
        return b"l" + b"".join(str(len(p)).encode() + b":" + p for p in path_parts) + b"e"

    hostile = {
        "dotdot": b"d4:infod5:filesld6:lengthi5e4:path" + bencode_escape([b"..", b"..", b"evil"]) +
                  b"ee4:name1:x12:piece lengthi16384e6:pieces20:" + b"a" * 20 + b"ee",
        "absolute": b"d4:infod5:filesld6:lengthi5e4:path" + bencode_escape([b"/etc/passwd"]) +
                    b"ee4:name1:x12:piece lengthi16384e6:pieces20:" + b"a" * 20 + b"ee",
        "deep": b"d4:info" + b"l" * 10_000 + b"e" * 10_000 + b"e",
        "file-as-folder": b"d4:infod5:filesld6:lengthi1e4:path" + bencode_escape([b"a"]) + b"ed6:lengthi1e4:path" +
                          bencode_escape([b"a", b"b"]) + b"ee4:name1:x12:piece lengthi16384e6:pieces20:" + b"a" * 20 +
                          b"ee",
    }
    expected = {"dotdot": "unsafe path", "absolute": "unsafe path", "deep": "nested too deeply",
                "file-as-folder": "folder"}
    for name, data in hostile.items():
        path = tmp / f"hostile-{name}.torrent"
        path.write_bytes(data)
        proc = r.run("torrent", "info", str(path))
        r.check(proc.returncode == 1 and expected[name] in proc.stderr,
                f"the {name} torrent is refused with a clear error: {proc.stderr.strip()[:120]}")

    # Magnet links: the hashes of a torrent, as tonari and libtorrent read them.
    ours = tmp / "tonari-share-hybrid.torrent"
    info = tonari_info(r, ours)
    if info is not None:
        parsed = lt.parse_magnet_uri(info["magnet"])
        r.check(str(parsed.info_hashes.v1) == info["info_hash_v1"] and str(parsed.info_hashes.v2) == info["info_hash_v2"],
                "libtorrent reads tonari's magnet link with both hashes")
        lt_magnet = lt.make_magnet_uri(lt.torrent_info(str(ours)))
        back = subprocess.run([opts.tonari, "torrent", "info", lt_magnet, "--json"], capture_output=True, text=True)
        got = json.loads(back.stdout) if back.returncode == 0 else {}
        r.check(got.get("info_hash_v1") == info["info_hash_v1"] and got.get("info_hash_v2") == info["info_hash_v2"],
                f"tonari reads libtorrent's magnet link with both hashes: {lt_magnet[:90]}")


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-torrent-meta-"))
