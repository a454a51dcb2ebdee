#include "support/reference.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "core/half.h"

namespace tsrtest {

std::mt19937_64& rng() {
  static std::mt19937_64* engine = [] {
    uint64_t seed = std::random_device{}();
    if (const char* env = std::getenv("TESSERA_TEST_SEED")) seed = std::strtoull(env, nullptr, 10);
    std::cerr << "[tessera tests] TESSERA_TEST_SEED=" << seed << "\n";
    return new std::mt19937_64(seed);
  }();
  return *engine;
}

int64_t Host::numel() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

int64_t dtype_bytes(tsr_dtype d) {
  int64_t b = 0;
  tsr_dtype_size(d, &b);
  return b;
}
bool is_float(tsr_dtype d) {
  return d == TSR_FLOAT16 || d == TSR_BFLOAT16 || d == TSR_FLOAT32 || d == TSR_FLOAT64;
}
bool is_int(tsr_dtype d) { return d >= TSR_INT8 && d <= TSR_UINT64; }
std::vector<tsr_dtype> all_dtypes() {
  std::vector<tsr_dtype> v;
  for (int d = 0; d < TSR_DTYPE_COUNT; ++d) v.push_back(tsr_dtype(d));
  return v;
}
std::string shape_str(const std::vector<int64_t>& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? "," : "") + std::to_string(s[i]);
  return r + "]";
}

double round_to(double v, tsr_dtype d) {
  switch (d) {
    case TSR_FLOAT16: return tsr::to_float(tsr::to_float16(float(v)));
    case TSR_BFLOAT16: return tsr::to_float(tsr::to_bfloat16(float(v)));
    case TSR_FLOAT32: return double(float(v));
    case TSR_BOOL: return v != 0 ? 1 : 0;
    default: return v;
  }
}

Host random_host(const std::vector<int64_t>& shape, tsr_dtype dtype, double lo, double hi) {
  Host h;
  h.shape = shape;
  h.data.resize(size_t(h.numel()));
  auto& g = rng();
  for (auto& v : h.data) {
    if (dtype == TSR_BOOL) {
      v = double(g() & 1);
    } else if (is_int(dtype)) {
      double l = lo, u = hi;
      if (dtype >= TSR_UINT8 && l < 0) l = 0;
      std::uniform_int_distribution<int64_t> dist(int64_t(std::ceil(l)), int64_t(std::floor(u)));
      v = double(dist(g));
    } else {
      std::uniform_real_distribution<double> dist(lo, hi);
      v = round_to(dist(g), dtype);
    }
  }
  return h;
}

template <typename T>
static void put(void* p, double v) {
  T x = T(v);
  std::memcpy(p, &x, sizeof(T));
}

static void encode(void* p, double v, tsr_dtype d) {
  switch (d) {
    case TSR_BOOL: *static_cast<uint8_t*>(p) = v != 0; break;
    case TSR_INT8: put<int8_t>(p, v); break;
    case TSR_INT16: put<int16_t>(p, v); break;
    case TSR_INT32: put<int32_t>(p, v); break;
    case TSR_INT64: put<int64_t>(p, v); break;
    case TSR_UINT8: put<uint8_t>(p, v); break;
    case TSR_UINT16: put<uint16_t>(p, v); break;
    case TSR_UINT32: put<uint32_t>(p, v); break;
    case TSR_UINT64: put<uint64_t>(p, v); break;
    case TSR_FLOAT16: put<uint16_t>(p, tsr::to_float16(float(v)).bits); break;
    case TSR_BFLOAT16: put<uint16_t>(p, tsr::to_bfloat16(float(v)).bits); break;
    case TSR_FLOAT32: put<float>(p, v); break;
    case TSR_FLOAT64: put<double>(p, v); break;
    default: break;
  }
}

template <typename T>
static double get(const void* p) {
  T x;
  std::memcpy(&x, p, sizeof(T));
  return double(x);
}

static double decode(const void* p, tsr_dtype d) {
  switch (d) {
    case TSR_BOOL: return *static_cast<const uint8_t*>(p) != 0;
    case TSR_INT8: return get<int8_t>(p);
    case TSR_INT16: return get<int16_t>(p);
    case TSR_INT32: return get<int32_t>(p);
    case TSR_INT64: return get<int64_t>(p);
    case TSR_UINT8: return get<uint8_t>(p);
    case TSR_UINT16: return get<uint16_t>(p);
    case TSR_UINT32: return get<uint32_t>(p);
    case TSR_UINT64: return get<uint64_t>(p);
    case TSR_FLOAT16: return tsr::to_float(tsr::float16{uint16_t(get<uint16_t>(p))});
    case TSR_BFLOAT16: return tsr::to_float(tsr::bfloat16{uint16_t(get<uint16_t>(p))});
    case TSR_FLOAT32: return get<float>(p);
    case TSR_FLOAT64: return get<double>(p);
    default: return NAN;
  }
}

