#!/usr/bin/env python3
"""Include-direction lint: fails when a module includes a header of a module above it.

The layering is docs/architecture.md's: each module may include itself and the modules
listed for it below. A new module folder must be added here, which keeps the rule written
down in one place that a test enforces. Kernel modules (consensus and everything under it)
may also not include networking, storage or logging libraries.
"""
import pathlib
import re
import sys

# module folder (relative to src/) -> modules it may include (besides itself)
LAYERS = {
    "util": [],
    "crypto": ["util"],
    "bitcoin/encoding": ["util", "crypto"],
    "bitcoin/primitives": ["util", "crypto", "bitcoin/encoding"],
    "bitcoin/script": ["util", "crypto", "bitcoin/encoding", "bitcoin/primitives"],
    "bitcoin/consensus": ["util", "crypto", "bitcoin/encoding", "bitcoin/primitives", "bitcoin/script"],
    "bitcoin/descriptor": ["util", "crypto", "bitcoin/encoding", "bitcoin/primitives", "bitcoin/script"],
    "storage": ["util"],
    "bitcoin/chain": ["util", "crypto", "bitcoin/encoding", "bitcoin/primitives", "bitcoin/script",
                      "bitcoin/consensus", "storage"],
    "bitcoin/policy": ["util", "crypto", "bitcoin/encoding", "bitcoin/primitives", "bitcoin/script",
                       "bitcoin/consensus"],
    "bitcoin/mempool": ["util", "crypto", "bitcoin/encoding", "bitcoin/primitives", "bitcoin/script",
                        "bitcoin/consensus", "storage", "bitcoin/chain", "bitcoin/policy"],
    "bitcoin/miner": ["util", "crypto", "bitcoin/encoding", "bitcoin/primitives", "bitcoin/script",
                      "bitcoin/consensus", "storage", "bitcoin/chain", "bitcoin/policy", "bitcoin/mempool"],
    "bitcoin/wallet": ["util", "crypto", "bitcoin/encoding", "bitcoin/primitives", "bitcoin/script",
                       "bitcoin/consensus", "storage", "bitcoin/policy"],
    "netcore": ["util", "crypto"],
    "bitcoin/wire": ["util", "crypto", "bitcoin/encoding", "bitcoin/primitives"],
    "bitcoin/addrman": ["util", "crypto", "bitcoin/encoding", "bitcoin/primitives", "bitcoin/wire"],
    "bitcoin/transport": ["util", "crypto", "bitcoin/encoding", "bitcoin/primitives", "bitcoin/wire", "netcore"],
    "bitcoin/p2p": ["util", "crypto", "bitcoin/encoding", "bitcoin/primitives", "bitcoin/script", "bitcoin/consensus",
                    "storage", "bitcoin/chain", "bitcoin/policy", "bitcoin/mempool", "bitcoin/wire", "bitcoin/addrman",
                    "netcore"],
    "config": ["util"],
    "bitcoin/rpc": ["util", "crypto", "netcore"],
    "bitcoin/node": ["util", "crypto", "bitcoin/encoding", "bitcoin/primitives", "bitcoin/script",
                     "bitcoin/consensus", "storage", "bitcoin/chain", "bitcoin/rpc", "bitcoin/policy", "bitcoin/mempool",
                     "bitcoin/miner", "bitcoin/wallet", "bitcoin/wire", "bitcoin/addrman", "bitcoin/p2p", "bitcoin/transport",
                     "bitcoin/descriptor", "netcore", "events"],
    "sim": ["util", "crypto", "netcore"],
    "bitcoin/sim": ["util", "crypto", "bitcoin/encoding", "bitcoin/primitives", "bitcoin/script", "bitcoin/consensus",
                    "storage", "bitcoin/chain", "bitcoin/policy", "bitcoin/mempool", "bitcoin/miner", "bitcoin/wire",
                    "bitcoin/addrman", "bitcoin/p2p", "netcore", "sim"],
    "events": ["util"],
    "web": ["util", "netcore", "events"],
    "torrent/bencode": ["util"],
    "torrent/metainfo": ["util", "crypto", "torrent/bencode"],
    "torrent/wire": ["util"],
    "torrent/mse": ["util", "crypto", "netcore"],
    "torrent/dht": ["util", "crypto", "storage", "netcore", "torrent/bencode"],
    "torrent/lsd": ["util", "crypto", "netcore"],
    "torrent/tracker": ["util", "crypto", "netcore", "torrent/bencode"],
    "torrent/storage": ["util", "crypto", "storage", "torrent/bencode", "torrent/metainfo"],
    "torrent/picker": ["util", "crypto", "torrent/bencode", "torrent/metainfo", "torrent/wire"],
    "torrent/peer": ["util", "crypto", "storage", "netcore", "torrent/bencode", "torrent/metainfo", "torrent/wire",
                     "torrent/picker", "torrent/storage"],
    "torrent/session": ["util", "crypto", "storage", "netcore", "torrent/bencode", "torrent/metainfo", "torrent/wire",
                        "torrent/picker", "torrent/storage", "torrent/peer", "torrent/tracker", "torrent/mse",
                        "torrent/dht", "torrent/lsd"],
    "torrent/daemon": ["util", "crypto", "storage", "netcore", "torrent/bencode", "torrent/metainfo", "torrent/wire",
                       "torrent/picker", "torrent/storage", "torrent/peer", "torrent/tracker", "torrent/mse",
                       "torrent/dht", "torrent/lsd", "torrent/session"],
    "torrent/create": ["util", "crypto", "storage", "torrent/bencode", "torrent/metainfo", "torrent/storage"],
    "tox/wire": ["util", "crypto", "netcore"],
    "tox/dht": ["util", "crypto", "netcore", "tox/wire"],
    "tox/onion": ["util", "crypto", "netcore", "tox/wire", "tox/dht"],
    "tox/profile": ["util", "crypto", "storage", "netcore", "tox/wire"],
    "tox/net_crypto": ["util", "crypto", "netcore", "tox/wire", "tox/dht"],
    "tox/relay": ["util", "crypto", "netcore", "tox/wire"],
    "tox/messenger": ["util", "crypto", "storage", "netcore", "tox/wire", "tox/dht", "tox/onion", "tox/profile",
                      "tox/net_crypto", "tox/relay"],
    "app": ["*"],
}

