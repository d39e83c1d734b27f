// Keychain: the wallet's HD keys. From a BIP39/BIP32 seed it holds two accounts,
//   BIP84  m/84'/coin'/0'  P2WPKH    ("bech32")
//   BIP86  m/86'/coin'/0'  P2TR key path, output key = internal key tweaked with no script
//                          tree (BIP341/BIP86)  ("bech32m")
// with coin type 0 on mainnet and 1 on every test network, each with a receive chain (0) and
// a change chain (1). It derives keys, scriptPubKeys and addresses at an index, and keeps a
// window of derived scripts so an output script can be mapped back to (type, chain, index).
//
// Secret material: the account and chain private keys live in crypto::PrivKey inside
// encoding::ExtKey, wiped when the Keychain dies. Scripts and addresses come from public
// derivation only. The Keychain owns its randomized crypto::KeyContext.
// Not thread-safe for ExtendTo (it grows the window); const methods may run concurrently
// with each other. The Wallet serializes all access.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "bitcoin/encoding/bip32.h"
#include "bitcoin/encoding/network.h"
#include "bitcoin/wallet/output_type.h"
#include "crypto/keys.h"
#include "util/bytes.h"

namespace tonari::bitcoin::wallet {

// Account number used for both accounts (BIP44 account 0).
inline constexpr uint32_t WALLET_ACCOUNT = 0;
// Highest child index a chain may reach: non-hardened indices end at 2^31 - 1.
inline constexpr uint32_t MAX_KEY_INDEX = encoding::BIP32_HARDENED - 1;

class Keychain {
public:
    // nullopt when the seed is not 16..64 bytes (BIP32), or in BIP32's negligible invalid
    // case on the hardened account path.
    static std::optional<Keychain> FromSeed(util::ByteSpan seed, encoding::Network network);

    Keychain(Keychain&&) noexcept = default;
    Keychain& operator=(Keychain&&) noexcept = default;

    encoding::Network network() const { return m_network; }
    // BIP44 coin type: 0 on mainnet, 1 on testnet3/testnet4/signet/regtest.
    uint32_t CoinType() const;
    // m/purpose'/coin'/0'.
    std::vector<uint32_t> AccountPath(OutputType type) const;
    const encoding::ExtPubKey& AccountXpub(OutputType type) const;
    // The master key's fingerprint (descriptor key origins).
    const encoding::Fingerprint& MasterFingerprint() const { return m_master_fingerprint; }

    // Derivations at an origin; nullopt for an index past MAX_KEY_INDEX, a chain other than
    // 0 or 1, or BIP32's negligible invalid child.
    std::optional<crypto::PubKey> DerivePubKey(const KeyOrigin& origin) const;
    std::optional<util::Bytes> DeriveScript(const KeyOrigin& origin) const;
    std::optional<std::string> DeriveAddress(const KeyOrigin& origin) const;
    // The signing key: for P2WPKH the derived key itself; for P2TR the untweaked derived key
    // (signers apply the BIP86 tweak with PrivKey::TapTweak).
    std::optional<crypto::PrivKey> DerivePrivKey(const KeyOrigin& origin) const;

    // The scriptPubKey for a public key of this type: 0x0014<hash160> or 0x5120<tweaked key>.
    static util::Bytes ScriptForKey(OutputType type, const crypto::PubKey& pubkey);

    // Window of derived scripts: derives (type, chain, i) for every i < end not derived yet.
    void ExtendTo(OutputType type, uint32_t chain, uint32_t end);
    // How many indices of the chain are in the window.
    uint32_t WindowSize(OutputType type, uint32_t chain) const;
    // Where a script in the window comes from.
    std::optional<KeyOrigin> Lookup(util::ByteSpan script_pubkey) const;

    const crypto::KeyContext& context() const { return *m_ctx; }

private:
    struct Account {
        encoding::ExtPubKey xpub;                 // m/purpose'/coin'/0'
        std::vector<encoding::ExtKey> chain_prv;  // .../0 and .../1
        std::vector<encoding::ExtPubKey> chain_pub;
    };

    Keychain() = default;
    const Account& AccountFor(OutputType type) const { return m_accounts[static_cast<size_t>(type)]; }

    encoding::Network m_network = encoding::Network::Regtest;
    encoding::Fingerprint m_master_fingerprint{};
    std::unique_ptr<crypto::KeyContext> m_ctx;
    std::vector<Account> m_accounts;  // indexed by OutputType
    // Window bookkeeping: derived count per (type, chain), and script -> origin.
    std::array<std::array<uint32_t, 2>, OUTPUT_TYPE_COUNT> m_window{};
    std::unordered_map<std::string, KeyOrigin> m_lookup;
};

}  // namespace tonari::bitcoin::wallet
