// Benchmarks for the crypto hot paths: SHA-256 (both back-ends), the double and batched
// double hash that txids and merkle trees use, and signature verification through the
// wrapper versus the same libsecp256k1 calls made directly (the wrapper's overhead).
// Run: tonari_bench --benchmark_filter='Sha256|Ecdsa|Schnorr|Hash160|SipHash'
#include <benchmark/benchmark.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <vector>

#include "crypto/bip324_cipher.h"
#include "crypto/ellswift.h"
#include "crypto/keys.h"
#include "crypto/random.h"
#include "crypto/ripemd160.h"
#include "crypto/sha256.h"
#include "crypto/sha256_internal.h"
#include "crypto/siphash.h"

namespace tonari::crypto {
namespace {

constexpr size_t ONE_MB = 1 << 20;
constexpr size_t BATCH_BLOCKS = 1024;
constexpr size_t SIGNATURES = 64;

util::Bytes RandomData(size_t n) {
    util::Bytes out(n);
    RandomBytes(out);
    return out;
}

const detail::Sha256Backend* FindBackend(std::string_view name) {
    static const auto backends = detail::AvailableSha256Backends();
    for (const auto& b : backends) {
        if (b.name == name) return &b;
    }
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// SHA-256

void BM_Sha256_1MB(benchmark::State& state) {
    const util::Bytes data = RandomData(ONE_MB);
    for (auto _ : state) benchmark::DoNotOptimize(Sha256Hash(data));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * ONE_MB));
    state.SetLabel(std::string(Sha256Implementation()));
}
BENCHMARK(BM_Sha256_1MB);

void Sha256Backend1MB(benchmark::State& state, std::string_view name) {
    const detail::Sha256Backend* backend = FindBackend(name);
    if (backend == nullptr) {
        state.SkipWithError("back-end not supported by this CPU");
        return;
    }
    const util::Bytes data = RandomData(ONE_MB);
    for (auto _ : state) benchmark::DoNotOptimize(detail::Sha256HashWith(backend->transform, data));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * ONE_MB));
}
void BM_Sha256_1MB_generic(benchmark::State& state) {
    Sha256Backend1MB(state, "generic");
}
void BM_Sha256_1MB_shani(benchmark::State& state) {
    Sha256Backend1MB(state, "sha-ni");
}
BENCHMARK(BM_Sha256_1MB_generic);
BENCHMARK(BM_Sha256_1MB_shani);

void BM_Sha256d_64B(benchmark::State& state) {
    util::Bytes data = RandomData(64);
    for (auto _ : state) {
        const util::Uint256 h = Sha256d(data);
        data[0] = h.data()[0];  // chain so iterations cannot overlap or be hoisted
        benchmark::DoNotOptimize(data.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * 64));
}
BENCHMARK(BM_Sha256d_64B);

void BM_Sha256d_1MB(benchmark::State& state) {
    const util::Bytes data = RandomData(ONE_MB);
    for (auto _ : state) benchmark::DoNotOptimize(Sha256d(data));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * ONE_MB));
}
BENCHMARK(BM_Sha256d_1MB);

