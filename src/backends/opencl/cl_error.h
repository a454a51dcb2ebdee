// OpenCL and CLBlast error codes as names, and the checks every cl* call
// goes through: a failure becomes a Status (or a thrown tsr::Error) that
// names the call, the code and what Tessera was doing.
#pragma once
#include <CL/cl.h>

#include <string>

#include "core/error.h"
#include "core/status.h"

namespace tsr::opencl {

// "CL_OUT_OF_RESOURCES" for -5; "CL error -1234" for unknown codes.
std::string cl_error_name(cl_int code);
// "CLBlastInsufficientMemoryTemp" etc.; CLBlast reuses OpenCL codes below -1000.
std::string clblast_error_name(int code);

// The status an OpenCL error code maps to (memory errors to OUT_OF_MEMORY,
// the rest to TSR_ERROR_BACKEND).
tsr_status cl_status(cl_int code);

// Status for a failed call: "<what>: <call> failed with CL_... (-N)".
Status cl_failure(cl_int code, const char* call, const std::string& what);

// Throws a tsr::Error for a failed call (code != CL_SUCCESS).
inline void cl_check(cl_int code, const char* call, const char* what) {
  if (code != CL_SUCCESS) {
    Status st = cl_failure(code, call, what);
    throw Error(st.code, st.message);
  }
}

}  // namespace tsr::opencl

// Checks one cl* call: CL_TRY(clFinish(q), "synchronize") throws on failure.
#define CL_TRY(expr, what) ::tsr::opencl::cl_check((expr), #expr, (what))
