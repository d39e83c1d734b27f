"""A load generator for tests that attack a node while it works: a payment from the node's
wallet every `interval` seconds on a thread of its own, the txids kept, refusals counted."""
import threading

from node_process import RpcError

# A burn address (BIP173's regtest P2WPKH example): the payments' destination.
ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"
LOAD_INTERVAL_S = 0.1


class Load:
    """Payments from the node's one loaded, funded wallet until stopped."""

    def __init__(self, node, interval=LOAD_INTERVAL_S):
        self.node, self.interval, self.sent, self.errors = node, interval, [], []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopping.wait(self.interval):
            try:
                self.sent.append(self.node.call("sendtoaddress", ADDRESS, 0.001))
            except (OSError, RpcError) as e:
                self.errors.append(str(e))

    def stop(self):
        self.stopping.set()
        self.thread.join()
