#pragma once

#include <string>
#include <utility>
#include <variant>

namespace timeguard {

// Why an operation failed, in words an operator can act on: what was wrong, with which value.
struct Error {
  std::string reason;
};

// Either a value or an Error. g++ 12 has no std::expected in C++20 mode, so this is the
// small subset the project needs: construction from either side and checked access.
template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}      // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Result of an operation that returns nothing on success.
struct Done {};
using Status = Result<Done>;

inline Status ok_status() { return Done{}; }
inline Error fail(std::string reason) { return Error{std::move(reason)}; }

}  // namespace timeguard