# Third-party headers the kernel must never see: consensus code stays free of I/O and networking.
KERNEL = {"util", "crypto", "bitcoin/encoding", "bitcoin/primitives", "bitcoin/script", "bitcoin/consensus",
          "bitcoin/chain"}
KERNEL_FORBIDDEN = re.compile(r"^(boost/asio|boost/beast|spdlog|rocksdb|CLI)")

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def module_of(path: pathlib.Path, src: pathlib.Path) -> str:
    rel = path.relative_to(src).parent.as_posix()
    for mod in sorted(LAYERS, key=len, reverse=True):
        if rel == mod or rel.startswith(mod + "/"):
            return mod
    return rel


def main() -> int:
    src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src").resolve()
    errors = []
    files = [p for p in src.rglob("*") if p.suffix in (".h", ".cpp")]
    for path in files:
        mod = module_of(path, src)
        if mod not in LAYERS:
            errors.append(f"{path}: folder '{mod}' is not a known module; add it to tools/check_includes.py")
            continue
        allowed = LAYERS[mod]
        is_test = path.stem.endswith(("_test", "_bench", "_fuzz"))
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            kind, target = m.groups()
            if kind == "<":
                if mod in KERNEL and not is_test and KERNEL_FORBIDDEN.match(target):
                    errors.append(f"{path}:{lineno}: kernel module '{mod}' includes <{target}>")
                continue
            if "/" not in target:
                continue  # a test helper header such as "test_data.h"
            inc_mod = module_of(src / target, src)
            if inc_mod == mod or "*" in allowed or inc_mod in allowed:
                continue
            errors.append(f"{path}:{lineno}: '{mod}' may not include \"{target}\" (module '{inc_mod}')")
    for e in errors:
        print(e)
    print(f"check_includes: {len(files)} files, {len(errors)} layering violations")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
