#pragma once

// Reading rows into structs, and nullable columns, for the SOCI repositories: the one copy of
// the bind / execute / fetch loop and of soci::indicator handling. Header-only so that the
// per-row work inlines into the caller; it holds no SQL (that stays in each repository).
//
// A row type is one of:
// - a struct with `auto Columns()` returning std::tie of its members in SELECT order;
// - a std::tuple of column values;
// - a single column value.
// A column is a value SOCI exchanges (std::string, int, long long, double…) or a Nullable.
//
// All functions take a statement from PreparedStatement (kept prepared per pooled session, for
// hot paths) or from OneUseStatement, and run inside Database::Run; SOCI's exceptions pass
// through to it. The row is bound once and refilled by each fetch: the reader adds no
// allocation per row; what the caller's conversion copies out is the only per-row work.

#include <soci/soci.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/ids.hpp"

namespace fr {

// A nullable column: the value and SOCI's indicator side by side, for reading (a row's column)
// or for writing (a parameter). Null by default.
template <typename T>
struct Nullable {
  T value{};
  soci::indicator indicator = soci::i_null;

  static Nullable From(const std::optional<T>& optional) {
    return optional ? Nullable{*optional, soci::i_ok} : Nullable{};
  }
  // `to_column(*optional)`, or null.
  template <typename U, typename ToColumn>
  static Nullable From(const std::optional<U>& optional, ToColumn&& to_column) {
    return optional ? Nullable{std::invoke(to_column, *optional), soci::i_ok} : Nullable{};
  }

