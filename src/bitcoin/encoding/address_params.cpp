// Address prefix tables (see address_params.h). The test networks share one set of Base58 and
// BIP32 prefixes; regtest differs only in its HRP.
#include "bitcoin/encoding/address_params.h"

namespace tonari::bitcoin::encoding {

const AddressParams& GetAddressParams(Network network) {
    static const AddressParams MAIN{0, 5, 128, "bc", {0x04, 0x88, 0xB2, 0x1E}, {0x04, 0x88, 0xAD, 0xE4}};
    static const AddressParams TEST{111, 196, 239, "tb", {0x04, 0x35, 0x87, 0xCF}, {0x04, 0x35, 0x83, 0x94}};
    static const AddressParams REGTEST{
        111, 196, 239, "bcrt", {0x04, 0x35, 0x87, 0xCF}, {0x04, 0x35, 0x83, 0x94}};
    switch (network) {
        case Network::Main:
            return MAIN;
        case Network::Testnet3:
        case Network::Testnet4:
        case Network::Signet:
            return TEST;
        case Network::Regtest:
            return REGTEST;
    }
    return MAIN;  // unreachable for valid enum values
}

}  // namespace tonari::bitcoin::encoding
