// Reductions on the CPU: sum, prod, mean, var, std, min, max, argmin,
// argmax, any, all over any set of axes of an input in any layout.
//
// The input's axes split into kept axes (one output per index) and reduced
// axes, walked in C order so that a running counter over them is the index
// argmin/argmax report. Outputs are processed in tiles of consecutive
// outputs, on one of three schedules:
//  - rows: each output walks its own reduced span; a contiguous innermost
//    run is accumulated in 8 independent lanes (vectorizable, and pairwise-
//    like in accuracy).
//  - columns: when the innermost kept axis is the contiguous one (a sum over
//    axis 0 of [N, C]), a tile of adjacent outputs steps through the reduced
//    rows together, so every load is contiguous.
//  - split: few tiles but a long reduction (a full reduction): threads take
//    chunks of the reduced range for every output, and the partial results
//    are merged in chunk order, so results do not depend on timing.
// Each op is a Reducer with a cheap accumulator for a block of at most
// kBlock elements (Part) that is folded into the output's accumulator (Acc).
// Float sums add each block in double and fold blocks with Neumaier
// compensation; integer sums and products wrap in 64 bits; var/std take two
// passes (mean, then centered sums) for stability.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "backends/cpu/cpu_kernels.h"
#include "backends/cpu/cpu_loops.h"

