// BIP84/BIP86 key derivation and the script window (see keychain.h).
#include "bitcoin/wallet/keychain.h"

#include "bitcoin/encoding/address.h"

namespace tonari::bitcoin::wallet {
namespace {

std::string ScriptKey(util::ByteSpan script) {
    return std::string(script.begin(), script.end());
}

bool ValidOrigin(const KeyOrigin& origin) {
    return (origin.chain == EXTERNAL_CHAIN || origin.chain == INTERNAL_CHAIN) &&
           origin.index <= MAX_KEY_INDEX;
}

}  // namespace

std::optional<Keychain> Keychain::FromSeed(util::ByteSpan seed, encoding::Network network) {
    const auto master = encoding::ExtKey::FromSeed(seed);
    if (!master) return std::nullopt;
    Keychain kc;
    kc.m_network = network;
    kc.m_ctx = std::make_unique<crypto::KeyContext>();
    kc.m_master_fingerprint = master->Neuter(*kc.m_ctx).GetFingerprint();
    for (OutputType type : ALL_OUTPUT_TYPES) {
        const auto account = master->DerivePath(*kc.m_ctx, kc.AccountPath(type));
        if (!account) return std::nullopt;
        Account acc;
        acc.xpub = account->Neuter(*kc.m_ctx);
        for (uint32_t chain : {EXTERNAL_CHAIN, INTERNAL_CHAIN}) {
            auto chain_key = account->Derive(*kc.m_ctx, chain);
            if (!chain_key) return std::nullopt;
            acc.chain_pub.push_back(chain_key->Neuter(*kc.m_ctx));
            acc.chain_prv.push_back(std::move(*chain_key));
        }
        kc.m_accounts.push_back(std::move(acc));
    }
    return kc;
}

uint32_t Keychain::CoinType() const {
    return m_network == encoding::Network::Main ? 0 : 1;
}

std::vector<uint32_t> Keychain::AccountPath(OutputType type) const {
    return {Bip43Purpose(type) | encoding::BIP32_HARDENED, CoinType() | encoding::BIP32_HARDENED,
            WALLET_ACCOUNT | encoding::BIP32_HARDENED};
}

const encoding::ExtPubKey& Keychain::AccountXpub(OutputType type) const {
    return AccountFor(type).xpub;
}

std::optional<crypto::PubKey> Keychain::DerivePubKey(const KeyOrigin& origin) const {
    if (!ValidOrigin(origin)) return std::nullopt;
    const auto child = AccountFor(origin.type).chain_pub[origin.chain].Derive(origin.index);
    if (!child) return std::nullopt;
    return child->pubkey;
}

util::Bytes Keychain::ScriptForKey(OutputType type, const crypto::PubKey& pubkey) {
    util::Bytes script;
    if (type == OutputType::Bech32) {
        const util::Uint160 hash = pubkey.GetId();
        script = {0x00, 0x14};
        util::Append(script, hash.span());
    } else {
        // BIP86: the output key commits to no script path (merkle root omitted).
        const auto tweaked = pubkey.XOnly().CreateTapTweak(nullptr);
        script = {0x51, 0x20};
        // A valid key tweaked by a hash fails only with negligible probability; such a key
        // would have no address, so an empty script (never matched) stands in for it.
        if (!tweaked) return {};
        script.insert(script.end(), tweaked->first.bytes().begin(), tweaked->first.bytes().end());
    }
    return script;
}

std::optional<util::Bytes> Keychain::DeriveScript(const KeyOrigin& origin) const {
    const auto pubkey = DerivePubKey(origin);
    if (!pubkey) return std::nullopt;
    util::Bytes script = ScriptForKey(origin.type, *pubkey);
    if (script.empty()) return std::nullopt;
    return script;
}

std::optional<std::string> Keychain::DeriveAddress(const KeyOrigin& origin) const {
    const auto script = DeriveScript(origin);
    if (!script) return std::nullopt;
    return encoding::EncodeAddress(*script, m_network);
}

std::optional<crypto::PrivKey> Keychain::DerivePrivKey(const KeyOrigin& origin) const {
    if (!ValidOrigin(origin)) return std::nullopt;
    auto child = AccountFor(origin.type).chain_prv[origin.chain].Derive(*m_ctx, origin.index);
    if (!child) return std::nullopt;
    return child->key;
}

void Keychain::ExtendTo(OutputType type, uint32_t chain, uint32_t end) {
    if (chain > INTERNAL_CHAIN) return;
    if (end > MAX_KEY_INDEX + 1) end = MAX_KEY_INDEX + 1;
    uint32_t& have = m_window[static_cast<size_t>(type)][chain];
    for (; have < end; ++have) {
        const KeyOrigin origin{type, chain, have};
        // An index BIP32 calls invalid (probability ~2^-127) simply has no script.
        if (const auto script = DeriveScript(origin)) m_lookup.emplace(ScriptKey(*script), origin);
    }
}

uint32_t Keychain::WindowSize(OutputType type, uint32_t chain) const {
    if (chain > INTERNAL_CHAIN) return 0;
    return m_window[static_cast<size_t>(type)][chain];
}

std::optional<KeyOrigin> Keychain::Lookup(util::ByteSpan script_pubkey) const {
    const auto it = m_lookup.find(ScriptKey(script_pubkey));
    if (it == m_lookup.end()) return std::nullopt;
    return it->second;
}

}  // namespace tonari::bitcoin::wallet
