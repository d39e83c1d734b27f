"""A python3-libtorrent session for the interop tests: loopback only, no DHT, local discovery
or port mapping, and plain TCP without encryption unless the test asks for it (tonari does not
speak uTP; its MSE/PE dials fall back to plain against a libtorrent that refuses encryption,
and encryption_test.py runs libtorrent with encryption forced)."""


def import_libtorrent(r):
    """The libtorrent module, or None after recording the failure (a missing peer fails a test,
    never skips it)."""
    try:
        import libtorrent
    except ImportError:
        r.fail("python3-libtorrent is missing (scripts/install-deps installs it)")
        return None
    return libtorrent


def lt_session(lt, **extra):
    settings = {"listen_interfaces": "127.0.0.1:0", "enable_dht": False, "enable_lsd": False,
                "enable_upnp": False, "enable_natpmp": False, "allow_multiple_connections_per_ip": True,
                "enable_outgoing_utp": False, "enable_incoming_utp": False,
                "out_enc_policy": lt.enc_policy.disabled, "in_enc_policy": lt.enc_policy.disabled}
    settings.update(extra)
    return lt.session(settings)
