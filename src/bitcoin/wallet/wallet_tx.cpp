// WalletTx record codec (see wallet_tx.h).
#include "bitcoin/wallet/wallet_tx.h"

#include <algorithm>

#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::wallet {
namespace {

constexpr uint8_t RECORD_VERSION = 1;

}  // namespace

int64_t WalletTx::SmartTime() const {
    if (state == TxState::Confirmed && block_time != 0) {
        return std::min<int64_t>(time_received, block_time);
    }
    return time_received;
}

util::Bytes EncodeWalletTx(const WalletTx& wtx) {
    util::ByteWriter w;
    w.WriteU8(RECORD_VERSION);
    w.WriteU8(static_cast<uint8_t>(wtx.state));
    w.WriteBytes(wtx.block_hash.get().span());
    w.WriteI32LE(wtx.block_height);
    w.WriteU32LE(wtx.block_index);
    w.WriteU32LE(wtx.block_time);
    w.WriteI64LE(wtx.time_received);
    w.WriteU64LE(wtx.order_pos);
    w.WriteU8(wtx.abandoned ? 1 : 0);
    w.WriteBytes(primitives::SerializeTx(wtx.tx, true));
    return w.Take();
}

std::optional<WalletTx> DecodeWalletTx(util::ByteSpan bytes) {
    util::ByteReader r(bytes);
    if (r.ReadU8() != RECORD_VERSION) return std::nullopt;
    WalletTx wtx;
    const uint8_t state = r.ReadU8();
    if (state > static_cast<uint8_t>(TxState::Conflicted)) return std::nullopt;
    wtx.state = static_cast<TxState>(state);
    util::Uint256 hash;
    r.ReadInto(hash.mutable_span());
    wtx.block_hash = primitives::BlockHash(hash);
    wtx.block_height = r.ReadI32LE();
    wtx.block_index = r.ReadU32LE();
    wtx.block_time = r.ReadU32LE();
    wtx.time_received = r.ReadI64LE();
    wtx.order_pos = r.ReadU64LE();
    const uint8_t abandoned = r.ReadU8();
    if (r.failed() || abandoned > 1) return std::nullopt;
    wtx.abandoned = abandoned == 1;
    auto tx = primitives::DecodeTx(r);
    if (!tx || !r.empty()) return std::nullopt;
    wtx.tx = std::move(*tx);
    wtx.txid = primitives::ComputeTxid(wtx.tx);
    return wtx;
}

}  // namespace tonari::bitcoin::wallet
