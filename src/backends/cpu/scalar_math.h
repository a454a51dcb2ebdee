// The scalar definition of every elementwise op, shared by the CPU kernels
// and usable as the reference of other backends' semantics. Integer
// arithmetic wraps (computed in unsigned), integer division by zero gives 0,
// and float to integer conversion saturates (NaN gives 0).
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "tessera/tessera.h"

namespace tsr::math {

template <typename T> using U = std::make_unsigned_t<T>;

template <typename T> inline T wrap_add(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) return T(U<T>(a) + U<T>(b));
  else return a + b;
}
template <typename T> inline T wrap_sub(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) return T(U<T>(a) - U<T>(b));
  else return a - b;
}
template <typename T> inline T wrap_mul(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    // Promote small unsigned types to unsigned int so the product cannot overflow int.
    using W = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, U<T>>;
    return T(W(U<T>(a)) * W(U<T>(b)));
  } else {
    return a * b;
  }
}

template <typename T> inline T int_div_trunc(T a, T b) {
  if (b == 0) return 0;
  if constexpr (std::is_signed_v<T>)
    if (b == T(-1)) return T(U<T>(0) - U<T>(a));  // avoids MIN / -1
  return T(a / b);
}

template <typename T> inline T floor_div(T a, T b) {
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

template <typename T> inline T remainder(T a, T b) {
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

template <typename T> inline T power(T a, T b) {
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

template <typename T> inline T maximum(T a, T b) {
  if constexpr (std::is_floating_point_v<T>)
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<T>::quiet_NaN();
  return a > b ? a : b;
}
template <typename T> inline T minimum(T a, T b) {
  if constexpr (std::is_floating_point_v<T>)
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<T>::quiet_NaN();
  return a < b ? a : b;
}

template <typename T> inline T negate(T a) {
  if constexpr (std::is_integral_v<T>) return T(U<T>(0) - U<T>(a));
  else return -a;
}
template <typename T> inline T absolute(T a) {
  if constexpr (std::is_unsigned_v<T>) return a;
  else if constexpr (std::is_integral_v<T>) return a < 0 ? negate(a) : a;
  else return std::fabs(a);
}
template <typename T> inline T sign(T a) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return a;
    return a > 0 ? T(1) : (a < 0 ? T(-1) : T(0));
  } else if constexpr (std::is_unsigned_v<T>) {
    return a > 0 ? 1 : 0;
  } else {
    return a > 0 ? 1 : (a < 0 ? -1 : 0);
  }
}

template <typename T> inline T sigmoid(T x) { return T(1) / (T(1) + std::exp(-x)); }
// GELU, exact (erf) form.
template <typename T> inline T gelu(T x) { return T(0.5) * x * (T(1) + std::erf(x * T(0.70710678118654752440))); }
// GELU, tanh approximation (the linear activation; what GPU epilogues fuse).
template <typename T> inline T gelu_tanh(T x) {
  const T k = T(0.7978845608028654), c = T(0.044715);
  return T(0.5) * x * (T(1) + std::tanh(k * (x + c * x * x * x)));
}
template <typename T> inline T silu(T x) { return x / (T(1) + std::exp(-x)); }

// Saturating conversion between arithmetic types (float -> int clamps,
// NaN -> 0; other conversions as C++ does them).
template <typename To, typename From> inline To convert(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    if (std::isnan(v)) return 0;
    // Bounds as doubles that are exact: min is 0 or -2^(bits-1), and one past
    // max is a power of two. (No long double: x87 state is not ours to trust.)
    constexpr double lo = double(std::numeric_limits<To>::min());
    constexpr double past_hi = 2.0 * double(std::numeric_limits<To>::max() / 2 + 1);
    const double d = double(v);
    if (d <= lo) return std::numeric_limits<To>::min();
    if (d >= past_hi) return std::numeric_limits<To>::max();
    return To(d);
  } else {
    return To(v);
  }
}

}  // namespace tsr::math