// BIP324: one packet sealed and opened, against the SHA256d checksum a v1 message of the
// same size costs (BM_Sha256d_1MB): what encryption adds to a block's transfer.
static void BM_Bip324Packet_1MB(benchmark::State& state) {
    const std::array<uint8_t, 32> secret{1};
    const std::array<uint8_t, 4> magic{0xf9, 0xbe, 0xb4, 0xd9};
    tonari::crypto::Bip324Cipher sender(secret, true, magic);
    tonari::crypto::Bip324Cipher receiver(secret, false, magic);
    const tonari::util::Bytes contents(1 << 20, 0x5a);
    tonari::util::Bytes packet;
    for (auto _ : state) {
        packet.clear();
        sender.Encrypt(contents, {}, false, packet);
        const uint32_t length = receiver.DecryptLength(std::span<const uint8_t, 3>(packet.data(), 3));
        if (!receiver.Decrypt(std::span(packet).subspan(3), {}) || length != contents.size()) state.SkipWithError("open");
        benchmark::DoNotOptimize(packet.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(contents.size()));
}
BENCHMARK(BM_Bip324Packet_1MB);

// A v2 handshake's public-key work: a fresh ElligatorSwift key, and decoding a peer's.
static void BM_EllSwiftGenerate(benchmark::State& state) {
    const tonari::crypto::KeyContext ctx;
    for (auto _ : state) benchmark::DoNotOptimize(tonari::crypto::EllSwiftGenerate(ctx));
}
BENCHMARK(BM_EllSwiftGenerate);

static void BM_EllSwiftDecode(benchmark::State& state) {
    const tonari::crypto::KeyContext ctx;
    const auto key = tonari::crypto::EllSwiftGenerate(ctx);
    for (auto _ : state) benchmark::DoNotOptimize(tonari::crypto::EllSwiftDecode(key.encoding));
}
BENCHMARK(BM_EllSwiftDecode);

void BM_Sha256d64_batch(benchmark::State& state) {
    const util::Bytes in = RandomData(64 * BATCH_BLOCKS);
    util::Bytes out(32 * BATCH_BLOCKS);
    for (auto _ : state) {
        Sha256d64(out.data(), in.data(), BATCH_BLOCKS);
        benchmark::DoNotOptimize(out.data());
    }
    // Bytes of 64-byte input hashed, the unit Bitcoin Core's SHA256D64 figures use.
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * 64 * BATCH_BLOCKS));
    state.SetLabel(std::string(Sha256Implementation()));
}
BENCHMARK(BM_Sha256d64_batch);

void Sha256d64Backend(benchmark::State& state, std::string_view name) {
    const detail::Sha256Backend* backend = FindBackend(name);
    if (backend == nullptr) {
        state.SkipWithError("back-end not supported by this CPU");
        return;
    }
    const util::Bytes in = RandomData(64 * BATCH_BLOCKS);
    util::Bytes out(32 * BATCH_BLOCKS);
    for (auto _ : state) {
        backend->d64(out.data(), in.data(), BATCH_BLOCKS);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * 64 * BATCH_BLOCKS));
}
void BM_Sha256d64_batch_generic(benchmark::State& state) {
    Sha256d64Backend(state, "generic");
}
void BM_Sha256d64_batch_shani(benchmark::State& state) {
    Sha256d64Backend(state, "sha-ni");
}
BENCHMARK(BM_Sha256d64_batch_generic);
BENCHMARK(BM_Sha256d64_batch_shani);

void BM_Hash160_33B(benchmark::State& state) {
    util::Bytes data = RandomData(33);
    for (auto _ : state) {
        const util::Uint160 h = Hash160(data);
        data[1] = h.data()[0];
        benchmark::DoNotOptimize(data.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * 33));
}
BENCHMARK(BM_Hash160_33B);

void BM_SipHash24Uint256(benchmark::State& state) {
    util::Uint256 v = RandomUint256();
    uint64_t acc = 0;
    for (auto _ : state) {
        acc += SipHash24Uint256(0x0706050403020100ULL, acc, v);
        benchmark::DoNotOptimize(acc);
    }
}
BENCHMARK(BM_SipHash24Uint256);

// ---------------------------------------------------------------------------------------------
// Signature verification

struct EcdsaFixture {
    std::vector<PubKey> keys;
    std::vector<util::Uint256> hashes;
    std::vector<util::Bytes> sigs;
};

const EcdsaFixture& Ecdsa() {
    static const EcdsaFixture fixture = [] {
        KeyContext ctx;
        EcdsaFixture f;
        for (size_t i = 0; i < SIGNATURES; ++i) {
            const PrivKey key = PrivKey::Generate();
            f.keys.push_back(key.GetPubKey(ctx));
            f.hashes.push_back(RandomUint256());
            f.sigs.push_back(key.SignEcdsa(ctx, f.hashes.back()));
        }
        return f;
    }();
    return fixture;
}

