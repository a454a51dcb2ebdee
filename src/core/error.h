// Errors inside the library: C++ code throws tsr::Error; the C shims in
// src/api turn it into a tsr_status plus the per-thread message.
#pragma once
#include <string>
#include "tessera/tessera.h"

namespace tsr {

class Error {
 public:
  Error(tsr_status status, std::string message) : status_(status), message_(std::move(message)) {}
  tsr_status status() const { return status_; }
  const std::string& message() const { return message_; }

 private:
  tsr_status status_;
  std::string message_;
};

// printf-style formatting into a std::string.
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

[[noreturn]] void fail(tsr_status status, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// The calling thread's last error message (set by the API layer).
void set_last_error(const std::string& message);
void clear_last_error();
const char* last_error();

}  // namespace tsr

#define TSR_CHECK(cond, status, ...) \
  do {                               \
    if (!(cond)) ::tsr::fail(status, __VA_ARGS__); \
  } while (0)
