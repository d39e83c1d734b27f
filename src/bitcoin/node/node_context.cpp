// NodeContext: opening on the strand, flushing, and the shutdown signal.
#include "bitcoin/node/node_context.h"

#include <chrono>

#include "bitcoin/consensus/params.h"

namespace tonari::bitcoin::node {

util::Result<std::unique_ptr<NodeContext>, std::string> NodeContext::Open(const NodeStorageOptions& options) {
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    auto node = std::make_unique<NodeContext>(options.network, now);
    auto opened = node->m_strand.Run([&options] { return NodeStorage::Open(options); });
    if (!opened) return util::Fail(opened.error());
    node->m_storage = std::move(*opened);
    return node;
}

NodeContext::~NodeContext() {
    // The storage is closed on the strand that used it.
    m_strand.Run([this] { m_storage.reset(); });
}

// The storage's parameters are immutable from Open on (set before m_storage is published).
const consensus::ConsensusParams& NodeContext::Params() const { return m_storage->Params(); }

void NodeContext::RequestShutdown() {
    {
        std::lock_guard lock(m_shutdown_mutex);
        m_shutdown = true;
    }
    m_shutdown_cv.notify_all();
}

void NodeContext::AbortNode(const std::string& message) {
    {
        std::lock_guard lock(m_shutdown_mutex);
        if (!m_fatal_error) m_fatal_error = message;
    }
    RequestShutdown();
}

std::optional<std::string> NodeContext::FatalError() const {
    std::lock_guard lock(m_shutdown_mutex);
    return m_fatal_error;
}

void NodeContext::WaitForShutdown() {
    std::unique_lock lock(m_shutdown_mutex);
    m_shutdown_cv.wait(lock, [this] { return m_shutdown.load(); });
}

util::Result<void, std::string> NodeContext::Flush() {
    return WithChain([](NodeStorage& storage) -> util::Result<void, std::string> {
        if (auto flushed = storage.Chain().Flush(true); !flushed) return util::Fail(flushed.error().message);
        return {};
    });
}

}  // namespace tonari::bitcoin::node
