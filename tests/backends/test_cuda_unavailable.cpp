// On a machine without an NVIDIA driver or GPU (CI), the CUDA plugin still
// loads, refuses to start with a clear reason, and a CUDA context request
// fails with TSR_ERROR_DEVICE_UNAVAILABLE carrying that reason. Runs only
// where the plugin was built and no GPU answered; elsewhere it says why it
// did not run.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <sstream>
#include <string>

#include "support/reference.h"
#include "tessera/tessera.h"

namespace {

// Where the registry looks for plugins: TESSERA_BACKEND_PATH, then the
// folder of libtessera.so.
bool cuda_plugin_file_exists(std::string* where) {
  std::string dirs;
  if (const char* env = std::getenv("TESSERA_BACKEND_PATH")) dirs = env;
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&tsr_version), &info) && info.dli_fname) {
    std::string lib = info.dli_fname;
    auto slash = lib.rfind('/');
    if (slash != std::string::npos) dirs += ":" + lib.substr(0, slash);
  }
  std::stringstream ss(dirs);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) continue;
    std::string path = dir + "/libtessera_cuda.so";
    struct stat st {};
    if (stat(path.c_str(), &st) == 0) {
      *where = path;
      return true;
    }
  }
  return false;
}

}  // namespace

TEST(CudaUnavailable, ContextRequestGivesDeviceUnavailableWithReason) {
  std::string plugin;
  if (!cuda_plugin_file_exists(&plugin))
    GTEST_SKIP() << "libtessera_cuda.so was not built (configure with -DTESSERA_WITH_CUDA=ON)";
  int32_t available = -1;
  const char* reason = nullptr;
  ASSERT_TSR_OK(tsr_backend_available(TSR_DEVICE_CUDA, &available, &reason));
  if (available)
    GTEST_SKIP() << "a CUDA GPU is present: the op suite covers the CUDA backend here";
  ASSERT_NE(reason, nullptr);
  const std::string why = reason;
  // The plugin itself loaded and refused (not a dlopen failure), naming CUDA.
  EXPECT_NE(why.find(plugin), std::string::npos) << why;
  EXPECT_EQ(why.find("not found"), std::string::npos) << why;
  EXPECT_NE(why.find("CUDA"), std::string::npos) << why;

  tsr_context_options o{};
  o.size = sizeof(o);
  o.device_kind = TSR_DEVICE_CUDA;
  tsr_context ctx = reinterpret_cast<tsr_context>(uintptr_t(0x1234));  // must stay untouched
  EXPECT_TSR_ERROR(tsr_context_create(&o, &ctx), TSR_ERROR_DEVICE_UNAVAILABLE, "tsr_context_create");
  EXPECT_EQ(ctx, reinterpret_cast<tsr_context>(uintptr_t(0x1234)));
  EXPECT_NE(std::string(tsr_last_error_message()).find(why), std::string::npos)
      << tsr_last_error_message();

  // The CPU still works, and TSR_DEVICE_BEST picks it.
  o.device_kind = TSR_DEVICE_BEST;
  ASSERT_TSR_OK(tsr_context_create(&o, &ctx));
  tsr_device dev = nullptr;
  tsr_device_info info{};
  info.size = sizeof(info);
  ASSERT_TSR_OK(tsr_context_get_device(ctx, &dev));
  ASSERT_TSR_OK(tsr_device_get_info(dev, &info));
  EXPECT_EQ(info.kind, TSR_DEVICE_CPU);
  tsr_context_release(ctx);
}
