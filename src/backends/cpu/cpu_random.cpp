// Random tensors from the counter-based Philox generator (core/philox.h):
// element i depends only on (seed, i), so results match across backends
// and do not depend on how the work is split over threads. The draw itself
// is math::random_value, shared with the GPU kernels.
#include <cmath>
#include <limits>

#include "backends/cpu/cpu_kernels.h"
#include "backends/cpu/cpu_loops.h"
#include "backends/cpu/scalar_math.h"

namespace tsr::cpu {
namespace {

// The next value of storage type S toward -infinity.
template <typename S>
S next_below(S x) {
  if constexpr (is_half_v<S>) {
    const uint16_t bits = x.bits;
    if ((bits & 0x7fff) == 0) return S{uint16_t(0x8001)};  // +-0 -> smallest negative
    return S{uint16_t((bits & 0x8000) ? bits + 1 : bits - 1)};
  } else {
    return std::nextafter(x, -std::numeric_limits<S>::infinity());
  }
}

template <typename S>
void random_typed(const OpCall& c) {
  S* out = c.out.ptr<S>();
  const int64_t n = c.out.numel();
  const double a = c.scalar[0], b = c.scalar[1];
  const bool normal = c.code == TSR_RANDOM_NORMAL;
  const uint64_t seed = c.seed;
#pragma omp parallel for schedule(static) if (n > kParallelGrain)
  for (int64_t i = 0; i < n; ++i) {
    store(out + i, math::random_value<compute_t<S>>(uint64_t(i), seed, normal, a, b));
    if constexpr (is_float_v<S>) {
      // Rounding to the storage type (float16 keeps 11 bits) may reach the
      // open upper bound: step down to the next stored value below it.
      if (!normal && b > a)
        while (double(load(out + i)) >= b) out[i] = next_below(out[i]);
    }
  }
}

}  // namespace

void run_random(const OpCall& c) {
  dispatch(c.out.dtype, [&](auto s) {
    using S = decltype(s);
    if constexpr (std::is_same_v<S, bool>) fail(TSR_ERROR_INTERNAL, "random bool");
    else random_typed<S>(c);
  });
}

}  // namespace tsr::cpu
