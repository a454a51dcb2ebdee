#include "support/backends.h"

#include <cstdlib>
#include <sstream>

#include "support/reference.h"

namespace tsrtest {

static bool wanted(const std::string& name) {
  const char* env = std::getenv("TESSERA_TEST_BACKENDS");
  if (!env || !*env) return true;
  std::stringstream ss(env);
  std::string item;
  while (std::getline(ss, item, ','))
    if (item == name) return true;
  return false;
}

std::vector<Backend> backends_under_test() {
  std::vector<Backend> out;
  const std::pair<tsr_device_kind, const char*> kinds[] = {
      {TSR_DEVICE_CPU, "cpu"}, {TSR_DEVICE_CUDA, "cuda"}, {TSR_DEVICE_HIP, "hip"},
      {TSR_DEVICE_OPENCL, "opencl"}};
  for (const auto& [kind, name] : kinds) {
    int32_t available = 0;
    if (tsr_backend_available(kind, &available, nullptr) != TSR_OK || !available) continue;
    if (wanted(name)) out.push_back({kind, name});
  }
  return out;
}

std::string backend_param_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param.name;
}

void BackendTest::SetUp() {
  tsr_context_options o{};
  o.size = sizeof(o);
  o.device_kind = GetParam().kind;
  // TESSERA_TEST_DEFAULT_STREAM_FLAGS=2 runs the suite with every op on a
  // default stream that has a submission thread (scripts/gpu_run.sh).
  if (const char* f = std::getenv("TESSERA_TEST_DEFAULT_STREAM_FLAGS"))
    o.default_stream_flags = uint32_t(std::strtoul(f, nullptr, 0));
  ASSERT_TSR_OK(tsr_context_create(&o, &ctx));
  tsr_device dev = nullptr;
  ASSERT_TSR_OK(tsr_context_get_device(ctx, &dev));
  tsr_device_info info{};
  info.size = sizeof(info);
  ASSERT_TSR_OK(tsr_device_get_info(dev, &info));
  supports_float64 = info.supports_float64;
  supports_float16 = info.supports_float16;
}

void BackendTest::TearDown() {
  if (ctx) {
    EXPECT_TSR_OK(tsr_context_synchronize(ctx));
    tsr_context_release(ctx);
  }
}

}  // namespace tsrtest
