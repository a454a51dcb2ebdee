// The OpenCL program cache on disk, across processes. Each test runs this
// binary again as a child (the disabled test OpenclCacheProbe.DISABLED_Child)
// with TESSERA_CL_CACHE_DIR pointing at a fresh directory; the child runs a
// fixed set of ops, checks their results and prints its context's
// kernel_compilations. A second process must find every program on disk
// (zero compilations); truncated, corrupt and driver-refused files must be
// detected and rebuilt; two processes compiling and writing at once must
// leave a cache a third process loads completely.
#include <dirent.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <thread>

#include "backends/opencl_test_util.h"

using namespace tsrtest;
using namespace tsrtest::ocl;

namespace {

bool file_exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

// The child's work: programs from six families (binary, unary, convert, raw,
// reduce, norm), each result checked against the host.
TEST(OpenclCacheProbe, DISABLED_Child) {
  ContextGuard ctx(TSR_DEVICE_OPENCL);
  ASSERT_NE(ctx.c, nullptr);
  // Concurrent writers: say the context is up, then wait at the start line
  // (a file the parent creates once every child is READY), so that the
  // children compile and write at the same time.
  if (const char* gate = std::getenv("TESSERA_TEST_START_GATE"); gate && *gate) {
    std::printf("READY\n");
    std::fflush(stdout);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(300);
    while (!file_exists(gate) && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_TRUE(file_exists(gate)) << "the start gate " << gate << " never opened";
  }
  Host a = random_host({64, 33}, TSR_FLOAT32), b = random_host({64, 33}, TSR_FLOAT32);
  TensorGuard ta(upload(ctx, a, TSR_FLOAT32)), tb(upload(ctx, b, TSR_FLOAT32));
  TensorGuard sum, ex, cast, rows, soft, view, copy;
  ASSERT_TSR_OK(tsr_binary(TSR_ADD, ta, tb, nullptr, sum.out()));
  ASSERT_TSR_OK(tsr_unary(TSR_EXP, ta, nullptr, ex.out()));
  ASSERT_TSR_OK(tsr_astype(ta, TSR_INT32, nullptr, cast.out()));
  const int32_t axis = 1;
  ASSERT_TSR_OK(tsr_reduce(TSR_SUM, ta, &axis, 1, 0, 0, nullptr, rows.out()));
  ASSERT_TSR_OK(tsr_softmax(tb, nullptr, soft.out()));
  ASSERT_TSR_OK(tsr_tensor_transpose(ta, 0, 1, view.out()));
  ASSERT_TSR_OK(tsr_tensor_contiguous(view, nullptr, copy.out()));
  const int64_t n = a.numel();
  const size_t un = static_cast<size_t>(n);
  std::vector<double> w_sum(un), w_exp(un), w_cast(un), w_rows(64, 0.0), w_copy(un);
  for (int64_t i = 0; i < n; ++i) {
    w_sum[size_t(i)] = round_to(a.data[size_t(i)] + b.data[size_t(i)], TSR_FLOAT32);
    w_exp[size_t(i)] = std::exp(a.data[size_t(i)]);
    w_cast[size_t(i)] = std::trunc(a.data[size_t(i)]);
    w_rows[size_t(i / 33)] += a.data[size_t(i)];
    w_copy[size_t((i % 33) * 64 + i / 33)] = a.data[size_t(i)];
  }
  EXPECT_TRUE(all_close(download(sum), w_sum, 0));
  EXPECT_TRUE(all_close(download(ex), w_exp, 1e-5));
  EXPECT_TRUE(all_close(download(cast), w_cast, 0));
  EXPECT_TRUE(all_close(download(rows), w_rows, 1e-5));
  EXPECT_TRUE(all_close(download(copy), w_copy, 0));
  Host s = download(soft);
  for (int64_t r = 0; r < 64; ++r) {
    double t = 0;
    for (int64_t j = 0; j < 33; ++j) t += s.data[size_t(r * 33 + j)];
    EXPECT_NEAR(t, 1.0, 1e-5);
  }
  tsr_stats st{};
  st.size = sizeof(st);
  ASSERT_TSR_OK(tsr_context_get_stats(ctx, &st));
  std::printf("KERNEL_COMPILATIONS=%lld\n", (long long)st.kernel_compilations);
}

const std::vector<std::string> kChildArgs = {"--gtest_also_run_disabled_tests",
                                             "--gtest_filter=OpenclCacheProbe.DISABLED_Child"};

class OpenclDiskCache : public ::testing::Test {
 protected:
  void SetUp() override {
    TSR_REQUIRE_OPENCL();
    char tmpl[] = "/tmp/tessera-cl-cache-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (const auto& f : entries()) std::remove((dir_ + "/" + f).c_str());
    if (!dir_.empty()) rmdir(dir_.c_str());
    if (!gate_.empty()) std::remove(gate_.c_str());
  }

  // Runs the child; returns its kernel_compilations (fails the test on a
  // failed child).
  int64_t run_child() {
    std::string out;
    int rc = run_self(kChildArgs, {"TESSERA_CL_CACHE_DIR=" + dir_}, &out);
    EXPECT_EQ(rc, 0) << out;
    int64_t n = output_value(out, "KERNEL_COMPILATIONS");
    EXPECT_GE(n, 0) << out;
    return n;
  }

  std::vector<std::string> entries() const {
    std::vector<std::string> v;
    if (DIR* d = opendir(dir_.c_str())) {
      while (dirent* e = readdir(d))
        if (e->d_name[0] != '.') v.push_back(e->d_name);
      closedir(d);
    }
    return v;
  }
  // "name (bytes)" per entry of the cache directory, for failure messages.
  std::string listing() const {
    std::string s = "cache directory " + dir_ + ":";
    for (const auto& f : entries()) {
      struct stat st {};
      const bool ok = stat((dir_ + "/" + f).c_str(), &st) == 0;
      s += "\n  " + f + (ok ? " (" + std::to_string(st.st_size) + " bytes)" : " (stat failed)");
    }
    return s;
  }
  std::vector<std::string> cache_files() const {
    std::vector<std::string> v;
    for (const auto& f : entries())
      if (f.size() > 6 && f.compare(f.size() - 6, 6, ".clbin") == 0) v.push_back(dir_ + "/" + f);
    return v;
  }
  static std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
  static void write_file(const std::string& path, const std::string& data) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(data.data(), std::streamsize(data.size()));
  }

  std::string dir_;
  std::string gate_;
};

TEST_F(OpenclDiskCache, SecondProcessFindsEveryProgram) {
  const int64_t first = run_child();
  EXPECT_GT(first, 0) << "an empty cache must be filled by compiling";
  EXPECT_EQ(int64_t(cache_files().size()), first) << "one file per compiled program";
  EXPECT_EQ(run_child(), 0) << "the second process must load every program from disk";
}

TEST_F(OpenclDiskCache, TruncatedFileIsDetectedAndRebuilt) {
  ASSERT_GT(run_child(), 0);
  auto files = cache_files();
  ASSERT_FALSE(files.empty());
  const std::string victim = files[files.size() / 2];
  const std::string good = read_file(victim);
  write_file(victim, good.substr(0, good.size() / 2));
  EXPECT_EQ(run_child(), 1) << "only the truncated program is rebuilt";
  EXPECT_EQ(read_file(victim).size(), good.size()) << "and written back whole";
  EXPECT_EQ(run_child(), 0);
}

TEST_F(OpenclDiskCache, CorruptAndRefusedFilesAreRebuilt) {
  ASSERT_GT(run_child(), 0);
  auto files = cache_files();
  ASSERT_GE(files.size(), 2u);
  // A flipped byte in the payload (the last byte is always in the binary):
  // the checksum no longer matches.
  std::string data = read_file(files[0]);
  data.back() = char(data.back() ^ 0x5a);
  write_file(files[0], data);
  // A well-formed file (header, key, checksum) whose binary is text no
  // driver takes for a program (a fixed pattern, not random bytes, so every
  // run and every driver sees the same input): the cache accepts it, the
  // driver refuses it. The format: 8-byte magic, key
  // length, binary length, FNV-1a 64 checksum of key + binary (little
  // endian), then the key text and the binary.
  std::string refused = read_file(files[1]);
  ASSERT_GT(refused.size(), 32u);
  auto get64 = [&](size_t at) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t(uint8_t(refused[at + size_t(i)])) << (8 * i);
    return v;
  };
  const uint64_t key_len = get64(8);
  const std::string junk = "this is not an OpenCL program binary\n";
  for (size_t i = 32 + size_t(key_len); i < refused.size(); ++i)
    refused[i] = junk[(i - 32 - size_t(key_len)) % junk.size()];
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 32; i < refused.size(); ++i) {
    h ^= uint8_t(refused[i]);
    h *= 0x100000001b3ull;
  }
  for (int i = 0; i < 8; ++i) refused[24 + size_t(i)] = char((h >> (8 * i)) & 0xff);
  write_file(files[1], refused);
  EXPECT_EQ(run_child(), 2) << "the corrupt and the refused program are rebuilt";
  EXPECT_EQ(run_child(), 0);
}

