#pragma once

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "common/error.hpp"

namespace fr {

// An error that converts into a wider error type `E` (an adapter's own, which holds a domain
// Error among others), so that FR_ASSIGN_OR_RETURN passes it on without naming `E`. Never true
// for E = Error: there the plain constructors are all there is.
template <typename From, typename T, typename E>
concept WidensInto = !std::is_same_v<E, Error> && !std::is_same_v<std::remove_cvref_t<From>, E> &&
                     std::is_convertible_v<From&&, E> && !std::is_convertible_v<From&&, T>;

// A value or an error, an Error unless an adapter names a wider type: the subset of C++23's
// std::expected that the project uses. Accessing value() of an error (or error() of a value) is
// a bug and asserts.
template <typename T, typename E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Result(E error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit
  template <WidensInto<T, E> From>
  Result(From&& error)  // NOLINT: implicit
      : state_(std::in_place_index<1>, E(std::forward<From>(error))) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const E& error() const& {
    assert(!ok());
    return std::get<1>(state_);
  }
  E&& error() && {
    assert(!ok());
    return std::get<1>(std::move(state_));
  }

 private:
  std::variant<T, E> state_;
};

template <typename E>
class [[nodiscard]] Result<void, E> {
 public:
  Result() = default;
  Result(E error) : error_(std::move(error)) {}  // NOLINT: implicit
  template <WidensInto<void, E> From>
  Result(From&& error)  // NOLINT: implicit
      : error_(E(std::forward<From>(error))) {}

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const E& error() const& {
    assert(!ok());
    return *error_;
  }
  E&& error() && {
    assert(!ok());
    return std::move(*error_);
  }

 private:
  std::optional<E> error_;
};

using Status = Result<void>;

inline Status Ok() { return {}; }

}  // namespace fr

// Propagates the error of an expression that yields a Result; otherwise evaluates to nothing.
#define FR_RETURN_IF_ERROR(expr)                   \
  do {                                             \
    auto fr_status_ = (expr);                      \
    if (!fr_status_.ok()) return std::move(fr_status_).error(); \
  } while (false)

#define FR_CONCAT_INNER_(a, b) a##b
#define FR_CONCAT_(a, b) FR_CONCAT_INNER_(a, b)
// `FR_ASSIGN_OR_RETURN(auto x, Compute());` binds the value or returns the error.
#define FR_ASSIGN_OR_RETURN(lhs, expr)                                  \
  auto FR_CONCAT_(fr_result_, __LINE__) = (expr);                      \
  if (!FR_CONCAT_(fr_result_, __LINE__).ok())                          \
    return std::move(FR_CONCAT_(fr_result_, __LINE__)).error();        \
  lhs = std::move(FR_CONCAT_(fr_result_, __LINE__)).value()
