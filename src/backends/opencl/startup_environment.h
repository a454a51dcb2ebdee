// The environment as it was when the program started, for the child
// processes that tests and benchmarks of the OpenCL backend start
// (tests/backends/opencl_test_util.h, bench/bench_opencl.cpp). Header only;
// the plugin does not use it.
//
// Why a copy: the ocl-icd loader splits OCL_ICD_FILENAMES in place (strtok
// on getenv's buffer) when it first loads, so after the first OpenCL call
// the live environment lists only the first driver. On a machine with
// "libpocl.so.2:libnvidia-opencl.so.1" a child given `environ` saw no NVIDIA
// device.
#pragma once
#include <string>
#include <vector>

extern char** environ;

namespace tsr::opencl {

inline std::vector<std::string> snapshot_environment() {
  std::vector<std::string> v;
  for (char** e = environ; e && *e; ++e) v.emplace_back(*e);
  return v;
}

// Taken during static initialisation, before main() and before any OpenCL
// call (the plugin is loaded at run time, never at start-up).
inline const std::vector<std::string> kStartupEnvironment = snapshot_environment();

// The start-up environment with `overrides` ("NAME=value") replacing or
// adding entries of the same name.
inline std::vector<std::string> startup_environment_with(
    const std::vector<std::string>& overrides) {
  auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=') + 1); };
  std::vector<std::string> env;
  for (const std::string& entry : kStartupEnvironment) {
    bool overridden = false;
    for (const std::string& o : overrides) overridden |= name_of(o) == name_of(entry);
    if (!overridden) env.push_back(entry);
  }
  env.insert(env.end(), overrides.begin(), overrides.end());
  return env;
}

}  // namespace tsr::opencl