namespace tsr::cpu {
namespace {

constexpr int64_t kBlock = 1024;        // elements per Part before folding into Acc
constexpr int64_t kRowTile = 64;        // outputs per tile on the rows schedule
constexpr int64_t kColumnTile = 1024;   // outputs per tile on the columns schedule
constexpr int64_t kSplitMaxOutputs = 4096;

// ---------------------------------------------------------------------------
// The plan: kept (K) and reduced (R) axes with byte strides, size-1 axes
// dropped and contiguous neighbours merged.
struct Plan {
  const char* in = nullptr;  // element 0 of the input (after flips)
  char* out = nullptr;       // element 0 of the output
  int64_t in_es = 0;
  int nk = 0, nr = 0;
  int64_t kshape[TSR_MAX_DIMS] = {}, kin[TSR_MAX_DIMS] = {}, kout[TSR_MAX_DIMS] = {};
  int64_t rshape[TSR_MAX_DIMS] = {}, rin[TSR_MAX_DIMS] = {};
  int64_t O = 1, L = 1;  // outputs, elements reduced per output
  bool columns = false;
};

struct Axis {
  int64_t n, sin, sout;
};

// Merges neighbours a, b (a outer) when b's walk continues into a's.
int merge_axes(Axis* ax, int n, bool with_out) {
  int w = 0;
  for (int i = 0; i < n; ++i) {
    if (w > 0 && ax[w - 1].sin == ax[i].sin * ax[i].n &&
        (!with_out || ax[w - 1].sout == ax[i].sout * ax[i].n)) {
      ax[w - 1].n *= ax[i].n;
      ax[w - 1].sin = ax[i].sin;
      ax[w - 1].sout = ax[i].sout;
    } else {
      ax[w++] = ax[i];
    }
  }
  return w;
}

// keep_order: argmin/argmax need the reduced axes walked in their logical C
// order; every other op may walk them in the order memory prefers.
Plan make_plan(const OpCall& c, bool keep_order) {
  const TensorDesc& x = c.in[0];
  const TensorDesc& y = c.out;
  Plan p;
  p.in_es = dtype_size(x.dtype);
  const int64_t out_es = dtype_size(y.dtype);
  int64_t in_off = 0;
  Axis k[TSR_MAX_DIMS], r[TSR_MAX_DIMS];
  int nk = 0, nr = 0;
  for (int i = 0; i < x.ndim; ++i) {
    const int64_t n = x.shape[i];
    if (n == 1) continue;
    if (c.reduce_axis[i]) {
      Axis a{n, x.strides[i] * p.in_es, 0};
      if (!keep_order && a.sin < 0) {  // walk reversed axes forwards
        in_off += (n - 1) * a.sin;
        a.sin = -a.sin;
      }
      r[nr++] = a;
    } else {
      k[nk++] = Axis{n, x.strides[i] * p.in_es, y.strides[i] * out_es};
    }
  }
  // Outputs are independent: order kept axes by input stride so the
  // contiguous one, if any, is innermost.
  std::stable_sort(k, k + nk, [](const Axis& a, const Axis& b) {
    return std::llabs(a.sin) > std::llabs(b.sin);
  });
  if (!keep_order)
    std::stable_sort(r, r + nr, [](const Axis& a, const Axis& b) { return a.sin > b.sin; });
  nk = merge_axes(k, nk, true);
  nr = merge_axes(r, nr, false);
  p.nk = nk;
  p.nr = nr;
  for (int i = 0; i < nk; ++i) {
    p.kshape[i] = k[i].n;
    p.kin[i] = k[i].sin;
    p.kout[i] = k[i].sout;
    p.O *= k[i].n;
  }
  for (int i = 0; i < nr; ++i) {
    p.rshape[i] = r[i].n;
    p.rin[i] = r[i].sin;
    p.L *= r[i].n;
  }
  p.in = static_cast<const char*>(x.base) + x.offset + in_off;
  p.out = static_cast<char*>(y.base) + y.offset;
  p.columns = nk > 0 && p.kin[nk - 1] == p.in_es && (nr == 0 || p.rin[nr - 1] != p.in_es);
  return p;
}

// Walks outputs in the plan's kept-axis order, tracking byte offsets.
struct KCursor {
  const Plan& p;
  int64_t idx[TSR_MAX_DIMS] = {};
  int64_t in = 0, out = 0;
  KCursor(const Plan& plan, int64_t o) : p(plan) {
    for (int i = p.nk - 1; i >= 0; --i) {
      idx[i] = o % p.kshape[i];
      o /= p.kshape[i];
      in += idx[i] * p.kin[i];
      out += idx[i] * p.kout[i];
    }
  }
  void next() {
    for (int i = p.nk - 1; i >= 0; --i) {
      ++idx[i];
      in += p.kin[i];
      out += p.kout[i];
      if (idx[i] < p.kshape[i] || i == 0) return;
      in -= p.kshape[i] * p.kin[i];
      out -= p.kshape[i] * p.kout[i];
      idx[i] = 0;
    }
  }
};

// Walks the reduced axes in C order from linear position r (< L).
struct RCursor {
  const Plan& p;
  int64_t idx[TSR_MAX_DIMS] = {};
  int64_t off = 0;
  RCursor(const Plan& plan, int64_t r) : p(plan) {
    for (int i = p.nr - 1; i >= 0; --i) {
      idx[i] = r % p.rshape[i];
      r /= p.rshape[i];
      off += idx[i] * p.rin[i];
    }
  }
  // Moves `count` steps along the innermost reduced axis (staying in it),
  // then carries into the outer axes when the innermost one is exhausted.
  void advance(int64_t count) {
    if (p.nr == 0) return;
    int i = p.nr - 1;
    idx[i] += count;
    off += count * p.rin[i];
    while (idx[i] == p.rshape[i] && i > 0) {
      off -= p.rshape[i] * p.rin[i];
      idx[i] = 0;
      --i;
      ++idx[i];
      off += p.rin[i];
    }
  }
  int64_t run_left() const { return p.nr == 0 ? 1 : p.rshape[p.nr - 1] - idx[p.nr - 1]; }
};

// ---------------------------------------------------------------------------
// Reducers. S is the input's storage type, C what it computes in. Each has
// step() for one element of a strided run and block() for a contiguous run
// of at most kBlock elements. block() loops are `omp simd` reductions: the
// pragma licenses per-lane partial results (reassociation), which is what
// lets them vectorize without -ffast-math.

// Sum in double with Neumaier compensation (an infinite or NaN total keeps
// its value rather than poisoning the correction).
struct Compensated {
  double s = 0, c = 0;
  void add(double v) {
    const double t = s + v;
    if (std::isfinite(t)) c += std::fabs(s) >= std::fabs(v) ? (s - t) + v : (v - t) + s;
    s = t;
  }
  double value() const { return s + c; }
};

template <typename S>
struct SumDouble {  // float sums, and the mean of every dtype
  using C = compute_t<S>;
  using Acc = Compensated;
  using Part = double;
  Part part(const Acc&) const { return 0.0; }
  void step(Part& p, C v, int64_t) const { p += double(v); }
  TSR_CPU_INLINE void block(Part& p, const S* x, int64_t n, int64_t) const {
    if constexpr (std::is_arithmetic_v<S> && !std::is_same_v<S, bool>) {
      p += sum_as_double(x, n);  // 8 partial sums: more in flight than one vector
    } else {
      double s = 0;
#pragma omp simd reduction(+ : s)
      for (int64_t i = 0; i < n; ++i) s += double(load_fast(x + i));
      p += s;
    }
  }
  void absorb(Acc& a, Part p) const { a.add(p); }
  void merge(Acc& a, const Acc& b) const {
    a.add(b.s);
    a.c += b.c;
  }
};

template <typename S>
inline uint64_t widen(compute_t<S> v) {
  if constexpr (std::is_same_v<S, bool>) return v ? 1u : 0u;
  else if constexpr (std::is_signed_v<S>) return uint64_t(int64_t(v));  // sign-extends
  else return uint64_t(v);
}

template <typename S>
struct SumWrap {  // integer and bool sums wrap modulo 2^64
  using C = compute_t<S>;
  using Acc = uint64_t;
  using Part = uint64_t;
  Part part(const Acc&) const { return 0; }
  void step(Part& p, C v, int64_t) const { p += widen<S>(v); }
  TSR_CPU_INLINE void block(Part& p, const S* x, int64_t n, int64_t) const {
    uint64_t s = 0;
#pragma omp simd reduction(+ : s)
    for (int64_t i = 0; i < n; ++i) s += widen<S>(load_fast(x + i));
    p += s;
  }
  void absorb(Acc& a, Part p) const { a += p; }
  void merge(Acc& a, const Acc& b) const { a += b; }
};

template <typename S>
struct ProdDouble {
  using C = compute_t<S>;
  using Acc = double;
  using Part = double;
  Part part(const Acc&) const { return 1.0; }
  void step(Part& p, C v, int64_t) const { p *= double(v); }
  TSR_CPU_INLINE void block(Part& p, const S* x, int64_t n, int64_t) const {
    double s = 1;
#pragma omp simd reduction(* : s)
    for (int64_t i = 0; i < n; ++i) s *= double(load_fast(x + i));
    p *= s;
  }
  void absorb(Acc& a, Part p) const { a *= p; }
  void merge(Acc& a, const Acc& b) const { a *= b; }
};

template <typename S>
struct ProdWrap {
  using C = compute_t<S>;
  using Acc = uint64_t;
  using Part = uint64_t;
  Part part(const Acc&) const { return 1; }
  void step(Part& p, C v, int64_t) const { p *= widen<S>(v); }
  TSR_CPU_INLINE void block(Part& p, const S* x, int64_t n, int64_t) const {
    for (int64_t i = 0; i < n; ++i) p *= widen<S>(load_fast(x + i));
  }
  void absorb(Acc& a, Part p) const { a *= p; }
  void merge(Acc& a, const Acc& b) const { a *= b; }
};

// The second pass of var/std: sums of d and d^2 with d = x - center. The sum
// of d corrects the rounding of the mean (the "corrected two-pass" formula).
struct CenteredSums {
  double center = 0, sd = 0, sd2 = 0;
};
template <typename S>
struct Centered {
  using C = compute_t<S>;
  using Acc = CenteredSums;
  using Part = CenteredSums;
  Part part(const Acc& a) const { return {a.center, 0, 0}; }
  void step(Part& p, C v, int64_t) const {
    const double d = double(v) - p.center;
    p.sd += d;
    p.sd2 += d * d;
  }
  TSR_CPU_INLINE void block(Part& p, const S* x, int64_t n, int64_t) const {
    const double c = p.center;
    double sd = 0, sd2 = 0;
#pragma omp simd reduction(+ : sd, sd2)
    for (int64_t i = 0; i < n; ++i) {
      const double d = double(load_fast(x + i)) - c;
      sd += d;
      sd2 += d * d;
    }
    p.sd += sd;
    p.sd2 += sd2;
  }
  void absorb(Acc& a, const Part& p) const {
    a.sd += p.sd;
    a.sd2 += p.sd2;
  }
  void merge(Acc& a, const Acc& b) const { absorb(a, b); }
};

template <typename C>
inline bool is_nan(C v) {
  if constexpr (std::is_floating_point_v<C>) return v != v;
  else return (void)v, false;
}

// The largest (kMax) or smallest element of a contiguous block, starting
// from `init`, and whether the block holds a NaN.
template <bool kMax, typename S>
TSR_CPU_INLINE compute_t<S> block_extreme(const S* x, int64_t n, compute_t<S> init, bool* has_nan) {
  using C = compute_t<S>;
  using R = std::conditional_t<std::is_same_v<C, bool>, int, C>;  // omp reductions need arithmetic
  R m = R(init);
  int nan = 0;
  if constexpr (kMax) {
#pragma omp simd reduction(max : m) reduction(| : nan)
    for (int64_t i = 0; i < n; ++i) {
      const R v = R(load_fast(x + i));
      m = v > m ? v : m;
      nan |= int(is_nan(v));
    }
  } else {
#pragma omp simd reduction(min : m) reduction(| : nan)
    for (int64_t i = 0; i < n; ++i) {
      const R v = R(load_fast(x + i));
      m = v < m ? v : m;
      nan |= int(is_nan(v));
    }
  }
  *has_nan = nan != 0;
  return C(m);
}

// min/max propagate NaN, like NumPy and the Array API.
template <typename S, bool kMax>
struct MinMax {
  using C = compute_t<S>;
  using Acc = C;
  using Part = C;
  static C identity() {
    if constexpr (std::is_same_v<C, bool>) return !kMax;
    else if constexpr (std::is_floating_point_v<C>)
      return kMax ? -std::numeric_limits<C>::infinity() : std::numeric_limits<C>::infinity();
    else return kMax ? std::numeric_limits<C>::lowest() : std::numeric_limits<C>::max();
  }
  Part part(const Acc&) const { return identity(); }
  void step(Part& p, C v, int64_t) const {
    if constexpr (std::is_floating_point_v<C>) p = ((kMax ? v > p : v < p) || v != v) ? v : p;
    else p = (kMax ? v > p : v < p) ? v : p;
  }
  TSR_CPU_INLINE void block(Part& p, const S* x, int64_t n, int64_t) const {
    bool nan = false;
    const C m = block_extreme<kMax>(x, n, p, &nan);
    if constexpr (std::is_floating_point_v<C>) p = nan ? std::numeric_limits<C>::quiet_NaN() : m;
    else p = m;
  }
  void absorb(Acc& a, Part p) const { step(a, p, 0); }
  void merge(Acc& a, const Acc& b) const { step(a, b, 0); }
};

// argmin/argmax: the first occurrence of the extreme; a NaN beats any number
// (the first NaN wins), like NumPy.
template <typename C>
struct BestAt {
  C best{};
  int64_t idx = -1;  // -1: nothing seen yet
};
template <typename S, bool kMax>
struct ArgMinMax {
  using C = compute_t<S>;
  using Acc = BestAt<C>;
  using Part = BestAt<C>;
  static bool better(C a, C b) {
    if (is_nan(b)) return false;
    return is_nan(a) || (kMax ? a > b : a < b);
  }
  Part part(const Acc&) const { return {}; }
  // Within a Part indices only grow, so a strict comparison keeps the first.
  void step(Part& p, C v, int64_t i) const {
    if (p.idx < 0 || better(v, p.best)) {
      p.best = v;
      p.idx = i;
    }
  }
  // The block's extreme (vectorized), then the first position holding it.
  TSR_CPU_INLINE void block(Part& p, const S* x, int64_t n, int64_t idx0) const {
    bool nan = false;
    const C m = block_extreme<kMax>(x, n, MinMax<S, kMax>::identity(), &nan);
    const int64_t i = nan ? first_match<true>(x, n, m) : first_match<false>(x, n, m);
    merge(p, Part{C(load_fast(x + i)), idx0 + i});
  }
  // The first i with x[i] == m (or x[i] NaN): 32-element chunks are tested
  // with a vectorized any-match (== and != are quiet compares, so they
  // vectorize), then only the chunk that matched is scanned.
  template <bool kNan>
  TSR_CPU_INLINE static int64_t first_match(const S* x, int64_t n, C m) {
    int64_t c = 0;
    for (; c + 32 <= n; c += 32) {
      int any = 0;
#pragma omp simd reduction(| : any)
      for (int64_t i = c; i < c + 32; ++i) {
        const C v = C(load_fast(x + i));
        any |= int(kNan ? v != v : v == m);
      }
      if (any) break;
    }
    int64_t i = c;
    for (; i + 1 < n; ++i) {
      const C v = C(load_fast(x + i));
      if (kNan ? v != v : v == m) break;
    }
    return i;
  }
  // Parts may come in any order (split chunks): ties go to the lower index.
  void merge(Acc& a, const Acc& b) const {
    if (b.idx < 0) return;
    if (a.idx < 0 || better(b.best, a.best) || (!better(a.best, b.best) && b.idx < a.idx)) a = b;
  }
  void absorb(Acc& a, const Part& p) const { merge(a, p); }
};

template <typename S, bool kAll>
struct AnyAll {
  using C = compute_t<S>;
  using Acc = bool;
  using Part = bool;
  Part part(const Acc&) const { return kAll; }
  void step(Part& p, C v, int64_t) const {
    if constexpr (kAll) p &= (v != C(0));
    else p |= (v != C(0));
  }
  TSR_CPU_INLINE void block(Part& p, const S* x, int64_t n, int64_t) const {
    int r = kAll;
    if constexpr (kAll) {
#pragma omp simd reduction(& : r)
      for (int64_t i = 0; i < n; ++i) r &= int(load_fast(x + i) != C(0));
    } else {
#pragma omp simd reduction(| : r)
      for (int64_t i = 0; i < n; ++i) r |= int(load_fast(x + i) != C(0));
    }
    absorb(p, r != 0);
  }
  void absorb(Acc& a, Part p) const { a = kAll ? (a && p) : (a || p); }
  void merge(Acc& a, const Acc& b) const { absorb(a, b); }
};

// ---------------------------------------------------------------------------
// Accumulation of one run of n elements, byte stride `stride`, whose first
// element has reduced index idx0.
template <typename S, typename Red>
TSR_CPU_INLINE void feed(const Red& red, typename Red::Acc& acc, const char* ptr, int64_t stride,
                         int64_t n, int64_t idx0) {
  using Part = typename Red::Part;
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t m = std::min(kBlock, n - b);
    Part part = red.part(acc);
    if (stride == int64_t(sizeof(S))) {
      red.block(part, reinterpret_cast<const S*>(ptr) + b, m, idx0 + b);
    } else {
      for (int64_t i = 0; i < m; ++i)
        red.step(part, load_fast(reinterpret_cast<const S*>(ptr + (b + i) * stride)), idx0 + b + i);
    }
    red.absorb(acc, part);
  }
}

// One output's reduced positions [r0, r1), its input starting at byte `base`.
template <typename S, typename Red>
TSR_CPU_INLINE void sweep(const Plan& p, const Red& red, typename Red::Acc& acc, int64_t base,
                          int64_t r0, int64_t r1) {
  if (r0 >= r1) return;
  RCursor rc(p, r0);
  const int64_t stride = p.nr ? p.rin[p.nr - 1] : 0;
  for (int64_t r = r0; r < r1;) {
    const int64_t n = std::min(rc.run_left(), r1 - r);
    feed<S>(red, acc, p.in + base + rc.off, stride, n, r);
    r += n;
    if (r < r1) rc.advance(n);
  }
}

// Outputs [o0, o1) (one tile) over reduced positions [r0, r1) into acc[].
// The hot loop of every reduction: multiversioned (AVX2 where available).
template <typename S, typename Red>
TSR_CPU_MULTIVERSION void accumulate_tile(const Plan& p, const Red& red, int64_t o0, int64_t o1,
                                          int64_t r0, int64_t r1, typename Red::Acc* acc) {
  if (r0 >= r1) return;
  KCursor kc(p, o0);
  if (!p.columns) {
    for (int64_t o = o0; o < o1; ++o, kc.next()) sweep<S>(p, red, acc[o - o0], kc.in, r0, r1);
    return;
  }
  // Columns: the tile lies along the innermost kept axis (contiguous input).
  using Part = typename Red::Part;
  const int64_t width = o1 - o0;
  Part part[kColumnTile];
  for (int64_t rb = r0; rb < r1; rb += kBlock) {
    const int64_t re = std::min(r1, rb + kBlock);
    for (int64_t j = 0; j < width; ++j) part[j] = red.part(acc[j]);
    RCursor rc(p, rb);
    const char* base = p.in + kc.in;
    int64_t r = rb;
    // Four rows per pass over the tile: each part[j] is loaded and stored
    // once per four elements; steps stay in row order (argmin/argmax).
    for (; r + 4 <= re; r += 4) {
      const S* x[4];
      for (int k = 0; k < 4; ++k) {
        x[k] = reinterpret_cast<const S*>(base + rc.off);
        if (r + k + 1 < re) rc.advance(1);
      }
#pragma omp simd
      for (int64_t j = 0; j < width; ++j) {
        red.step(part[j], load_fast(x[0] + j), r);
        red.step(part[j], load_fast(x[1] + j), r + 1);
        red.step(part[j], load_fast(x[2] + j), r + 2);
        red.step(part[j], load_fast(x[3] + j), r + 3);
      }
    }
    for (; r < re; ++r) {
      const S* x = reinterpret_cast<const S*>(base + rc.off);
#pragma omp simd
      for (int64_t j = 0; j < width; ++j) red.step(part[j], load_fast(x + j), r);
      if (r + 1 < re) rc.advance(1);
    }
    for (int64_t j = 0; j < width; ++j) red.absorb(acc[j], part[j]);
  }
}

// Runs `red` over every output: init(o) gives output o's starting Acc,
// finish(o, out_ptr, acc) stores its result.
template <typename S, typename Red, typename Init, typename Finish>
void drive(const Plan& p, const Red& red, Init&& init, Finish&& finish) {
  using Acc = typename Red::Acc;
  if (p.O == 0) return;
  const int threads = omp_get_max_threads();
  const bool parallel = threads > 1 && p.O * std::max<int64_t>(p.L, 1) >= 2 * kParallelGrain;
  // Tiles: consecutive outputs that never cross a row of `width` outputs.
  const int64_t width = p.columns ? p.kshape[p.nk - 1] : p.O;
  const int64_t rows = p.O / width;
  int64_t tile = p.columns ? std::min(width, kColumnTile)
                           : std::clamp<int64_t>(p.O / (int64_t(threads) * 4), 1, kRowTile);
  if (p.columns && parallel)
    while (tile > 16 && rows * ((width + tile - 1) / tile) < int64_t(threads) * 2)
      tile = (tile + 1) / 2;
  const int64_t per_row = (width + tile - 1) / tile;
  const int64_t ntiles = rows * per_row;
  auto tile_range = [&](int64_t t, int64_t* o0, int64_t* o1) {
    const int64_t row = t / per_row, start = row * width + (t % per_row) * tile;
    *o0 = start;
    *o1 = std::min(start + tile, row * width + width);
  };
  auto finish_range = [&](int64_t o0, int64_t o1, const Acc* acc) {
    KCursor kc(p, o0);
    for (int64_t o = o0; o < o1; ++o, kc.next()) finish(o, p.out + kc.out, acc[o - o0]);
  };

  if (parallel && ntiles < threads && p.O <= kSplitMaxOutputs && p.L >= 2 * kParallelGrain) {
    // Split: each chunk of the reduced range accumulates every output.
    const int64_t chunks = std::min<int64_t>(threads, p.L / kParallelGrain);
    std::unique_ptr<Acc[]> parts(new Acc[size_t(chunks * p.O)]);  // not vector: Acc may be bool
#pragma omp parallel for schedule(static)
    for (int64_t c = 0; c < chunks; ++c) {
      Acc* a = parts.get() + c * p.O;
      for (int64_t o = 0; o < p.O; ++o) a[o] = init(o);
      const int64_t r0 = p.L * c / chunks, r1 = p.L * (c + 1) / chunks;
      for (int64_t t = 0; t < ntiles; ++t) {
        int64_t o0, o1;
        tile_range(t, &o0, &o1);
        accumulate_tile<S>(p, red, o0, o1, r0, r1, a + o0);
      }
    }
    for (int64_t c = 1; c < chunks; ++c)
      for (int64_t o = 0; o < p.O; ++o) red.merge(parts[size_t(o)], parts[size_t(c * p.O + o)]);
    finish_range(0, p.O, parts.get());
    return;
  }

#pragma omp parallel for schedule(dynamic, 1) if (parallel)
  for (int64_t t = 0; t < ntiles; ++t) {
    int64_t o0, o1;
    tile_range(t, &o0, &o1);
    Acc acc[kColumnTile];
    for (int64_t o = o0; o < o1; ++o) acc[o - o0] = init(o);
    accumulate_tile<S>(p, red, o0, o1, 0, p.L, acc);
    finish_range(o0, o1, acc);
  }
}

// ---------------------------------------------------------------------------
// Ops: pick the reducer, the result type, and how a result is stored.

template <typename T> constexpr tsr_dtype dtype_of();
template <> constexpr tsr_dtype dtype_of<bool>() { return TSR_BOOL; }
template <> constexpr tsr_dtype dtype_of<int8_t>() { return TSR_INT8; }
template <> constexpr tsr_dtype dtype_of<int16_t>() { return TSR_INT16; }
template <> constexpr tsr_dtype dtype_of<int32_t>() { return TSR_INT32; }
template <> constexpr tsr_dtype dtype_of<int64_t>() { return TSR_INT64; }
template <> constexpr tsr_dtype dtype_of<uint8_t>() { return TSR_UINT8; }
template <> constexpr tsr_dtype dtype_of<uint16_t>() { return TSR_UINT16; }
template <> constexpr tsr_dtype dtype_of<uint32_t>() { return TSR_UINT32; }
template <> constexpr tsr_dtype dtype_of<uint64_t>() { return TSR_UINT64; }
template <> constexpr tsr_dtype dtype_of<float16>() { return TSR_FLOAT16; }
template <> constexpr tsr_dtype dtype_of<bfloat16>() { return TSR_BFLOAT16; }
template <> constexpr tsr_dtype dtype_of<float>() { return TSR_FLOAT32; }
template <> constexpr tsr_dtype dtype_of<double>() { return TSR_FLOAT64; }

// Runs `red` with results of storage type Out; value(o, acc) gives each
// result in Out's compute type.
template <typename S, typename Out, typename Red, typename Init, typename Value>
void reduce_into(const OpCall& c, const Plan& p, const Red& red, Init&& init, Value&& value) {
  TSR_CHECK(c.out.dtype == dtype_of<Out>(), TSR_ERROR_INTERNAL,
            "%s: output dtype %s, kernel expects %s", c.name, dtype_name(c.out.dtype),
            dtype_name(dtype_of<Out>()));
  drive<S>(p, red, init, [&](int64_t o, char* out, const typename Red::Acc& a) {
    store(reinterpret_cast<Out*>(out), compute_t<Out>(value(o, a)));
  });
}

template <typename Red>
auto fresh() {
  return [](int64_t) { return typename Red::Acc{}; };
}

template <typename S>
void var_std(const OpCall& c, const Plan& p, bool take_sqrt) {
  using Out = std::conditional_t<is_float_v<S>, S, float>;
  // Pass 1: the mean of every output.
  std::vector<double> mean(size_t(p.O));
  const double n = double(p.L);
  drive<S>(p, SumDouble<S>{}, fresh<SumDouble<S>>(),
           [&](int64_t o, char*, const Compensated& a) { mean[size_t(o)] = a.value() / n; });
  // Pass 2: centered sums; var = (sum d^2 - (sum d)^2 / n) / (n - correction),
  // NaN when n - correction <= 0 (Array API).
  const double denom = n - c.scalar[0];
  reduce_into<S, Out>(
      c, p, Centered<S>{}, [&](int64_t o) { return CenteredSums{mean[size_t(o)], 0, 0}; },
      [&](int64_t, const CenteredSums& a) {
        if (!(denom > 0)) return std::numeric_limits<double>::quiet_NaN();
        const double m2 = std::max(a.sd2 - a.sd * a.sd / n, 0.0);
        const double v = m2 / denom;
        return take_sqrt ? std::sqrt(v) : v;
      });
}

template <typename S>
void reduce_typed(const OpCall& c) {
  using C = compute_t<S>;
  constexpr bool kFloat = is_float_v<S>;
  using SumOut = std::conditional_t<kFloat, S,
                                    std::conditional_t<std::is_unsigned_v<S> &&
                                                           !std::is_same_v<S, bool>,
                                                       uint64_t, int64_t>>;
  using MeanOut = std::conditional_t<kFloat, S, float>;
  const bool arg = c.code == TSR_ARGMIN || c.code == TSR_ARGMAX;
  const Plan p = make_plan(c, arg);
  switch (c.code) {
    case TSR_SUM:
      if constexpr (kFloat)
        return reduce_into<S, SumOut>(c, p, SumDouble<S>{}, fresh<SumDouble<S>>(),
                                      [](int64_t, const Compensated& a) { return a.value(); });
      else
        return reduce_into<S, SumOut>(c, p, SumWrap<S>{}, fresh<SumWrap<S>>(),
                                      [](int64_t, uint64_t a) { return SumOut(a); });
    case TSR_PROD:
      if constexpr (kFloat)
        return reduce_into<S, SumOut>(c, p, ProdDouble<S>{}, [](int64_t) { return 1.0; },
                                      [](int64_t, double a) { return a; });
      else
        return reduce_into<S, SumOut>(c, p, ProdWrap<S>{}, [](int64_t) { return uint64_t(1); },
                                      [](int64_t, uint64_t a) { return SumOut(a); });
    case TSR_MEAN: {
      const double n = double(p.L);  // 0 / 0 gives NaN for an empty mean
      return reduce_into<S, MeanOut>(c, p, SumDouble<S>{}, fresh<SumDouble<S>>(),
                                     [n](int64_t, const Compensated& a) { return a.value() / n; });
    }
    case TSR_VAR: return var_std<S>(c, p, false);
    case TSR_STD: return var_std<S>(c, p, true);
    case TSR_MIN:
      return reduce_into<S, S>(c, p, MinMax<S, false>{},
                               [](int64_t) { return MinMax<S, false>::identity(); },
                               [](int64_t, C a) { return a; });
    case TSR_MAX:
      return reduce_into<S, S>(c, p, MinMax<S, true>{},
                               [](int64_t) { return MinMax<S, true>::identity(); },
                               [](int64_t, C a) { return a; });
    case TSR_ARGMIN:
      return reduce_into<S, int64_t>(c, p, ArgMinMax<S, false>{}, fresh<ArgMinMax<S, false>>(),
                                     [](int64_t, const BestAt<C>& a) { return a.idx; });
    case TSR_ARGMAX:
      return reduce_into<S, int64_t>(c, p, ArgMinMax<S, true>{}, fresh<ArgMinMax<S, true>>(),
                                     [](int64_t, const BestAt<C>& a) { return a.idx; });
    case TSR_ANY:
      return reduce_into<S, bool>(c, p, AnyAll<S, false>{}, [](int64_t) { return false; },
                                  [](int64_t, bool a) { return a; });
    case TSR_ALL:
      return reduce_into<S, bool>(c, p, AnyAll<S, true>{}, [](int64_t) { return true; },
                                  [](int64_t, bool a) { return a; });
    default: fail(TSR_ERROR_UNSUPPORTED, "%s: reduce op %d has no CPU kernel", c.name, c.code);
  }
}

}  // namespace

void run_reduce(const OpCall& call) {
  TSR_CHECK(call.n_in == 1 && call.in[0].ndim == call.out.ndim, TSR_ERROR_INTERNAL,
            "%s: the output must arrive in keepdims form", call.name);
  dispatch(call.in[0].dtype, [&](auto s) { reduce_typed<decltype(s)>(call); });
}

}  // namespace tsr::cpu
