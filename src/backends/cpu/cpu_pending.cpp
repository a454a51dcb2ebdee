// TEMPORARY: kernel families still being written report UNSUPPORTED.
#include "backends/cpu/cpu_kernels.h"
#include "core/error.h"
namespace tsr::cpu {
void run_matmul(const OpCall& c) { fail(TSR_ERROR_UNSUPPORTED, "%s: not yet on the CPU", c.name); }
}  // namespace tsr::cpu