  bool is_null() const { return indicator != soci::i_ok; }
  std::optional<T> ToOptional() const { return is_null() ? std::nullopt : std::optional<T>(value); }
  // `from_column(value)`, or nullopt for a null column.
  template <typename FromColumn>
  auto ToOptional(FromColumn&& from_column) const
      -> std::optional<std::remove_cvref_t<std::invoke_result_t<FromColumn&, const T&>>> {
    if (is_null()) return std::nullopt;
    return std::invoke(from_column, value);
  }
};

// An id column that is null for "none": an invalid (default) id, or an empty optional.
template <typename Tag>
Nullable<long long> NullableId(Id<Tag> id) {
  return id.valid() ? Nullable<long long>{id.value, soci::i_ok} : Nullable<long long>{};
}
template <typename Tag>
Nullable<long long> NullableId(const std::optional<Id<Tag>>& id) {
  return id ? Nullable<long long>{id->value, soci::i_ok} : Nullable<long long>{};
}

// A statement prepared for this one query and then dropped: for SQL off the hot paths, where
// keeping it prepared (PreparedStatement) would only hold memory.
inline soci::statement OneUseStatement(soci::session& session, const std::string& sql) {
  soci::statement statement(session);
  statement.alloc();
  statement.prepare(sql);
  return statement;
}

namespace row_reader_detail {

template <typename T>
struct IsTuple : std::false_type {};
template <typename... Ts>
struct IsTuple<std::tuple<Ts...>> : std::true_type {};
template <typename T>
struct IsNullable : std::false_type {};
template <typename T>
struct IsNullable<Nullable<T>> : std::true_type {};

// Each exchange is made inside one function: SOCI's use containers keep a reference to their
// (defaulted, temporary) name, so they cannot be returned.
template <typename T>
void BindColumn(soci::statement& statement, T& column) {
  if constexpr (IsNullable<T>::value) {
    statement.exchange(soci::into(column.value, column.indicator));
  } else {
    statement.exchange(soci::into(column));
  }
}
template <typename T>
void BindParameter(soci::statement& statement, T& parameter) {
  if constexpr (IsNullable<T>::value) {
    statement.exchange(soci::use(parameter.value, parameter.indicator));
  } else {
    statement.exchange(soci::use(parameter));
  }
}

// The row's columns as a tuple of references.
template <typename Row>
auto ColumnsOf(Row& row) {
  if constexpr (requires { row.Columns(); }) {
    return row.Columns();
  } else if constexpr (IsTuple<Row>::value) {
    return std::apply([](auto&... columns) { return std::tie(columns...); }, row);
  } else {
    return std::tie(row);
  }
}

template <typename Row>
void BindColumns(soci::statement& statement, Row& row) {
  std::apply([&](auto&... columns) { (BindColumn(statement, columns), ...); }, ColumnsOf(row));
}

template <typename Row, typename Convert>
using Converted = std::remove_cvref_t<std::invoke_result_t<Convert&, const Row&>>;

}  // namespace row_reader_detail

// Adds `parameters` to the statement's inputs, in order (a Nullable with its indicator; SOCI
// needs it non-const); the Read functions below call define_and_bind(), anything else must.
// SOCI keeps references: they must outlive the execution, as arguments of the same call do.
template <typename... Parameters>
void BindParameters(soci::statement& statement, Parameters&&... parameters) {
  (row_reader_detail::BindParameter(statement, parameters), ...);
}

namespace row_reader_detail {

// Binds `parameters` and the columns of `row`, and executes `statement` with its first row
// fetched into `row`. Returns whether there was one.
template <typename Row, typename... Parameters>
bool ExecuteInto(soci::statement& statement, Row& row, Parameters&&... parameters) {
  BindParameters(statement, parameters...);
  BindColumns(statement, row);
  statement.define_and_bind();
  return statement.execute(true);
}

}  // namespace row_reader_detail

// Binds `parameters` and the columns of `row`, executes `statement` and calls `on_row(row)`
// for each row, in order. Returns how many rows there were.
template <typename Row, typename OnRow, typename... Parameters>
std::size_t ForEachRow(soci::statement& statement, Row& row, OnRow&& on_row,
                       Parameters&&... parameters) {
  std::size_t rows = 0;
  if (!row_reader_detail::ExecuteInto(statement, row, parameters...)) return rows;
  do {
    std::invoke(on_row, std::as_const(row));
    ++rows;
  } while (statement.fetch());
  return rows;
}

// Every row of `statement`, each as `convert(row)` (a function or a member such as
// &HotlineRow::ToHotline).
template <typename Row, typename Convert, typename... Parameters>
auto ReadRows(soci::statement& statement, Convert&& convert, Parameters&&... parameters) {
  std::vector<row_reader_detail::Converted<Row, Convert>> converted;
  Row row{};
  ForEachRow(
      statement, row, [&](const Row& filled) { converted.push_back(std::invoke(convert, filled)); },
      parameters...);
  return converted;
}

// The first row of `statement` as `convert(row)`, or nullopt when there is none.
template <typename Row, typename Convert, typename... Parameters>
auto ReadFirstRow(soci::statement& statement, Convert&& convert, Parameters&&... parameters)
    -> std::optional<row_reader_detail::Converted<Row, Convert>> {
  Row row{};
  if (!row_reader_detail::ExecuteInto(statement, row, parameters...)) return std::nullopt;
  return std::invoke(convert, std::as_const(row));
}

// The first column of the first row (a COUNT, an id from RETURNING…); nullopt when there is no
// row or the value is null.
template <typename T, typename... Parameters>
std::optional<T> ReadValue(soci::statement& statement, Parameters&&... parameters) {
  return ReadFirstRow<Nullable<T>>(
             statement, [](const Nullable<T>& column) { return column.ToOptional(); },
             parameters...)
      .value_or(std::nullopt);
}
// Binds `parameters` and executes `statement`, which returns no rows (an INSERT, UPDATE or
// DELETE without RETURNING). Returns how many rows it changed.
template <typename... Parameters>
long long Execute(soci::statement& statement, Parameters&&... parameters) {
  BindParameters(statement, parameters...);
  statement.define_and_bind();
  statement.execute(true);
  return statement.get_affected_rows();
}

template <typename T, typename... Parameters>
std::optional<T> ReadValue(soci::session& session, const std::string& sql,
                           Parameters&&... parameters) {
  soci::statement statement = OneUseStatement(session, sql);
  return ReadValue<T>(statement, parameters...);
}

}  // namespace fr
