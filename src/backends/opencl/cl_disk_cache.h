// The on-disk cache of compiled OpenCL program binaries. One file per
// program, named by a hash of its key text (source hash, build options,
// device, driver, platform and library version). A file holds the full key
// text and a checksum, so a truncated, corrupt or colliding file is detected
// and treated as missing. Files are written to a temporary name and renamed,
// so concurrent writers (threads or processes) never leave a partial file.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tsr::opencl {

// 64-bit FNV-1a; `h` chains calls over several pieces.
uint64_t fnv1a64(const void* data, size_t size, uint64_t h = 0xcbf29ce484222325ull);
std::string hex64(uint64_t v);

class DiskCache {
 public:
  // $TESSERA_CL_CACHE_DIR, else $XDG_CACHE_HOME/tessera/opencl, else
  // $HOME/.cache/tessera/opencl; empty when none is known (cache off).
  static std::string default_dir();

  explicit DiskCache(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }
  bool enabled() const { return !dir_.empty(); }

  // The file that holds `key_text`'s binary.
  std::string path_for(const std::string& key_text) const;
  // The binary stored under key_text; false when missing, truncated,
  // corrupt or stored under another key.
  bool load(const std::string& key_text, std::vector<unsigned char>* binary) const;
  // Stores atomically. Failures (read-only disk, no space) are ignored on
  // purpose: the cache only saves time. Returns whether the file was written.
  bool store(const std::string& key_text, const std::vector<unsigned char>& binary) const;

 private:
  std::string dir_;
};

}  // namespace tsr::opencl
