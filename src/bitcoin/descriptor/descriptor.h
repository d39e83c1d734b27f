// Output descriptors: Bitcoin Core's language for the scripts a wallet watches or pays to
// (doc/descriptors.md). Parse a descriptor, print its canonical public form with checksum,
// and expand it to scriptPubKeys at a range position, as getdescriptorinfo and
// deriveaddresses need.
//
// Supported: pk, pkh, wpkh, combo, multi, sortedmulti, sh, wsh, tr (key path and script trees
// of pk/multi_a/sortedmulti_a leaves), rawtr, addr, raw; key origins, hex/WIF/xpub/xprv keys,
// paths and ranges. Not supported, with a clear error: miniscript fragments, musig(),
// multipath "<a;b>" paths. Values; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bitcoin/descriptor/key_expression.h"
#include "bitcoin/encoding/network.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::descriptor {

// Core's limits: CHECKMULTISIG takes at most 20 keys; multi_a is bounded by tapscript's
// stack (999 elements); a tr() tree at most 128 levels deep (BIP341 control block). The text
// itself is bounded by the RPC request size; parsing is linear in it and recursion is bounded
// by the grammar (sh(wsh(...)) at most), so hostile text cannot exhaust the stack.
inline constexpr size_t MAX_PUBKEYS_PER_MULTISIG = 20;
inline constexpr size_t MAX_PUBKEYS_PER_MULTI_A = 999;
inline constexpr size_t MAX_BARE_MULTISIG_KEYS = 3;
inline constexpr size_t MAX_SCRIPT_ELEMENT_SIZE = 520;
inline constexpr size_t TAPROOT_CONTROL_MAX_NODE_COUNT = 128;

enum class Kind { Pk, Pkh, Wpkh, Combo, Multi, SortedMulti, MultiA, SortedMultiA, Sh, Wsh, Tr, RawTr, Addr, Raw };

struct Node {
    Kind kind = Kind::Raw;
    std::vector<KeyExpression> keys{};
    uint32_t threshold = 0;
    std::vector<Node> subs{};   // sh/wsh: one; tr: the leaves, left to right
    std::vector<int> depths{};  // tr: each leaf's depth in the tree
    util::Bytes script{};       // addr/raw: the scriptPubKey
    bool tapscript = false;   // pk() as a tapscript leaf (x-only key)
};

class Descriptor {
public:
    // Core's Parse: the checksum is checked when present and required when `require_checksum`.
    static util::Result<Descriptor, std::string> Parse(std::string_view text, encoding::Network network,
                                                       bool require_checksum, const crypto::KeyContext& key_ctx);

    // Public form with checksum, as Core's ToString.
    std::string ToString() const;
    bool IsRange() const;
    // False for addr() and raw(): nothing is known about how to spend them.
    bool IsSolvable() const;
    bool HasPrivateKeys() const;
    // The scriptPubKeys at range position `pos` (combo gives up to four).
    util::Result<std::vector<util::Bytes>, std::string> Expand(uint32_t pos, const crypto::KeyContext& key_ctx) const;

    const Node& Root() const { return m_root; }

private:
    Descriptor(Node root, encoding::Network network) : m_root(std::move(root)), m_network(network) {}
    Node m_root;
    encoding::Network m_network;
};

}  // namespace tonari::bitcoin::descriptor
