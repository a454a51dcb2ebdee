// Status passed across the backend interface (plugins never throw across it).
#pragma once
#include <string>
#include "tessera/tessera.h"

namespace tsr {

struct Status {
  tsr_status code = TSR_OK;
  std::string message;
  bool ok() const { return code == TSR_OK; }
  static Status Ok() { return {}; }
  static Status Err(tsr_status c, std::string m) { return {c, std::move(m)}; }
};

}  // namespace tsr

// Runs `body` and turns a tsr::Error or std::exception into a Status.
#define TSR_GUARD_STATUS(body)                                                     \
  try {                                                                            \
    body;                                                                          \
    return ::tsr::Status::Ok();                                                    \
  } catch (const ::tsr::Error& e) {                                                \
    return ::tsr::Status::Err(e.status(), e.message());                            \
  } catch (const std::bad_alloc&) {                                                \
    return ::tsr::Status::Err(TSR_ERROR_OUT_OF_MEMORY, "host allocation failed");   \
  } catch (const std::exception& e) {                                              \
    return ::tsr::Status::Err(TSR_ERROR_INTERNAL, e.what());                       \
  }
