// tonari: the single executable. Parses the command line and dispatches to a subcommand.
// This is the only translation unit that includes CLI11.
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "app/demo.h"
#include "app/util_commands.h"
#include "bitcoin/encoding/network.h"

namespace {

using tonari::bitcoin::encoding::Network;

constexpr const char* VERSION = "0.1.0";

int PrintResult(const tonari::app::CommandResult& result) {
    if (!result) {
        std::cerr << "error: " << result.error() << "\n";
        return 1;
    }
    std::cout << result->Dump(2) << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Tonari: a peer-to-peer node. The Bitcoin side speaks the real protocol; regtest is the\n"
        "default network."};
    app.set_version_flag("--version", std::string("tonari ") + VERSION);
    app.require_subcommand(1);

    std::string chain = "regtest";
    auto add_chain = [&chain](CLI::App* cmd) {
        cmd->add_option("--chain", chain, "Network whose address prefixes and rules apply")
            ->check(CLI::IsMember({"main", "test", "testnet", "testnet4", "signet", "regtest"}))
            ->capture_default_str();
    };

    CLI::App* util = app.add_subcommand("util", "Offline helpers shaped like Bitcoin Core's RPCs (print JSON)");
    util->require_subcommand(1);

    std::string address;
    CLI::App* validate = util->add_subcommand("validateaddress", "Check an address and show its scriptPubKey");
    validate->add_option("address", address, "The address to check")->required();
    add_chain(validate);

    std::string tx_hex;
    CLI::App* decode_tx = util->add_subcommand("decoderawtransaction", "Decode a hex-encoded transaction");
    decode_tx->add_option("hex", tx_hex, "The transaction, hex-encoded")->required();
    add_chain(decode_tx);

    std::string block_source;
    CLI::App* decode_block =
        util->add_subcommand("decodeblock", "Decode a block and run its context-free consensus checks");
    decode_block->add_option("source", block_source, "A file holding the block (raw or hex), or the hex itself")
        ->required();
    add_chain(decode_block);

    std::string data_dir = "test/data";
    CLI::App* demo = app.add_subcommand("demo", "Show what Tonari can do so far, on real Bitcoin data");
    demo->add_option("--data", data_dir, "Folder with the bundled vector files")->capture_default_str();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    auto network = tonari::bitcoin::encoding::ParseNetwork(chain);
    if (!network) {
        std::cerr << "error: unknown chain '" << chain << "'\n";
        return 1;
    }
    if (*validate) return PrintResult(tonari::app::ValidateAddress(address, *network));
    if (*decode_tx) return PrintResult(tonari::app::DecodeRawTransaction(tx_hex, *network));
    if (*decode_block) return PrintResult(tonari::app::DecodeBlock(block_source, *network));
    if (*demo) return tonari::app::RunDemo(data_dir, std::cout);
    return 1;
}
