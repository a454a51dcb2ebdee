#include "cl_sources.h"

#include <cstring>

namespace tsr::opencl {

const char* embedded_source(const char* name) {
  for (int i = 0; i < kEmbeddedSourceCount; ++i)
    if (std::strcmp(kEmbeddedSources[i].name, name) == 0) return kEmbeddedSources[i].text;
  return nullptr;
}

std::string program_source(const std::string& family) {
  const char* common = embedded_source("common");
  const char* body = embedded_source(family.c_str());
  if (!common || !body) return {};
  // #line keeps compiler messages pointing at the right file and line.
  return std::string(common) + "\n#line 1 \"" + family + ".cl\"\n" + body;
}

}  // namespace tsr::opencl
