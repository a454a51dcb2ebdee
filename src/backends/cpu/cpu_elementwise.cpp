// Elementwise CPU kernels: unary, binary, scalar, where, copy/cast, fill,
// arange. Operands arrive in the op's compute dtype (the core casts mixed
// inputs first), broadcast to the output's shape.
#include <cmath>

#include "backends/cpu/cpu_kernels.h"
#include "backends/cpu/cpu_loops.h"
#include "backends/cpu/scalar_math.h"

namespace tsr::cpu {
namespace {

template <typename S> inline S* at(char* p, int64_t i, int64_t step) {
  return reinterpret_cast<S*>(p + i * step);
}

// Runs gen(i0, m, buf) over blocks of a contiguous output run, writing each
// block with streaming stores (see kStreamingBytes).
template <typename Out, typename Gen>
void streamed(Out* o, int64_t n, Gen&& gen) {
  constexpr int64_t kBlock = 1024;
  alignas(64) Out buf[kBlock];
  for (int64_t i0 = 0; i0 < n; i0 += kBlock) {
    const int64_t m = n - i0 < kBlock ? n - i0 : kBlock;
    gen(i0, m, buf);
    stream_copy(o + i0, buf, m * int64_t(sizeof(Out)));
  }
  stream_fence();
}

template <typename Out>
bool use_streaming(const OpCall& c) {
  return c.out.numel() * int64_t(sizeof(Out)) >= kStreamingBytes;
}

// out[i] = f(x[i]), storage types In -> Out.
template <typename In, typename Out, typename F>
void map1(const OpCall& c, F f) {
  const TensorDesc* d[2] = {&c.out, &c.in[0]};
  const bool streaming = use_streaming<Out>(c);
  nd_loop<2>(d, [&](char** p, const int64_t* st, int64_t n) {
    if (streaming && st[0] == sizeof(Out) && st[1] == sizeof(In)) {
      const In* x = reinterpret_cast<const In*>(p[1]);
      streamed(reinterpret_cast<Out*>(p[0]), n, [&](int64_t i0, int64_t m, Out* buf) {
        for (int64_t i = 0; i < m; ++i) store(buf + i, f(load(x + i0 + i)));
      });
    } else if (st[0] == sizeof(Out) && st[1] == sizeof(In)) {
      Out* o = reinterpret_cast<Out*>(p[0]);
      const In* x = reinterpret_cast<const In*>(p[1]);
      for (int64_t i = 0; i < n; ++i) store(o + i, f(load(x + i)));
    } else {
      for (int64_t i = 0; i < n; ++i) store(at<Out>(p[0], i, st[0]), f(load(at<In>(p[1], i, st[1]))));
    }
  });
}

// out[i] = f(a[i], b[i]), storage types In -> Out.
template <typename In, typename Out, typename F>
void map2(const OpCall& c, F f) {
  const TensorDesc* d[3] = {&c.out, &c.in[0], &c.in[1]};
  const bool streaming = use_streaming<Out>(c);
  nd_loop<3>(d, [&](char** p, const int64_t* st, int64_t n) {
    Out* o = reinterpret_cast<Out*>(p[0]);
    const In* a = reinterpret_cast<const In*>(p[1]);
    const In* b = reinterpret_cast<const In*>(p[2]);
    if (streaming && st[0] == sizeof(Out) && st[1] == sizeof(In) && st[2] == sizeof(In)) {
      streamed(o, n, [&](int64_t i0, int64_t m, Out* buf) {
        for (int64_t i = 0; i < m; ++i) store(buf + i, f(load(a + i0 + i), load(b + i0 + i)));
      });
    } else if (st[0] == sizeof(Out) && st[1] == sizeof(In) && st[2] == sizeof(In)) {
      for (int64_t i = 0; i < n; ++i) store(o + i, f(load(a + i), load(b + i)));
    } else if (st[0] == sizeof(Out) && st[1] == sizeof(In) && st[2] == 0) {
      const auto bv = load(b);
      for (int64_t i = 0; i < n; ++i) store(o + i, f(load(a + i), bv));
    } else if (st[0] == sizeof(Out) && st[1] == 0 && st[2] == sizeof(In)) {
      const auto av = load(a);
      for (int64_t i = 0; i < n; ++i) store(o + i, f(av, load(b + i)));
    } else {
      for (int64_t i = 0; i < n; ++i)
        store(at<Out>(p[0], i, st[0]), f(load(at<In>(p[1], i, st[1])), load(at<In>(p[2], i, st[2]))));
    }
  });
}

template <typename S>
void unary_typed(const OpCall& c) {
  using C = compute_t<S>;
  if constexpr (std::is_same_v<S, bool>) {
    // Only the predicates take bool (the op table rejects the rest).
    if (c.code == TSR_LOGICAL_NOT) return map1<S, bool>(c, [](C x) { return !x; });
    if (c.code == TSR_ISNAN || c.code == TSR_ISINF) return map1<S, bool>(c, [](C) { return false; });
    fail(TSR_ERROR_INTERNAL, "unary op %d is not defined for bool", c.code);
  } else {
  switch (c.code) {
    case TSR_ABS: return map1<S, S>(c, [](C x) { return math::absolute(x); });
    case TSR_NEGATIVE: return map1<S, S>(c, [](C x) { return math::negate(x); });
    case TSR_SQUARE: return map1<S, S>(c, [](C x) { return math::wrap_mul(x, x); });
    case TSR_SIGN: return map1<S, S>(c, [](C x) { return math::sign(x); });
    // Written so that NaN propagates (NaN < 0 is false), as in every framework.
    case TSR_RELU: return map1<S, S>(c, [](C x) { return x < C(0) ? C(0) : x; });
    case TSR_LOGICAL_NOT: return map1<S, bool>(c, [](C x) { return x == C(0); });
    case TSR_ISNAN:
      return map1<S, bool>(c, [](C x) {
        if constexpr (std::is_floating_point_v<C>) return std::isnan(x);
        else return (void)x, false;
      });
    case TSR_ISINF:
      return map1<S, bool>(c, [](C x) {
        if constexpr (std::is_floating_point_v<C>) return std::isinf(x);
        else return (void)x, false;
      });
    case TSR_FLOOR:
    case TSR_CEIL:
    case TSR_ROUND:
      if constexpr (!std::is_floating_point_v<C>) {
        return map1<S, S>(c, [](C x) { return x; });  // integers are already whole
      } else {
        if (c.code == TSR_FLOOR) return map1<S, S>(c, [](C x) { return std::floor(x); });
        if (c.code == TSR_CEIL) return map1<S, S>(c, [](C x) { return std::ceil(x); });
        return map1<S, S>(c, [](C x) { return std::nearbyint(x); });  // half to even
      }
    default: break;
  }
  if constexpr (std::is_floating_point_v<C>) {
    switch (c.code) {
      case TSR_EXP: return map1<S, S>(c, [](C x) { return std::exp(x); });
      case TSR_EXPM1: return map1<S, S>(c, [](C x) { return std::expm1(x); });
      case TSR_LOG: return map1<S, S>(c, [](C x) { return std::log(x); });
      case TSR_LOG1P: return map1<S, S>(c, [](C x) { return std::log1p(x); });
      case TSR_SQRT: return map1<S, S>(c, [](C x) { return std::sqrt(x); });
      case TSR_RSQRT: return map1<S, S>(c, [](C x) { return C(1) / std::sqrt(x); });
      case TSR_SIN: return map1<S, S>(c, [](C x) { return std::sin(x); });
      case TSR_COS: return map1<S, S>(c, [](C x) { return std::cos(x); });
      case TSR_TAN: return map1<S, S>(c, [](C x) { return std::tan(x); });
      case TSR_TANH: return map1<S, S>(c, [](C x) { return std::tanh(x); });
      case TSR_SIGMOID: return map1<S, S>(c, [](C x) { return math::sigmoid(x); });
      case TSR_GELU: return map1<S, S>(c, [](C x) { return math::gelu(x); });
      case TSR_SILU: return map1<S, S>(c, [](C x) { return math::silu(x); });
      default: break;
    }
  }
  fail(TSR_ERROR_INTERNAL, "unary op %d has no CPU kernel for this dtype", c.code);
  }
}

// The binary op `code` on compute values; comparisons return bool.
template <typename S, typename F>
void with_binary(int32_t code, F&& run) {
  using C = compute_t<S>;
  if constexpr (std::is_same_v<S, bool>) {
    switch (code) {
      case TSR_MAXIMUM:
      case TSR_LOGICAL_OR:
      case TSR_BITWISE_OR: return run([](C a, C b) { return a || b; }, bool{});
      case TSR_MINIMUM:
      case TSR_LOGICAL_AND:
      case TSR_BITWISE_AND: return run([](C a, C b) { return a && b; }, bool{});
      case TSR_NOT_EQUAL:
      case TSR_LOGICAL_XOR:
      case TSR_BITWISE_XOR: return run([](C a, C b) { return a != b; }, bool{});
      case TSR_EQUAL: return run([](C a, C b) { return a == b; }, bool{});
      case TSR_LESS: return run([](C a, C b) { return !a && b; }, bool{});
      case TSR_LESS_EQUAL: return run([](C a, C b) { return !a || b; }, bool{});
      case TSR_GREATER: return run([](C a, C b) { return a && !b; }, bool{});
      case TSR_GREATER_EQUAL: return run([](C a, C b) { return a || !b; }, bool{});
      default: fail(TSR_ERROR_INTERNAL, "binary op %d is not defined for bool", code);
    }
  } else {
  switch (code) {
    case TSR_ADD: return run([](C a, C b) { return C(math::wrap_add(a, b)); }, S{});
    case TSR_SUBTRACT: return run([](C a, C b) { return C(math::wrap_sub(a, b)); }, S{});
    case TSR_MULTIPLY: return run([](C a, C b) { return C(math::wrap_mul(a, b)); }, S{});
    case TSR_DIVIDE: return run([](C a, C b) { return C(a / b); }, S{});
    case TSR_FLOOR_DIVIDE: return run([](C a, C b) { return math::floor_div(a, b); }, S{});
    case TSR_REMAINDER: return run([](C a, C b) { return math::remainder(a, b); }, S{});
    case TSR_POW: return run([](C a, C b) { return math::power(a, b); }, S{});
    case TSR_MAXIMUM: return run([](C a, C b) { return math::maximum(a, b); }, S{});
    case TSR_MINIMUM: return run([](C a, C b) { return math::minimum(a, b); }, S{});
    case TSR_EQUAL: return run([](C a, C b) { return a == b; }, bool{});
    case TSR_NOT_EQUAL: return run([](C a, C b) { return a != b; }, bool{});
    case TSR_LESS: return run([](C a, C b) { return a < b; }, bool{});
    case TSR_LESS_EQUAL: return run([](C a, C b) { return a <= b; }, bool{});
    case TSR_GREATER: return run([](C a, C b) { return a > b; }, bool{});
    case TSR_GREATER_EQUAL: return run([](C a, C b) { return a >= b; }, bool{});
    case TSR_LOGICAL_AND: return run([](C a, C b) { return a != C(0) && b != C(0); }, bool{});
    case TSR_LOGICAL_OR: return run([](C a, C b) { return a != C(0) || b != C(0); }, bool{});
    case TSR_LOGICAL_XOR: return run([](C a, C b) { return (a != C(0)) != (b != C(0)); }, bool{});
    default: break;
  }
  if constexpr (std::is_integral_v<C>) {
    switch (code) {
      case TSR_BITWISE_AND: return run([](C a, C b) { return C(a & b); }, S{});
      case TSR_BITWISE_OR: return run([](C a, C b) { return C(a | b); }, S{});
      case TSR_BITWISE_XOR: return run([](C a, C b) { return C(a ^ b); }, S{});
      default: break;
    }
  }
  fail(TSR_ERROR_INTERNAL, "binary op %d has no CPU kernel for this dtype", code);
  }
}

template <typename S>
void binary_typed(const OpCall& c) {
  with_binary<S>(c.code, [&](auto f, auto out_tag) {
    using Out = decltype(out_tag);
    map2<S, Out>(c, f);
  });
}

template <typename S>
void binary_scalar_typed(const OpCall& c) {
  using C = compute_t<S>;
  const C s = math::convert<C>(c.scalar[0]);
  const bool scalar_first = c.flags & 1;
  with_binary<S>(c.code, [&](auto f, auto out_tag) {
    using Out = decltype(out_tag);
    if (scalar_first) map1<S, Out>(c, [&](C x) { return f(s, x); });
    else map1<S, Out>(c, [&](C x) { return f(x, s); });
  });
}

template <typename S>
void where_typed(const OpCall& c) {
  const TensorDesc* d[4] = {&c.out, &c.in[0], &c.in[1], &c.in[2]};
  nd_loop<4>(d, [&](char** p, const int64_t* st, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      bool cond = *reinterpret_cast<const uint8_t*>(p[1] + i * st[1]) != 0;
      *at<S>(p[0], i, st[0]) = cond ? *at<S>(p[2], i, st[2]) : *at<S>(p[3], i, st[3]);
    }
  });
}

template <typename Out, typename In>
void copy_typed(const OpCall& c) {
  if constexpr (std::is_same_v<Out, In>) {
    map1<In, Out>(c, [](compute_t<In> x) { return x; });
  } else {
    map1<In, Out>(c, [](compute_t<In> x) { return math::convert<compute_t<Out>>(x); });
  }
}

template <typename S>
void fill_typed(const OpCall& c) {
  const S v = [&] {
    S tmp;
    store(&tmp, math::convert<compute_t<S>>(c.scalar[0]));
    return tmp;
  }();
  const TensorDesc* d[1] = {&c.out};
  nd_loop<1>(d, [&](char** p, const int64_t* st, int64_t n) {
    for (int64_t i = 0; i < n; ++i) *at<S>(p[0], i, st[0]) = v;
  });
}

template <typename S>
void arange_typed(const OpCall& c) {
  S* o = c.out.ptr<S>();
  const int64_t n = c.out.numel(), stride = c.out.strides[0];
  for (int64_t i = 0; i < n; ++i)
    store(o + i * stride, math::arange_value<compute_t<S>>(c.scalar[0], c.scalar[1], i));
}

}  // namespace

void run_elementwise(const OpCall& c) {
  switch (c.kind) {
    case OpKind::Unary: return dispatch(c.in[0].dtype, [&](auto s) { unary_typed<decltype(s)>(c); });
    case OpKind::Binary: return dispatch(c.in[0].dtype, [&](auto s) { binary_typed<decltype(s)>(c); });
    case OpKind::BinaryScalar:
      return dispatch(c.in[0].dtype, [&](auto s) { binary_scalar_typed<decltype(s)>(c); });
    case OpKind::Where: return dispatch(c.out.dtype, [&](auto s) { where_typed<decltype(s)>(c); });
    case OpKind::Copy:
      return dispatch(c.out.dtype, [&](auto o) {
        dispatch(c.in[0].dtype, [&](auto i) { copy_typed<decltype(o), decltype(i)>(c); });
      });
    case OpKind::Fill: return dispatch(c.out.dtype, [&](auto s) { fill_typed<decltype(s)>(c); });
    case OpKind::Arange: return dispatch(c.out.dtype, [&](auto s) { arange_typed<decltype(s)>(c); });
    default: fail(TSR_ERROR_INTERNAL, "run_elementwise got op '%s'", c.name);
  }
}

}  // namespace tsr::cpu