tsr_tensor upload(tsr_context ctx, const Host& h, tsr_dtype dtype) {
  const int64_t es = dtype_bytes(dtype);
  std::vector<unsigned char> bytes(size_t(h.numel() * es) + 1);
  for (int64_t i = 0; i < h.numel(); ++i) encode(bytes.data() + i * es, h.data[size_t(i)], dtype);
  tsr_tensor t = nullptr;
  tsr_status st = tsr_tensor_from_host(ctx, bytes.data(), h.numel() * es, h.shape.data(),
                                       int32_t(h.shape.size()), dtype, nullptr, &t);
  EXPECT_EQ(st, TSR_OK) << tsr_last_error_message();
  return t;
}

Host download(tsr_tensor t) {
  Host h;
  int32_t nd = 0;
  EXPECT_EQ(tsr_tensor_ndim(t, &nd), TSR_OK) << tsr_last_error_message();
  h.shape.resize(size_t(nd));
  tsr_tensor_shape(t, h.shape.data());
  tsr_dtype dt = TSR_FLOAT32;
  tsr_tensor_dtype(t, &dt);
  int64_t bytes = 0;
  tsr_tensor_nbytes(t, &bytes);
  std::vector<unsigned char> buf(size_t(bytes) + 1);
  tsr_status st = tsr_tensor_to_host(t, buf.data(), bytes, nullptr);
  EXPECT_EQ(st, TSR_OK) << tsr_last_error_message();
  const int64_t es = dtype_bytes(dt);
  h.data.resize(size_t(h.numel()));
  for (int64_t i = 0; i < h.numel(); ++i) h.data[size_t(i)] = decode(buf.data() + i * es, dt);
  return h;
}

std::vector<int64_t> broadcast_shape(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  size_t n = std::max(a.size(), b.size());
  std::vector<int64_t> out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i + a.size() >= n ? a[i + a.size() - n] : 1;
    int64_t db = i + b.size() >= n ? b[i + b.size() - n] : 1;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

double broadcast_at(const Host& h, const std::vector<int64_t>& shape, int64_t linear) {
  // Decompose `linear` over `shape`, then map onto h (trailing alignment).
  int64_t offset = 0, stride = 1;
  const size_t n = shape.size(), m = h.shape.size();
  for (size_t k = 0; k < n; ++k) {
    size_t i = n - 1 - k;
    int64_t idx = linear % shape[i];
    linear /= shape[i];
    if (k < m) {
      size_t j = m - 1 - k;
      if (h.shape[j] != 1) offset += idx * stride;
      stride *= h.shape[j];
    }
  }
  return h.data[size_t(offset)];
}

double tolerance(tsr_dtype d) {
  switch (d) {
    case TSR_FLOAT16: return 2e-3;
    case TSR_BFLOAT16: return 1.6e-2;
    case TSR_FLOAT32: return 2e-5;
    case TSR_FLOAT64: return 1e-12;
    default: return 0;
  }
}

::testing::AssertionResult all_close(const Host& got, const std::vector<double>& want, double tol) {
  return all_close(got, want, tol, std::vector<double>(want.size(), 0.0));
}

::testing::AssertionResult all_close(const Host& got, const std::vector<double>& want, double tol,
                                     const std::vector<double>& slack) {
  if (slack.size() != want.size())
    return ::testing::AssertionFailure() << "allowance size " << slack.size() << " != " << want.size();
  if (got.data.size() != want.size())
    return ::testing::AssertionFailure()
           << "size " << got.data.size() << " != expected " << want.size();
  int bad = 0;
  ::testing::AssertionResult r = ::testing::AssertionFailure();
  for (size_t i = 0; i < want.size(); ++i) {
    double g = got.data[i], w = want[i];
    bool ok = (std::isnan(w) && std::isnan(g)) || (std::isinf(w) && g == w) ||
              std::fabs(g - w) <= tol * (1 + std::fabs(w)) + slack[i];
    if (!ok && bad++ < 5) r << "\n  [" << i << "] got " << g << " expected " << w;
  }
  if (bad == 0) return ::testing::AssertionSuccess();
  r << "\n  " << bad << " of " << want.size() << " elements differ (tol " << tol;
  if (std::any_of(slack.begin(), slack.end(), [](double v) { return v != 0; }))
    r << ", plus a per-element allowance";
  return r << ")";
}

}  // namespace tsrtest
