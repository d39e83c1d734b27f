// StrongId<Tag, T>: a distinct type around a value so a Txid can never be passed where a
// BlockHash is expected. Zero cost; the wrapped value is reachable through get().
#pragma once

#include <compare>
#include <string>
#include <utility>

namespace tonari::util {

template <typename Tag, typename T>
class StrongId {
public:
    using value_type = T;

    constexpr StrongId() = default;
    explicit constexpr StrongId(T v) : m_value(std::move(v)) {}

    const T& get() const { return m_value; }
    T& get() { return m_value; }

    std::string ToHex() const { return m_value.ToHex(); }
    bool IsNull() const { return m_value.IsNull(); }

    friend bool operator==(const StrongId&, const StrongId&) = default;
    friend auto operator<=>(const StrongId&, const StrongId&) = default;

private:
    T m_value{};
};

}  // namespace tonari::util
