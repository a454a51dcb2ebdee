#include "cl_disk_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace tsr::opencl {
namespace {

constexpr char kMagic[8] = {'T', 'S', 'R', 'C', 'L', 'B', 'N', '1'};
constexpr size_t kHeader = 32;  // magic, key length, binary length, checksum

void put64(unsigned char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = (unsigned char)(v >> (8 * i));
}
uint64_t get64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(p[i]) << (8 * i);
  return v;
}

uint64_t checksum(const std::string& key, const unsigned char* bin, size_t n) {
  return fnv1a64(bin, n, fnv1a64(key.data(), key.size()));
}

// mkdir -p; true when the directory exists afterwards.
bool make_dirs(const std::string& dir) {
  struct stat st {};
  if (stat(dir.c_str(), &st) == 0) return S_ISDIR(st.st_mode);
  auto slash = dir.rfind('/');
  if (slash != std::string::npos && slash > 0 && !make_dirs(dir.substr(0, slash))) return false;
  return mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST;
}

bool write_all(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= size_t(w);
  }
  return true;
}

bool read_all(int fd, void* data, size_t n) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= size_t(r);
  }
  return true;
}

}  // namespace

uint64_t fnv1a64(const void* data, size_t size, uint64_t h) {
  const unsigned char* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string hex64(uint64_t v) {
  static const char digits[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[size_t(i)] = digits[v & 15];
  return s;
}

std::string DiskCache::default_dir() {
  if (const char* d = std::getenv("TESSERA_CL_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/tessera/opencl";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/tessera/opencl";
  return {};
}

std::string DiskCache::path_for(const std::string& key_text) const {
  return dir_ + "/" + hex64(fnv1a64(key_text.data(), key_text.size())) + ".clbin";
}

bool DiskCache::load(const std::string& key_text, std::vector<unsigned char>* binary) const {
  if (!enabled()) return false;
  int fd = ::open(path_for(key_text).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = false;
  struct stat st {};
  unsigned char header[kHeader];
  if (fstat(fd, &st) == 0 && size_t(st.st_size) >= kHeader && read_all(fd, header, kHeader) &&
      std::memcmp(header, kMagic, 8) == 0) {
    const uint64_t key_len = get64(header + 8), bin_len = get64(header + 16);
    const uint64_t sum = get64(header + 24);
    // The sizes must account for the whole file: a truncated or padded file fails here.
    if (key_len == key_text.size() && bin_len > 0 && bin_len < (uint64_t(1) << 40) &&
        uint64_t(st.st_size) == kHeader + key_len + bin_len) {
      std::string key(static_cast<size_t>(key_len), '\0');
      std::vector<unsigned char> bin(static_cast<size_t>(bin_len));
      if (read_all(fd, key.data(), key.size()) && key == key_text &&
          read_all(fd, bin.data(), bin.size()) && checksum(key, bin.data(), bin.size()) == sum) {
        *binary = std::move(bin);
        ok = true;
      }
    }
  }
  ::close(fd);
  return ok;
}

bool DiskCache::store(const std::string& key_text, const std::vector<unsigned char>& binary) const {
  if (!enabled() || binary.empty() || !make_dirs(dir_)) return false;
  static std::atomic<uint64_t> counter{0};
  const std::string path = path_for(key_text);
  // Unique per process and per call: concurrent writers never share a temporary.
  const std::string tmp = path + ".tmp." + std::to_string(getpid()) + "." +
                          std::to_string(counter.fetch_add(1));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  unsigned char header[kHeader];
  std::memcpy(header, kMagic, 8);
  put64(header + 8, key_text.size());
  put64(header + 16, binary.size());
  put64(header + 24, checksum(key_text, binary.data(), binary.size()));
  bool ok = write_all(fd, header, kHeader) && write_all(fd, key_text.data(), key_text.size()) &&
            write_all(fd, binary.data(), binary.size());
  ok = (::close(fd) == 0) && ok;
  // rename() replaces the target atomically: readers see the old file or the new one.
  if (ok) ok = ::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) ::unlink(tmp.c_str());
  return ok;
}

}  // namespace tsr::opencl
