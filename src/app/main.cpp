// tonari: the single executable. Parses the command line and dispatches to a subcommand.
// This is the only translation unit that includes CLI11.
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "app/demo.h"
#include "app/util_commands.h"
#include "app/verifyscript_command.h"
#include "bitcoin/encoding/network.h"
#include "bitcoin/script/script_flags.h"

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

    std::string verify_request;
    CLI::App* verify = util->add_subcommand(
        "verifyscript",
        "Check transaction inputs against the outputs they spend (one JSON line per request)");
    verify->add_option("request", verify_request,
                       "One request as JSON; without it, requests are read from stdin, one per line");
    verify->footer(
        "Request: {\"tx\": HEX, \"spent_outputs\": [{\"amount\": SATS, \"scriptPubKey\": HEX}, ...],\n"
        "          \"index\": N, \"flags\": \"P2SH,WITNESS,...\"}\n"
        "Answer:  {\"valid\": true} | {\"valid\": false, \"input\": N, \"error\": \"EVAL_FALSE\"} |\n"
        "         {\"error\": \"why the request is malformed\"}\n"
        "spent_outputs: every input's previous output, in input order (taproot commits to all).\n"
        "index: the input to check; without it every input is checked and the first failure reported.\n"
        "flags: names without SCRIPT_VERIFY_ (WITNESS needs P2SH, CLEANSTACK needs both), or\n"
        "       \"MANDATORY\" / \"STANDARD\"; when absent, the consensus set\n"
        "       " +
        tonari::bitcoin::script::FormatScriptFlags(tonari::bitcoin::script::MANDATORY_SCRIPT_VERIFY_FLAGS) +
        ".\n"
        "Blank lines are skipped; a malformed line is answered with an error and the next one read.\n"
        "Exit status 0 once all requests are answered, whatever the answers.");

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
    if (*verify) {
        if (verify->count("request") > 0) {
            std::cout << tonari::app::VerifyScriptRequest(verify_request).Dump() << "\n";
        } else {
            tonari::app::RunVerifyScript(std::cin, std::cout);
        }
        return 0;
    }
    if (*demo) return tonari::app::RunDemo(data_dir, std::cout);
    return 1;
}
