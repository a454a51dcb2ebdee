// Shared by the tests of GPU plugins on machines without that GPU (CI):
// where the registry would find a plugin file, and the checks that a plugin
// which loaded but refused to start turns a context request into
// TSR_ERROR_DEVICE_UNAVAILABLE carrying its reason, while the CPU still works.
#pragma once
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "support/reference.h"
#include "tessera/tessera.h"

namespace tsrtest {

// The path of `file` (e.g. "libtessera_hip.so") in the folders the registry
// searches: TESSERA_BACKEND_PATH, then the folder of libtessera.so.
inline bool find_plugin_file(const char* file, std::string* where) {
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
    std::string path = dir + "/" + file;
    struct stat st {};
    if (stat(path.c_str(), &st) == 0) {
      *where = path;
      return true;
    }
  }
  return false;
}

// The reason the plugin at `plugin` gave for not starting (empty when the
// backend is available: the caller skips then).
inline std::string unavailable_reason(tsr_device_kind kind) {
  int32_t available = -1;
  const char* reason = nullptr;
  EXPECT_EQ(tsr_backend_available(kind, &available, &reason), TSR_OK) << tsr_last_error_message();
  if (available) return std::string();
  EXPECT_NE(reason, nullptr);
  return reason ? std::string(reason) : std::string("(null reason)");
}

// The plugin at `plugin` loaded and refused (not a dlopen failure) with a
// reason naming `vendor`; a context request fails with DEVICE_UNAVAILABLE
// and that reason, the out handle untouched; TSR_DEVICE_BEST gives the CPU.
inline void expect_refused_plugin(tsr_device_kind kind, const std::string& plugin, const char* vendor,
                                  const std::string& why) {
  EXPECT_NE(why.find(plugin), std::string::npos) << why;
  EXPECT_EQ(why.find("not found"), std::string::npos) << why;
  EXPECT_EQ(why.find("cannot open shared object"), std::string::npos) << why;
  EXPECT_NE(why.find(vendor), std::string::npos) << why;

  tsr_context_options o{};
  o.size = sizeof(o);
  o.device_kind = kind;
  tsr_context ctx = reinterpret_cast<tsr_context>(uintptr_t(0x1234));  // must stay untouched
  EXPECT_TSR_ERROR(tsr_context_create(&o, &ctx), TSR_ERROR_DEVICE_UNAVAILABLE, "tsr_context_create");
  EXPECT_EQ(ctx, reinterpret_cast<tsr_context>(uintptr_t(0x1234)));
  EXPECT_NE(std::string(tsr_last_error_message()).find(why), std::string::npos)
      << tsr_last_error_message();

  o.device_kind = TSR_DEVICE_BEST;
  ctx = nullptr;
  ASSERT_TSR_OK(tsr_context_create(&o, &ctx));
  tsr_device dev = nullptr;
  tsr_device_info info{};
  info.size = sizeof(info);
  ASSERT_TSR_OK(tsr_context_get_device(ctx, &dev));
  ASSERT_TSR_OK(tsr_device_get_info(dev, &info));
  EXPECT_EQ(info.kind, TSR_DEVICE_CPU);
  tsr_context_release(ctx);
}

}  // namespace tsrtest
