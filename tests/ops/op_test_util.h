// Helpers shared by the elementwise op tests: exact random values over a
// dtype's full range, special float values, non-contiguous views of fresh
// data, and small tensor queries. Header-only.
#pragma once
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ops/elementwise_spec.h"
#include "support/reference.h"
#include "tessera/tessera.h"

namespace tsrtest {

// Random values for `dtype` in [lo, hi] (clamped to what the dtype holds
// exactly as a float64: 64-bit integers stay within +-2^52).
inline Host random_values(const std::vector<int64_t>& shape, tsr_dtype dtype, double lo,
                          double hi) {
  if (is_int(dtype)) {
    const double cap = std::ldexp(1.0, 52);
    lo = std::max({lo, spec::dtype_min(dtype), -cap});
    hi = std::min({hi, spec::dtype_max(dtype), cap});
  }
  return random_host(shape, dtype, lo, hi);
}

// Overwrites the first elements of a floating host array with NaN, +-inf,
// signed zeros and exact halves (the cases rounding and IEEE rules decide).
inline void inject_specials(Host& h, tsr_dtype dtype) {
  if (!is_float(dtype)) return;
  const double specials[] = {NAN, INFINITY, -INFINITY, -0.0, 0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5};
  for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]) && i < h.data.size(); ++i)
    h.data[i] = specials[i];
}

// Overwrites every third element with 0 (truthiness, division by zero).
inline void inject_zeros(Host& h) {
  for (size_t i = 0; i < h.data.size(); i += 3) h.data[i] = 0;
}

inline std::vector<int64_t> shape_of(tsr_tensor t) {
  int32_t nd = 0;
  tsr_tensor_ndim(t, &nd);
  std::vector<int64_t> s(static_cast<size_t>(nd));
  if (nd) tsr_tensor_shape(t, s.data());
  return s;
}
inline tsr_dtype dtype_of(tsr_tensor t) {
  tsr_dtype d = TSR_DTYPE_COUNT;
  tsr_tensor_dtype(t, &d);
  return d;
}
inline bool contiguous(tsr_tensor t) {
  int32_t c = -1;
  tsr_tensor_is_contiguous(t, &c);
  return c == 1;
}
inline std::string dtype_str(tsr_dtype d) { return tsr_dtype_name(d); }

// A non-contiguous tensor of logical shape `shape` over fresh random data,
// made by one of the view kinds below; its contents are read back with
// download() (the reference is computed from what the op actually reads).
enum class ViewKind { Permuted, Step2, Reversed, Expanded };
inline const char* view_name(ViewKind k) {
  switch (k) {
    case ViewKind::Permuted: return "permuted";
    case ViewKind::Step2: return "slice step 2";
    case ViewKind::Reversed: return "slice step -1";
    case ViewKind::Expanded: return "expanded";
  }
  return "?";
}
inline const std::vector<ViewKind>& all_view_kinds() {
  static const std::vector<ViewKind> v = {ViewKind::Permuted, ViewKind::Step2, ViewKind::Reversed,
                                          ViewKind::Expanded};
  return v;
}

// `make_base(shape)` uploads fresh data of that shape. Returns the view (one
// reference) or null after a failed expectation. Shapes are 3-D.
inline tsr_tensor make_view(ViewKind kind, const std::vector<int64_t>& shape,
                            const std::function<tsr_tensor(const std::vector<int64_t>&)>& make_base) {
  tsr_tensor base = nullptr, view = nullptr;
  tsr_status st = TSR_OK;
  switch (kind) {
    case ViewKind::Permuted: {
      // Base [s2, s0, s1] viewed with axes (1, 2, 0).
      base = make_base({shape[2], shape[0], shape[1]});
      const int32_t axes[3] = {1, 2, 0};
      st = tsr_tensor_permute(base, axes, 3, &view);
      break;
    }
    case ViewKind::Step2: {
      // Base [s0, 2*s1+1, 2*s2] sliced [:, 1::2, ::2].
      base = make_base({shape[0], 2 * shape[1] + 1, 2 * shape[2]});
      const int64_t starts[3] = {0, 1, 0}, stops[3] = {INT64_MAX, INT64_MAX, INT64_MAX},
                    steps[3] = {1, 2, 2};
      st = tsr_tensor_slice(base, starts, stops, steps, &view);
      break;
    }
    case ViewKind::Reversed: {
      // Base [s0+1, s1, s2] sliced [::-1 stopping before 0, :, ::-1].
      base = make_base({shape[0] + 1, shape[1], shape[2]});
      const int64_t starts[3] = {INT64_MIN, 0, INT64_MIN}, stops[3] = {0, INT64_MAX, INT64_MAX},
                    steps[3] = {-1, 1, -1};
      st = tsr_tensor_slice(base, starts, stops, steps, &view);
      break;
    }
    case ViewKind::Expanded: {
      // Base [s0, 1, s2] expanded along axis 1.
      base = make_base({shape[0], 1, shape[2]});
      st = tsr_tensor_expand(base, shape.data(), 3, &view);
      break;
    }
  }
  EXPECT_EQ(st, TSR_OK) << view_name(kind) << ": " << tsr_last_error_message();
  tsr_tensor_release(base);  // the view keeps the storage alive
  if (view) {
    EXPECT_EQ(shape_of(view), shape) << view_name(kind);
    EXPECT_FALSE(contiguous(view)) << view_name(kind);
  }
  return view;
}

}  // namespace tsrtest
