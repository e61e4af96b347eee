#pragma once

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "common/error.hpp"

namespace fr {

// A value or an Error: the subset of C++23's std::expected that the project uses.
// Accessing value() of an error (or error() of a value) is a bug and asserts.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

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

  const Error& error() const& {
    assert(!ok());
    return std::get<1>(state_);
  }
  Error&& error() && {
    assert(!ok());
    return std::get<1>(std::move(state_));
  }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& {
    assert(!ok());
    return *error_;
  }
  Error&& error() && {
    assert(!ok());
    return std::move(*error_);
  }

 private:
  std::optional<Error> error_;
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
