// The scalar definition of every elementwise op, shared by the CPU kernels
// and usable as the reference of other backends' semantics. Integer
// arithmetic wraps (computed in unsigned), integer division by zero gives 0,
// and float to integer conversion saturates (NaN gives 0).
// Every function is TSR_HOST_DEVICE, so GPU kernels (src/backends/cuda, built
// by nvcc or hipcc) compile these same definitions instead of copies.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "core/philox.h"  // also defines TSR_HOST_DEVICE
#include "tessera/tessera.h"

// Double arithmetic that a device compiler may not fuse into an FMA, so
// random draws and arange values are bit-identical on the host and the GPU.
#if defined(__CUDA_ARCH__) || defined(__HIP_DEVICE_COMPILE__)
#define TSR_DMUL(a, b) __dmul_rn((a), (b))
#define TSR_DADD(a, b) __dadd_rn((a), (b))
#else
#define TSR_DMUL(a, b) ((a) * (b))
#define TSR_DADD(a, b) ((a) + (b))
#endif

namespace tsr::math {

template <typename T> using U = std::make_unsigned_t<T>;

template <typename T> TSR_HOST_DEVICE inline T wrap_add(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) return T(U<T>(a) + U<T>(b));
  else return a + b;
}
template <typename T> TSR_HOST_DEVICE inline T wrap_sub(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) return T(U<T>(a) - U<T>(b));
  else return a - b;
}
template <typename T> TSR_HOST_DEVICE inline T wrap_mul(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    // Promote small unsigned types to unsigned int so the product cannot overflow int.
    using W = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, U<T>>;
    return T(W(U<T>(a)) * W(U<T>(b)));
  } else {
    return a * b;
  }
}

template <typename T> TSR_HOST_DEVICE inline T int_div_trunc(T a, T b) {
  if (b == 0) return 0;
  if constexpr (std::is_signed_v<T>)
    if (b == T(-1)) return T(U<T>(0) - U<T>(a));  // avoids MIN / -1
  return T(a / b);
}

template <typename T> TSR_HOST_DEVICE inline T floor_div(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::floor(a / b);
  } else {
    if (b == 0) return 0;
    T q = int_div_trunc(a, b);
    if constexpr (std::is_signed_v<T>)
      if (b != T(-1) && (a % b != 0) && ((a < 0) != (b < 0))) q = T(q - 1);
    return q;
  }
}

template <typename T> TSR_HOST_DEVICE inline T remainder(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    T r = std::fmod(a, b);
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
  } else {
    if (b == 0) return 0;
    if constexpr (std::is_signed_v<T>) {
      if (b == T(-1)) return 0;
      T r = T(a % b);
      if (r != 0 && ((r < 0) != (b < 0))) r = T(r + b);
      return r;
    } else {
      return T(a % b);
    }
  }
}

template <typename T> TSR_HOST_DEVICE inline T power(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::pow(a, b);
  } else {
    if constexpr (std::is_signed_v<T>) {
      if (b < 0) return a == 1 ? 1 : (a == -1 ? ((b & 1) ? -1 : 1) : 0);
    }
    T result = 1, base = a;
    U<T> e = U<T>(b);
    while (e) {
      if (e & 1) result = wrap_mul(result, base);
      base = wrap_mul(base, base);
      e >>= 1;
    }
    return result;
  }
}

template <typename T> TSR_HOST_DEVICE inline T maximum(T a, T b) {
  if constexpr (std::is_floating_point_v<T>)
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<T>::quiet_NaN();
  return a > b ? a : b;
}
template <typename T> TSR_HOST_DEVICE inline T minimum(T a, T b) {
  if constexpr (std::is_floating_point_v<T>)
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<T>::quiet_NaN();
  return a < b ? a : b;
}

