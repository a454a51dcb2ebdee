// Plugins load when first needed: a context of one kind maps only that
// kind's plugin (a cold OpenCL or CPU start does not pay for the CUDA
// driver and cuBLASLt); enumerating devices loads them all. Checked in a
// fresh process (tests/probes/plugin_probe.c), since this one enumerates
// every backend while the test suites are set up.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <string>

namespace {

// The probe where the build put it, else beside this binary (a build
// carried to another machine, as scripts/gpu_pack.sh does).
std::string probe_path() {
  if (access(TESSERA_PLUGIN_PROBE, X_OK) == 0) return TESSERA_PLUGIN_PROBE;
  char self[PATH_MAX] = {0};
  const ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  std::string dir = n > 0 ? std::string(self, size_t(n)) : std::string(".");
  return dir.substr(0, dir.rfind('/')) + "/tessera_plugin_probe";
}

int probe(const std::string& args) {
  const std::string cmd = probe_path() + " " + args + " >/dev/null";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The exit codes are explained at the top of plugin_probe.c.
TEST(LazyPlugins, CpuContextLoadsNoPlugin) { EXPECT_EQ(probe("cpu - tessera_"), 0); }

TEST(LazyPlugins, OpenclContextLoadsNoCudaPlugin) {
  EXPECT_EQ(probe("opencl tessera_opencl tessera_cuda"), 0);
}

TEST(LazyPlugins, CudaContextRequestLoadsNoOpenclPlugin) {
  EXPECT_EQ(probe("cuda tessera_cuda tessera_opencl"), 0);
}

}  // namespace
