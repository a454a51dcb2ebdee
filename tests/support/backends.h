// Which backends the op suite runs on: the CPU always, plus the first device
// of every GPU backend that loaded. TESSERA_TEST_BACKENDS=cpu,cuda,opencl,hip
// restricts the list (e.g. to run only the OpenCL suite on PoCL).
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tessera/tessera.h"

namespace tsrtest {

struct Backend {
  tsr_device_kind kind;
  std::string name;  // "cpu", "cuda", "hip", "opencl"
};

std::vector<Backend> backends_under_test();
std::string backend_param_name(const ::testing::TestParamInfo<Backend>& info);

// A fixture that opens a context on the parameter's backend.
class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;
  tsr_context ctx = nullptr;
  bool supports_float64 = true;
  bool supports_float16 = true;
};

#define TSR_INSTANTIATE_BACKENDS(Suite)                                                       \
  INSTANTIATE_TEST_SUITE_P(AllBackends, Suite, ::testing::ValuesIn(tsrtest::backends_under_test()), \
                           tsrtest::backend_param_name)

}  // namespace tsrtest