// Two children share an empty cache directory and start compiling at the
// same moment (the start gate; NVIDIA's context creation alone takes
// ~250 ms, longer than all of a child's compiles, so without it one child
// could be done before the other begins). Which child compiles which
// program depends on timing: a child may find a program its twin already
// wrote and compile nothing at all. What must hold: both succeed, every
// cached program was compiled by at least one of them and at most once by
// each, no temporary file is left, and a third process compiles nothing.
TEST_F(OpenclDiskCache, ConcurrentWritersLeaveAValidCache) {
  gate_ = dir_ + ".gate";
  const std::vector<std::string> env = {"TESSERA_CL_CACHE_DIR=" + dir_,
                                        "TESSERA_TEST_START_GATE=" + gate_};
  Child a = spawn_self(kChildArgs, env);
  Child b = spawn_self(kChildArgs, env);
  std::string out_a, out_b;
  const bool ready_a = read_until(a, &out_a, "READY", 300);
  const bool ready_b = read_until(b, &out_b, "READY", 300);
  write_file(gate_, "go\n");  // opens the gate even after a failure: nobody waits forever
  const int rc_a = wait_child(a, &out_a), rc_b = wait_child(b, &out_b);
  const int64_t comp_a = output_value(out_a, "KERNEL_COMPILATIONS");
  const int64_t comp_b = output_value(out_b, "KERNEL_COMPILATIONS");
  const std::string after_writers = listing();
  const int64_t programs = int64_t(cache_files().size());
  std::vector<std::string> leftovers;
  for (const auto& f : entries())
    if (f.find(".tmp.") != std::string::npos) leftovers.push_back(f);
  std::string out_c;
  const int rc_c = run_self(kChildArgs, {"TESSERA_CL_CACHE_DIR=" + dir_}, &out_c);
  const int64_t comp_c = output_value(out_c, "KERNEL_COMPILATIONS");
  // Everything a failure needs to explain itself, printed with any of them.
  SCOPED_TRACE("\n---- child A: exit " + std::to_string(rc_a) + ", READY " +
               (ready_a ? "yes" : "no") + ", compilations " + std::to_string(comp_a) +
               "; output:\n" + out_a + "\n---- child B: exit " + std::to_string(rc_b) +
               ", READY " + (ready_b ? "yes" : "no") + ", compilations " +
               std::to_string(comp_b) + "; output:\n" + out_b + "\n---- after both: " +
               after_writers + "\n---- third child: exit " + std::to_string(rc_c) +
               ", compilations " + std::to_string(comp_c) + "; output:\n" + out_c + "\n----");
  EXPECT_TRUE(ready_a && ready_b) << "both children must reach the start line";
  EXPECT_EQ(rc_a, 0);
  EXPECT_EQ(rc_b, 0);
  ASSERT_GT(programs, 0) << "the writers left no program in the cache";
  EXPECT_GE(comp_a, 0);
  EXPECT_GE(comp_b, 0);
  EXPECT_LE(comp_a, programs) << "a child compiled a program twice, or a file is missing";
  EXPECT_LE(comp_b, programs) << "a child compiled a program twice, or a file is missing";
  EXPECT_GE(comp_a + comp_b, programs) << "every cached program comes from one of the writers";
  EXPECT_TRUE(leftovers.empty()) << "temporary files were left behind: " << leftovers.size();
  EXPECT_EQ(rc_c, 0);
  EXPECT_EQ(comp_c, 0) << "the cache both processes wrote must be complete and valid";
}

}  // namespace
