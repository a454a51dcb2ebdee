// The OpenCL C sources of kernels/*.cl, embedded at build time
// (embed_kernels.cmake), and the program families built from them.
#pragma once
#include <string>

namespace tsr::opencl {

struct EmbeddedSource {
  const char* name;  // file stem, e.g. "binary"
  const char* text;
};
extern const EmbeddedSource kEmbeddedSources[];
extern const int kEmbeddedSourceCount;

// The text of kernels/<name>.cl, or null when there is no such file.
const char* embedded_source(const char* name);

// The full source of a program family: common.cl followed by <family>.cl.
// Empty when the family does not exist.
std::string program_source(const std::string& family);

}  // namespace tsr::opencl