struct SchnorrFixture {
    std::vector<XOnlyPubKey> keys;
    std::vector<util::Uint256> msgs;
    std::vector<std::array<uint8_t, 64>> sigs;
};

const SchnorrFixture& Schnorr() {
    static const SchnorrFixture fixture = [] {
        KeyContext ctx;
        SchnorrFixture f;
        for (size_t i = 0; i < SIGNATURES; ++i) {
            const PrivKey key = PrivKey::Generate();
            f.keys.push_back(key.GetPubKey(ctx).XOnly());
            f.msgs.push_back(RandomUint256());
            f.sigs.push_back(key.SignSchnorr(ctx, f.msgs.back(), RandomUint256()));
        }
        return f;
    }();
    return fixture;
}

void BM_EcdsaVerify_Wrapper(benchmark::State& state) {
    const EcdsaFixture& f = Ecdsa();
    size_t i = 0, failures = 0;
    for (auto _ : state) {
        failures += !f.keys[i].VerifyEcdsa(f.hashes[i], f.sigs[i]);
        i = (i + 1) % SIGNATURES;
    }
    if (failures != 0) state.SkipWithError("verification failed");
}
BENCHMARK(BM_EcdsaVerify_Wrapper);

// The same work with libsecp256k1 called directly: parse key, parse DER (strict: these are
// well-formed), normalize, verify.
void BM_EcdsaVerify_Direct(benchmark::State& state) {
    const EcdsaFixture& f = Ecdsa();
    const secp256k1_context* ctx = secp256k1_context_static;
    size_t i = 0, failures = 0;
    for (auto _ : state) {
        secp256k1_pubkey pub;
        secp256k1_ecdsa_signature sig;
        const bool ok = secp256k1_ec_pubkey_parse(ctx, &pub, f.keys[i].bytes().data(), f.keys[i].size()) &&
                        secp256k1_ecdsa_signature_parse_der(ctx, &sig, f.sigs[i].data(), f.sigs[i].size());
        secp256k1_ecdsa_signature_normalize(ctx, &sig, &sig);
        failures += !(ok && secp256k1_ecdsa_verify(ctx, &sig, f.hashes[i].data(), &pub));
        i = (i + 1) % SIGNATURES;
    }
    if (failures != 0) state.SkipWithError("verification failed");
}
BENCHMARK(BM_EcdsaVerify_Direct);

void BM_SchnorrVerify_Wrapper(benchmark::State& state) {
    const SchnorrFixture& f = Schnorr();
    size_t i = 0, failures = 0;
    for (auto _ : state) {
        failures += !f.keys[i].VerifySchnorr(f.msgs[i].span(), f.sigs[i]);
        i = (i + 1) % SIGNATURES;
    }
    if (failures != 0) state.SkipWithError("verification failed");
}
BENCHMARK(BM_SchnorrVerify_Wrapper);

void BM_SchnorrVerify_Direct(benchmark::State& state) {
    const SchnorrFixture& f = Schnorr();
    const secp256k1_context* ctx = secp256k1_context_static;
    size_t i = 0, failures = 0;
    for (auto _ : state) {
        secp256k1_xonly_pubkey pub;
        const bool ok = secp256k1_xonly_pubkey_parse(ctx, &pub, f.keys[i].bytes().data()) &&
                        secp256k1_schnorrsig_verify(ctx, f.sigs[i].data(), f.msgs[i].data(), 32, &pub);
        failures += !ok;
        i = (i + 1) % SIGNATURES;
    }
    if (failures != 0) state.SkipWithError("verification failed");
}
BENCHMARK(BM_SchnorrVerify_Direct);

}  // namespace
}  // namespace tonari::crypto
