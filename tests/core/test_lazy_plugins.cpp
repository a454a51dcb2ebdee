// Plugins load when first needed: a context of one kind maps only that
// kind's plugin (a cold OpenCL or CPU start does not pay for the CUDA
// driver and cuBLASLt); enumerating devices loads them all. Checked in a
// fresh process (tests/probes/plugin_probe.c), since this one enumerates
// every backend while the test suites are set up.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <string>

namespace {

int probe(const std::string& args) {
  const std::string cmd = std::string(TESSERA_PLUGIN_PROBE) + " " + args + " >/dev/null";
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
