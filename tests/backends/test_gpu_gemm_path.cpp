// The GEMM path of a GPU context (docs/hip.md): TESSERA_CUDA_GEMM (on HIP
// TESSERA_HIP_GEMM) is read when a context is created; "tiled" puts every
// matmul and linear on the project's own kernel, a value the build cannot
// honour is refused at context creation. A tiled context and a default
// one agree with a float64 reference on the same inputs. Runs on GPU
// machines only (the whole GPU suite can also run tiled: scripts/gpu_run.sh).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "backends/gpu_compare.h"

using namespace tsrtest;

namespace {

// Sets an environment variable for a scope and restores what was there.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) {
      had_ = true;
      old_ = old;
    }
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (had_) setenv(name_.c_str(), old_.c_str(), 1);
    else unsetenv(name_.c_str());
  }

 private:
  std::string name_, old_;
  bool had_ = false;
};

const char* gemm_env(tsr_device_kind kind) {
  return kind == TSR_DEVICE_HIP ? "TESSERA_HIP_GEMM" : "TESSERA_CUDA_GEMM";
}

}  // namespace

class GpuGemmPath : public BackendTest {
 protected:
  tsr_status open(const char* value, tsr_context* out) {
    ScopedEnv env(gemm_env(GetParam().kind), value);
    tsr_context_options o{};
    o.size = sizeof(o);
    o.device_kind = GetParam().kind;
    return tsr_context_create(&o, out);
  }
};

TEST_P(GpuGemmPath, ValuesTheBuildCannotHonourAreRefused) {
  std::vector<std::string> bad = {"bogus", "TILED", " tiled"};
  if (GetParam().kind == TSR_DEVICE_HIP) bad.push_back("blas");  // no vendor BLAS in the HIP build
  for (const std::string& v : bad) {
    tsr_context c = reinterpret_cast<tsr_context>(uintptr_t(0x5678));
    EXPECT_TSR_ERROR(open(v.c_str(), &c), TSR_ERROR_INVALID_ARGUMENT,
                     std::string(gemm_env(GetParam().kind)) + "=" + v);
    EXPECT_EQ(c, reinterpret_cast<tsr_context>(uintptr_t(0x5678))) << v;
  }
  for (const char* v : {"tiled", ""}) {
    tsr_context c = nullptr;
    EXPECT_EQ(open(v, &c), TSR_OK) << "'" << v << "': " << tsr_last_error_message();
    tsr_context_release(c);
  }
}

TEST_P(GpuGemmPath, TiledAndDefaultContextsAgreeWithTheReference) {
  tsr_context tiled = nullptr;
  ASSERT_TSR_OK(open("tiled", &tiled));
  for (tsr_dtype d : {TSR_FLOAT32, TSR_FLOAT16, TSR_BFLOAT16, TSR_FLOAT64}) {
    // linear(x [M, K], w [N, K], bias [N], GELU): the matmul, the bias and
    // the activation of both paths.
    const int64_t M = 67, K = 130, N = 45;
    Host hx = random_host({M, K}, d, -1, 1), hw = random_host({N, K}, d, -1, 1), hb = random_host({N}, d, -1, 1);
    std::vector<double> want(size_t(M * N)), scale(size_t(M * N));
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        double s = hb.data[size_t(j)], sc = 1 + std::fabs(s);
        for (int64_t k = 0; k < K; ++k) {
          const double p = hx.data[size_t(i * K + k)] * hw.data[size_t(j * K + k)];
          s += p;
          sc += std::fabs(p);
        }
        want[size_t(i * N + j)] = 0.5 * s * (1 + std::tanh(0.7978845608028654 * (s + 0.044715 * s * s * s)));
        scale[size_t(i * N + j)] = sc;
      }
    for (tsr_context c : {ctx, tiled}) {
      TensorGuard x(upload(c, hx, d)), w(upload(c, hw, d)), b(upload(c, hb, d)), y;
      ASSERT_TSR_OK(tsr_linear(x, w, b, TSR_ACTIVATION_GELU, nullptr, y.out()));
      const Host got = download(y);
      ASSERT_EQ(got.data.size(), want.size());
      int bad = 0;
      for (size_t i = 0; i < want.size(); ++i)
        if (!(std::fabs(got.data[i] - want[i]) <= tolerance(d) * scale[i]) && bad++ < 3)
          ADD_FAILURE() << (c == tiled ? "tiled" : "default") << " " << tsr_dtype_name(d) << " [" << i
                        << "] got " << got.data[i] << " want " << want[i];
      EXPECT_EQ(bad, 0) << (c == tiled ? "tiled" : "default") << " " << tsr_dtype_name(d);
    }
  }
  tsr_context_release(tiled);
}

TSR_INSTANTIATE_GPU_BACKENDS(GpuGemmPath);