template <typename T> TSR_HOST_DEVICE inline T negate(T a) {
  if constexpr (std::is_integral_v<T>) return T(U<T>(0) - U<T>(a));
  else return -a;
}
template <typename T> TSR_HOST_DEVICE inline T absolute(T a) {
  if constexpr (std::is_unsigned_v<T>) return a;
  else if constexpr (std::is_integral_v<T>) return a < 0 ? negate(a) : a;
  else return std::fabs(a);
}
template <typename T> TSR_HOST_DEVICE inline T sign(T a) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return a;
    return a > 0 ? T(1) : (a < 0 ? T(-1) : T(0));
  } else if constexpr (std::is_unsigned_v<T>) {
    return a > 0 ? 1 : 0;
  } else {
    return a > 0 ? 1 : (a < 0 ? -1 : 0);
  }
}

template <typename T> TSR_HOST_DEVICE inline T sigmoid(T x) { return T(1) / (T(1) + std::exp(-x)); }
// GELU, exact (erf) form.
template <typename T> TSR_HOST_DEVICE inline T gelu(T x) { return T(0.5) * x * (T(1) + std::erf(x * T(0.70710678118654752440))); }
// GELU, tanh approximation (the linear activation; what GPU epilogues fuse).
template <typename T> TSR_HOST_DEVICE inline T gelu_tanh(T x) {
  const T k = T(0.7978845608028654), c = T(0.044715);
  return T(0.5) * x * (T(1) + std::tanh(k * (x + c * x * x * x)));
}
template <typename T> TSR_HOST_DEVICE inline T silu(T x) { return x / (T(1) + std::exp(-x)); }

// Saturating conversion between arithmetic types (float -> int clamps,
// NaN -> 0; other conversions as C++ does them).
template <typename To, typename From> TSR_HOST_DEVICE inline To convert(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    if (std::isnan(v)) return 0;
    // The bounds in double (device code has no long double). Exact for types
    // up to 32 bits; for 64-bit types max rounds up to 2^63 or 2^64, and since
    // no double lies between max and that power of two, v >= bound decides
    // exactly as a comparison with the true max would.
    constexpr double lo = double(std::numeric_limits<To>::min());
    constexpr double hi = double(std::numeric_limits<To>::max());
    if (double(v) <= lo) return std::numeric_limits<To>::min();
    if (double(v) >= hi) return std::numeric_limits<To>::max();
    return To(v);
  } else {
    return To(v);
  }
}

// Element i of a random tensor drawn with `seed` (core/philox.h), in the
// compute type C of its dtype: uniform in [a, b) (floored for integer C) or
// normal with mean a and standard deviation b (Box-Muller on two 53-bit
// uniforms). Every backend calls this, so seeded tensors match.
template <typename C>
TSR_HOST_DEVICE inline C random_value(uint64_t i, uint64_t seed, bool normal, double a, double b) {
  Philox4 r = philox4x32_10(i, seed);
  double v;
  if (normal) {
    double u1 = philox_unit_double(r.v[0], r.v[1]), u2 = philox_unit_double(r.v[2], r.v[3]);
    double radius = std::sqrt(-2.0 * std::log1p(-u1));
    v = TSR_DADD(a, TSR_DMUL(TSR_DMUL(b, radius), std::cos(6.283185307179586 * u2)));
  } else {
    v = TSR_DADD(a, TSR_DMUL(b - a, philox_unit_double(r.v[0], r.v[1])));
    if constexpr (!std::is_floating_point_v<C>) v = std::floor(v);
  }
  C cv = convert<C>(v);
  if constexpr (std::is_floating_point_v<C>) {
    // Rounding to a narrow type may reach the open upper bound: step back.
    if (!normal && b > a && double(cv) >= b) cv = std::nextafter(C(b), C(a));
  }
  return cv;
}

// arange: element i = start + i * step, converted.
template <typename C>
TSR_HOST_DEVICE inline C arange_value(double start, double step, int64_t i) {
  return convert<C>(TSR_DADD(start, TSR_DMUL(double(i), step)));
}

}  // namespace tsr::math
