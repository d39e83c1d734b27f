// Long-running public nodes from the published list, host, port and DHT key.
#include "tox/dht/public_nodes.h"

namespace tonari::tox::dht {

std::vector<BootstrapNode> PublicBootstrapNodes() {
    static constexpr struct {
        const char* host;
        const char* key;
    } NODES[] = {
        {"tox.abilinski.com", "10C00EB250C3233E343E2AEBA07115A5C28920E9C8D29492F6D00B29049EDC7E"},
        {"144.217.167.73", "7E5668E0EE09E19F320AD47902419331FFEE147BB3606769CFBE921A2A2FD34C"},
        {"tox.novg.net", "D527E5847F8330D628DAB1814F0A422F6DC9D0A300E6C357634EE2DA88C35463"},
        {"tox.kurnevsky.net", "82EF82BA33445A1F91A7DB27189ECFC0C013E06E3DA71F588ED692BED625EC23"},
        {"tox.verdict.gg", "1C5293AEF2114717547B39DA8EA6F1E331E5E358B35F9B6B5F19317911C5F976"},
        {"198.199.98.108", "BEF0CFB37AF874BD17B9A8F9FE64C75521DB95A37D33C5BDB00E9CF58659C04F"},
        {"46.229.52.198", "813C8F4187833EF0655B10F7752141A352248462A567529A38B6BBF73E979307"},
    };
    std::vector<BootstrapNode> out;
    for (const auto& n : NODES) {
        if (auto node = ParseBootstrapNode(std::string(n.host) + ":33445:" + n.key)) out.push_back(*node);
    }
    return out;
}

}  // namespace tonari::tox::dht
