#include "cl_ops.h"
namespace tsr::opencl {
Status run_normalization(Launch& L, const OpCall& c) { return Status::Err(TSR_ERROR_UNSUPPORTED, std::string(c.name) + ": todo"); (void)L; }
}
