// InstallStreamEncryption: the PeerNetwork's stream-handshake factory for MSE.
#include "torrent/session/stream_encryption.h"

namespace tonari::torrent::session {

void InstallStreamEncryption(netcore::PeerNetworkOptions& net, mse::Policy policy, std::vector<mse::Key20> skeys) {
    if (policy == mse::Policy::Off || skeys.empty()) return;
    net.stream_handshake = [policy, skeys = std::move(skeys)](bool inbound, uint64_t,
                                                               const netcore::PeerEndpoint&)
        -> std::unique_ptr<netcore::StreamHandshake> {
        if (inbound) return mse::MseHandshake::Responder(policy, skeys);
        return mse::MseHandshake::Initiator(policy, skeys.front());
    };
}

}  // namespace tonari::torrent::session
