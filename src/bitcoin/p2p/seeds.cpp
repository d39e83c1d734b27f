// Seed lists (Bitcoin Core's DNS seeds; fixed seeds sampled from its contrib/seeds lists, IPv4
// and IPv6 only) and the seeding policy; see seeds.h.
#include "bitcoin/p2p/seeds.h"

#include <utility>

namespace tonari::bitcoin::p2p {

const NetworkSeeds& SeedsFor(encoding::Network network) {
    static const NetworkSeeds main{
        {"seed.bitcoin.sipa.be", "dnsseed.bluematt.me", "dnsseed.bitcoin.dashjr-list-of-p2p-nodes.us",
         "seed.bitcoin.jonasschnelli.ch", "seed.btc.petertodd.net", "seed.bitcoin.sprovoost.nl", "dnsseed.emzy.de",
         "seed.bitcoin.wiz.biz", "seed.mainnet.achownodes.xyz"},
        {"184.105.131.181:8333", "185.8.106.179:8333", "185.26.99.171:8333", "185.70.43.193:8333",
         "188.138.88.47:8333", "192.3.11.20:8333", "193.72.32.187:8333", "195.154.172.177:8333",
         "198.27.174.140:8333", "203.11.72.118:8333", "204.194.220.39:8333", "207.182.146.130:8333",
         "209.141.37.57:8333", "212.51.129.60:8333", "213.174.156.81:8333", "217.64.47.138:8333",
         "[2001:1620:542c:210::100]:8333", "[2001:41d0:203:52c2::]:8333", "[2001:470:26:472::b7c]:8333",
         "[2001:bc8:700:2313::1]:8333", "[2600:3c00::f03c:92ff:fe92:2745]:8333", "[2604:a880:400:d0::1c96:e001]:8333"}};
    static const NetworkSeeds testnet3{
        {"testnet-seed.bitcoin.jonasschnelli.ch", "seed.tbtc.petertodd.net", "seed.testnet.bitcoin.sprovoost.nl",
         "testnet-seed.bluematt.me", "seed.testnet.achownodes.xyz"},
        {}};
    static const NetworkSeeds testnet4{
        {"seed.testnet4.bitcoin.sprovoost.nl", "seed.testnet4.wiz.biz"},
        {"2.59.134.244:48333", "5.182.4.106:48333", "34.232.194.104:48333", "45.94.168.5:48333",
         "51.158.61.33:48333", "65.108.143.22:48333", "89.58.9.219:48333", "95.141.35.117:48333",
         "103.165.192.201:48333", "104.237.131.138:48333", "158.69.118.2:48333", "168.119.11.220:48333",
         "195.154.199.2:48333", "198.58.102.18:48333", "208.68.4.50:48333", "217.31.57.128:48333",
         "[2001:bc8:610:9:46a8:42ff:fe0c:d385]:48333", "[2600:3c00::f03c:91ff:fe5b:4cf3]:48333",
         "[2a01:4f8:121:4072::2]:48333", "[2a03:4000:2a:514::]:48333"}};
    static const NetworkSeeds signet{
        {"seed.signet.bitcoin.sprovoost.nl", "seed.signet.achownodes.xyz"},
        {"34.135.189.101:38333", "37.120.177.204:38333", "45.94.168.5:38333", "49.13.117.253:38333",
         "51.79.229.113:38333", "62.169.29.181:38333", "89.58.37.164:38333", "95.141.35.117:38333",
         "136.144.237.250:38333", "144.2.120.107:38333", "159.203.133.144:38333", "172.105.179.233:38333",
         "176.9.62.27:38333", "188.165.201.163:38333", "208.68.4.50:38333", "217.216.75.182:38333",
         "[2001:41d0:2005:100::c7c]:38333", "[2604:a880:800:14::3880:3000]:38333", "[2a01:4f8:13a:c56::2]:38333",
         "[2a02:4780:28:9259::1]:38333"}};
    static const NetworkSeeds none{};
    switch (network) {
        case encoding::Network::Main: return main;
        case encoding::Network::Testnet3: return testnet3;
        case encoding::Network::Testnet4: return testnet4;
        case encoding::Network::Signet: return signet;
        case encoding::Network::Regtest: return none;
    }
    return none;
}

Seeder::Seeder(NetworkSeeds seeds, bool use_dns, bool use_fixed, bool automatic_outbound, bool other_sources,
               int64_t start_us)
    : m_seeds(std::move(seeds)),
      m_fixed_pending(automatic_outbound && use_fixed && !m_seeds.fixed.empty()),
      m_fixed_at_once(!(use_dns && !m_seeds.dns.empty()) && !other_sources),
      m_start_us(start_us) {
    if (!automatic_outbound || !use_dns) m_next_seed = m_seeds.dns.size();
}

Seeder::Step Seeder::Next(int64_t now_us, size_t known_addresses, int outbound_connected) {
    if (m_next_seed < m_seeds.dns.size()) {
        if (m_next_dns_us < 0) {
            m_next_dns_us = known_addresses == 0                        ? m_start_us
                            : known_addresses >= DNS_SEED_MANY_ADDRESSES ? m_start_us + DNS_SEED_DELAY_MANY_US
                                                                         : m_start_us + DNS_SEED_DELAY_US;
        }
        if (now_us >= m_next_dns_us) {
            if (known_addresses > 0 && outbound_connected >= DNS_SEED_ENOUGH_OUTBOUND) {
                m_next_seed = m_seeds.dns.size();  // the network is reachable without them
            } else {
                Step step{Action::QueryDns, {}};
                while (m_next_seed < m_seeds.dns.size() && step.hosts.size() < DNS_SEEDS_PER_ROUND) {
                    step.hosts.push_back(m_seeds.dns[m_next_seed++]);
                }
                m_next_dns_us = now_us + DNS_SEED_DELAY_US;
                return step;
            }
        }
    }
    // Fixed seeds only ever fill an empty table.
    if (m_fixed_pending && known_addresses == 0 && (m_fixed_at_once || now_us - m_start_us >= FIXED_SEED_DELAY_US)) {
        m_fixed_pending = false;
        return {Action::AddFixed, {}};
    }
    return {};
}

}  // namespace tonari::bitcoin::p2p
