// Encoding checks on ECDSA signatures as they appear in scripts (DER + one sighash-type byte).
// These are format rules only (BIP66 strict DER, defined hash types); no curve arithmetic.
// The interpreter applies them under its verification flags; script asm uses them to decide
// whether a push looks like a signature. Pure functions; thread-safe.
#pragma once

#include "util/bytes.h"

namespace tonari::bitcoin::script {

// BIP66 strict DER: 0x30 <len> 0x02 <lenR> <R> 0x02 <lenS> <S> <sighash byte>, 9..73 bytes in
// all, R and S non-empty, non-negative and without superfluous leading zero bytes.
bool IsValidSignatureEncoding(util::ByteSpan sig_with_hashtype);

// The last byte, without the ANYONECANPAY bit, is SIGHASH_ALL, _NONE or _SINGLE. False when
// empty.
bool IsDefinedHashtypeSignature(util::ByteSpan sig_with_hashtype);

}  // namespace tonari::bitcoin::script
