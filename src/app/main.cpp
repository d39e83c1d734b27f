// tonari: the single executable. Parses the command line and dispatches to a subcommand.
// This is the only translation unit that includes CLI11.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <string>

#include "app/chain_commands.h"
#include "app/chat_command.h"
#include "app/cli_command.h"
#include "app/node_command.h"
#include "app/sim_command.h"
#include "app/torrent_command.h"
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
    // `node` and `cli` take Bitcoin Core's option syntax (-name=value), not CLI11's.
    if (argc >= 2 && std::string_view(argv[1]) == "node") return tonari::app::RunNode(argc - 1, argv + 1);
    if (argc >= 2 && std::string_view(argv[1]) == "cli") return tonari::app::RunCli(argc - 1, argv + 1);
    if (argc >= 2 && std::string_view(argv[1]) == "torrent") return tonari::app::RunTorrent(argc - 1, argv + 1);
    if (argc >= 2 && std::string_view(argv[1]) == "chat") return tonari::app::RunChat(argc - 1, argv + 1);
    CLI::App app{
        "Tonari: a peer-to-peer node. The Bitcoin side speaks the real protocol; regtest is the\n"
        "default network. The file-sharing side speaks BitTorrent; the messaging side, Tox."};
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

    // --- tonari chain: the ledger on disk ---------------------------------------------------
    CLI::App* chain_cmd = app.add_subcommand("chain", "The ledger on disk: import blocks, show the UTXO set, reindex");
    chain_cmd->require_subcommand(1);
    const char* home = std::getenv("HOME");
    std::string datadir = std::string(home ? home : ".") + "/.tonari";
    size_t dbcache = 450;
    uint32_t flush_every = 1000;
    size_t par = 0;
    bool no_script_checks = false;
    auto add_storage = [&](CLI::App* cmd) {
        add_chain(cmd);
        cmd->add_option("--datadir", datadir, "Data directory (a folder per network inside)")->capture_default_str();
        cmd->add_option("--dbcache", dbcache, "Database cache in MiB, as Bitcoin Core's -dbcache")
            ->check(CLI::Range(4, 1 << 20))
            ->capture_default_str();
        cmd->add_option("--flush-every", flush_every,
                        "Write the chain state to disk at least every N connected blocks (0: only when the cache is full)")
            ->capture_default_str();
    };
    std::string import_file;
    CLI::App* chain_import = chain_cmd->add_subcommand(
        "import", "Connect the blocks of a file (hex lines, or 4-byte length + raw block records)");
    chain_import->add_option("file", import_file, "The block file")->required();
    add_storage(chain_import);
    auto add_connect = [&](CLI::App* cmd) {
        cmd->add_option("--par", par, "Script verification threads, as Bitcoin Core's -par (0: one per core)")
            ->check(CLI::Range(0, 256))
            ->capture_default_str();
        cmd->add_flag("--no-script-checks", no_script_checks,
                      "Skip script and signature checks (for benchmarks: times the ledger bookkeeping alone)");
    };
    add_connect(chain_import);
    CLI::App* chain_info =
        chain_cmd->add_subcommand("info", "Tip and UTXO set digest (Bitcoin Core's gettxoutsetinfo fields)");
    add_storage(chain_info);
    CLI::App* chain_reindex =
        chain_cmd->add_subcommand("reindex", "Rebuild the chain state from the stored block files");
    add_storage(chain_reindex);
    add_connect(chain_reindex);

    std::string gen_file;
    uint32_t gen_blocks = 200;
    uint32_t gen_txs = 20;
    uint64_t gen_seed = 1;
    uint32_t gen_outputs = 2;
    CLI::App* chain_generate = chain_cmd->add_subcommand(
        "generate", "Write a synthetic regtest chain of really signed spends (for tests and benchmarks)");
    chain_generate->add_option("file", gen_file, "Output file (binary block records)")->required();
    chain_generate->add_option("--blocks", gen_blocks, "Blocks after the genesis")->capture_default_str();
    chain_generate->add_option("--txs-per-block", gen_txs, "Transactions per block once coins have matured")
        ->capture_default_str();
    chain_generate->add_option("--outputs-per-tx", gen_outputs,
                               "Outputs of each transaction (more outputs: a larger UTXO set, for cache tests)")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    chain_generate->add_option("--seed", gen_seed, "Same seed, same chain")->capture_default_str();

    // --- tonari sim: thousands of nodes in one process ----------------------------------------
    CLI::App* sim_cmd = app.add_subcommand(
        "sim", "Simulate a network of real Tonari nodes (peer logic, mempool, chainstate) in simulated time");
    tonari::app::SimCommandOptions sim_options;
    uint64_t sim_seed = 0;
    int sim_nodes = 0;
    int64_t sim_minutes = 0;
    sim_cmd->add_option("--scenario", sim_options.scenario,
                        "Built-in scenario (ci-100, mainnet-1000, churn, legacy-2014, eclipse) or a scenario file ending in "
                        ".json (docs/simulation.md)")
        ->capture_default_str();
    sim_cmd->add_option("--seed", sim_seed, "Same seed, same run (default: the scenario's)");
    sim_cmd->add_option("--nodes", sim_nodes, "Number of nodes (default: the scenario's)");
    sim_cmd->add_option("--minutes", sim_minutes, "Simulated minutes after the warm-up (default: the scenario's)");
    std::string sim_validation;
    sim_cmd->add_option("--validation", sim_validation,
                        "What checking a received block costs a node: cached (its signatures were checked in the "
                        "mempool; the default), full (every signature) or none");
    sim_cmd->add_option("--json", sim_options.json_file, "Write the JSON report here instead of stdout");
    sim_cmd->add_option("--svg", sim_options.svg_prefix,
                        "Also draw the propagation CDF and the nodes each block reached: PREFIX-cdf.svg, PREFIX-reach.svg");

    std::string data_dir = "test/data";
    // Listed for --help only: main() hands these to their own parsers before CLI11 runs.
    app.add_subcommand("node", "Run a full node with a JSON-RPC server (Bitcoin Core options; tonari node -help)");
    app.add_subcommand("cli", "Send one RPC command to a running node, like bitcoin-cli (tonari cli -help)");
    app.add_subcommand("torrent", "BitTorrent: make, inspect, download and seed torrents (tonari torrent --help)");
    app.add_subcommand("chat", "Tox messaging: your Tox ID and profile, a DHT bootstrap node (tonari chat --help)");
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
    if (*sim_cmd) {
        if (sim_cmd->count("--seed") != 0) sim_options.seed = sim_seed;
        if (sim_cmd->count("--nodes") != 0) sim_options.nodes = sim_nodes;
        if (sim_cmd->count("--minutes") != 0) sim_options.minutes = sim_minutes;
        if (sim_cmd->count("--validation") != 0) sim_options.validation = sim_validation;
        return tonari::app::RunSimCommand(sim_options, std::cout, std::cerr);
    }
    if (*chain_cmd) {
        tonari::bitcoin::node::NodeStorageOptions options;
        options.data_dir = datadir;
        options.network = *network;
        options.dbcache_mib = dbcache;
        options.flush_every_blocks = flush_every;
        options.script_threads = par;
        options.check_scripts = !no_script_checks;
        if (*chain_import) return PrintResult(tonari::app::ImportBlocks(options, import_file, std::cerr));
        if (*chain_info) return PrintResult(tonari::app::ChainInfo(options));
        if (*chain_reindex) return PrintResult(tonari::app::Reindex(options, std::cerr));
        if (*chain_generate) {
            return PrintResult(tonari::app::GenerateChain(gen_file, gen_blocks, gen_txs, gen_outputs, gen_seed, std::cerr));
        }
    }
    return 1;
}
