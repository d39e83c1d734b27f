// Result<T, E>: a value or an error, returned across module boundaries instead of throwing.
// Shaped like C++23 std::expected so call sites read the same when the toolchain moves on:
//   Result<Tx, DecodeError> r = DecodeTx(bytes);  if (!r) return Fail(r.error());
// Not thread-safe beyond what T and E are; a Result is a plain value.
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace tonari::util {

// Wraps an error so Result<T, E> stays unambiguous even when T and E are the same type.
template <typename E>
struct Unexpected {
    E error;
};

template <typename E>
Unexpected<std::decay_t<E>> Fail(E&& e) {
    return {std::forward<E>(e)};
}

template <typename T, typename E>
class [[nodiscard]] Result {
public:
    using value_type = T;
    using error_type = E;

    Result(const T& v) : m_v(std::in_place_index<0>, v) {}
    Result(T&& v) : m_v(std::in_place_index<0>, std::move(v)) {}
    template <typename G>
    Result(Unexpected<G> u) : m_v(std::in_place_index<1>, E(std::move(u.error))) {}

    bool has_value() const { return m_v.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T& value() & { assert(has_value()); return std::get<0>(m_v); }
    const T& value() const& { assert(has_value()); return std::get<0>(m_v); }
    T&& value() && { assert(has_value()); return std::get<0>(std::move(m_v)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const E& error() const { assert(!has_value()); return std::get<1>(m_v); }

    template <typename U>
    T value_or(U&& fallback) const& { return has_value() ? value() : static_cast<T>(std::forward<U>(fallback)); }

private:
    std::variant<T, E> m_v;
};

// Result<void, E>: success or an error, for operations without a value.
template <typename E>
class [[nodiscard]] Result<void, E> {
public:
    using value_type = void;
    using error_type = E;

    Result() = default;
    template <typename G>
    Result(Unexpected<G> u) : m_error(E(std::move(u.error))), m_ok(false) {}

    bool has_value() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const E& error() const { assert(!m_ok); return m_error; }

private:
    E m_error{};
    bool m_ok = true;
};

}  // namespace tonari::util
