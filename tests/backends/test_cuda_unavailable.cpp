// On a machine without an NVIDIA driver or GPU (CI), the CUDA plugin still
// loads, refuses to start with a clear reason, and a CUDA context request
// fails with TSR_ERROR_DEVICE_UNAVAILABLE carrying that reason. Runs only
// where the plugin was built and no GPU answered; elsewhere it says why it
// did not run.
#include "backends/plugin_unavailable.h"

using namespace tsrtest;

TEST(CudaUnavailable, ContextRequestGivesDeviceUnavailableWithReason) {
  std::string plugin;
  if (!find_plugin_file("libtessera_cuda.so", &plugin))
    GTEST_SKIP() << "libtessera_cuda.so was not built (configure with -DTESSERA_WITH_CUDA=ON)";
  const std::string why = unavailable_reason(TSR_DEVICE_CUDA);
  if (why.empty()) GTEST_SKIP() << "a CUDA GPU is present: the op suite covers the CUDA backend here";
  expect_refused_plugin(TSR_DEVICE_CUDA, plugin, "CUDA", why);
}
