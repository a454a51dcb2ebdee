// On a machine without an AMD GPU (every machine this project tests on), the
// HIP plugin loads, the ROCm runtime initializes without crashing, the
// plugin refuses to start with a reason naming the failed HIP call, and a
// HIP context request fails with TSR_ERROR_DEVICE_UNAVAILABLE carrying that
// reason. Runs where libtessera_hip.so was built (-DTESSERA_WITH_HIP=ON)
// and no AMD GPU answered; elsewhere it says why it did not run.
#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "backends/plugin_unavailable.h"
#include "core/backend.h"

using namespace tsrtest;

namespace {

// The plugin's path, or "" with the reason the test cannot run here.
std::string hip_plugin_or_skip_reason(std::string* skip) {
  std::string plugin;
  if (!find_plugin_file("libtessera_hip.so", &plugin)) {
    *skip = "libtessera_hip.so was not built (configure with -DTESSERA_WITH_HIP=ON)";
    return "";
  }
  if (unavailable_reason(TSR_DEVICE_HIP).empty()) {
    *skip = "an AMD GPU is present: the GPU op suite covers the HIP backend here";
    return "";
  }
  return plugin;
}

tsr::BackendEntryFn entry_of(void* lib) {
  return reinterpret_cast<tsr::BackendEntryFn>(dlsym(lib, "tessera_backend_entry"));
}

}  // namespace

TEST(HipUnavailable, ContextRequestGivesDeviceUnavailableWithReason) {
  std::string skip;
  const std::string plugin = hip_plugin_or_skip_reason(&skip);
  if (plugin.empty()) GTEST_SKIP() << skip;
  const std::string why = unavailable_reason(TSR_DEVICE_HIP);
  // The reason names the HIP call that failed and its error, or says that
  // the runtime found no device.
  EXPECT_TRUE(why.find("hipGetDeviceCount failed with hip") != std::string::npos ||
              why.find("reports no devices") != std::string::npos)
      << why;
  // And says what the system lacks when the kernel driver's node is missing.
  if (access("/dev/kfd", F_OK) != 0) {
    EXPECT_NE(why.find("/dev/kfd does not exist"), std::string::npos) << why;
  }
  expect_refused_plugin(TSR_DEVICE_HIP, plugin, "HIP", why);
}

TEST(HipUnavailable, EntryRefusesAgainAndChecksTheApiVersion) {
  std::string skip;
  const std::string plugin = hip_plugin_or_skip_reason(&skip);
  if (plugin.empty()) GTEST_SKIP() << skip;
  // The same handle the registry holds (dlopen counts references).
  void* lib = dlopen(plugin.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(lib, nullptr) << dlerror();
  tsr::BackendEntryFn entry = entry_of(lib);
  ASSERT_NE(entry, nullptr) << "no tessera_backend_entry in " << plugin;
  tsr::HostServices host;
  const char* reason = nullptr;
  EXPECT_EQ(entry(&host, tsr::kBackendApiVersion + 1, &reason), nullptr);
  ASSERT_NE(reason, nullptr);
  EXPECT_NE(std::string(reason).find("backend API version"), std::string::npos) << reason;
  // Asked again after refusing: still no crash, still the same answer.
  for (int i = 0; i < 2; ++i) {
    reason = nullptr;
    EXPECT_EQ(entry(&host, tsr::kBackendApiVersion, &reason), nullptr);
    ASSERT_NE(reason, nullptr);
    EXPECT_NE(std::string(reason).find("HIP"), std::string::npos) << reason;
  }
  EXPECT_EQ(dlclose(lib), 0);  // drops this test's reference only
}

TEST(HipUnavailable, LoadingInAFreshProcessAndExitingDoNotCrash) {
  std::string skip;
  const std::string plugin = hip_plugin_or_skip_reason(&skip);
  if (plugin.empty()) GTEST_SKIP() << skip;
  // A child process that does nothing but load the plugin (initializing
  // the ROCm runtime without a GPU), ask it to start, and exit normally,
  // which runs the runtime's static destructors.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        void* lib = dlopen(plugin.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!lib) std::exit(2);
        tsr::BackendEntryFn entry = entry_of(lib);
        if (!entry) std::exit(3);
        tsr::HostServices host;
        const char* reason = nullptr;
        std::exit(entry(&host, tsr::kBackendApiVersion, &reason) == nullptr && reason ? 0 : 4);
      },
      ::testing::ExitedWithCode(0), "");
}
