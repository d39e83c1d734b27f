// The descriptor Bitcoin Core infers for a scriptPubKey when it knows no keys or scripts (the
// `desc` field of getblock, getrawtransaction, decoderawtransaction, gettxout, decodescript):
// pk(KEY) and multi(k,KEYS) for bare keys, rawtr(KEY) for taproot outputs, addr(ADDRESS)
// for anything with an address, raw(HEX) for the rest. Pure functions; thread-safe.
#pragma once

#include <string>

#include "bitcoin/encoding/network.h"
#include "util/bytes.h"

namespace tonari::bitcoin::descriptor {

// The inferred descriptor with its checksum.
std::string InferDescriptor(util::ByteSpan script_pubkey, encoding::Network network);

// As above, knowing one witness script: a P2WSH output paying to `witness_script` infers as
// wsh(pk(...)) or wsh(multi(...)) when its inner script is one of those (decodescript's
// segwit.desc). Inner scripts that only miniscript describes infer as addr(), as do the
// others Core cannot describe.
std::string InferDescriptor(util::ByteSpan script_pubkey, encoding::Network network, util::ByteSpan witness_script);

}  // namespace tonari::bitcoin::descriptor
