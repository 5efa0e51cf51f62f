// test-ckpt-load: loads an m3 TorchScript checkpoint with libtorch (1.13),
// runs the fixed input stored beside it and compares with Python's outputs.
//
// Design. gen/export.py writes NAME.pt and NAME.check.bin: "M3CK", int32
// version=1, B, L, D, O, P, then float32 fg [B, D], links [B, L, D],
// link_mask [B, L] (0/1), expected [B, O, P] (little-endian, as on every
// machine this runs on). The test reads the file, calls forward(fg, links,
// link_mask as bool) and fails when any output differs from the expected one
// by more than --tol (relative, default 1e-4), or is not a non-decreasing
// curve >= 1. Then it times forward on 500 paths (the check rows repeated)
// with 1 and with 2 libtorch intra-op threads (--threads N: only N): 2
// warm-up runs (the profiling executor optimises the graph on them), the
// median and the minimum of 5 are printed, and --max-ms fails the test when
// the best minimum exceeds it (0: report only; the minimum, because other
// jobs on a shared machine only add time). With Debian's OpenBLAS (pthread)
// the matrix products use OpenBLAS's own threads (all cores by default), so
// 1 intra-op thread is usually the faster setting on 2 cores: 2 OpenMP
// threads on top of OpenBLAS's oversubscribe them.
//
// Cost. One forward of B rows plus 2 x 7 of 500 rows; well under 10 s for
// the sizes in gen/model.py on 2 cores.
//
//   test-ckpt-load NAME.pt NAME.check.bin [--tol 1e-4] [--threads N] [--max-ms 0]
#include <torch/script.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct Check {
  int32_t b = 0, l = 0, d = 0, o = 0, p = 0;
  std::vector<float> fg, links, mask, expected;
};

bool ReadFloats(std::ifstream &in, std::vector<float> &v, size_t n) {
  v.resize(n);
  in.read(reinterpret_cast<char *>(v.data()), static_cast<std::streamsize>(n * sizeof(float)));
  return static_cast<bool>(in);
}

bool ReadCheck(const char *path, Check &c) {
  std::ifstream in(path, std::ios::binary);
  char magic[4];
  int32_t hdr[6];
  if (!in.read(magic, 4) || std::memcmp(magic, "M3CK", 4) != 0) {
    std::fprintf(stderr, "%s: not a check file (magic)\n", path);
    return false;
  }
  if (!in.read(reinterpret_cast<char *>(hdr), sizeof hdr) || hdr[0] != 1) {
    std::fprintf(stderr, "%s: bad header or version\n", path);
    return false;
  }
  c.b = hdr[1], c.l = hdr[2], c.d = hdr[3], c.o = hdr[4], c.p = hdr[5];
  if (c.b <= 0 || c.l <= 0 || c.d <= 0 || c.o <= 0 || c.p <= 0) {
    std::fprintf(stderr, "%s: bad shape\n", path);
    return false;
  }
  size_t b = c.b, l = c.l, d = c.d;
  if (!ReadFloats(in, c.fg, b * d) || !ReadFloats(in, c.links, b * l * d) ||
      !ReadFloats(in, c.mask, b * l) || !ReadFloats(in, c.expected, b * c.o * c.p)) {
    std::fprintf(stderr, "%s: truncated\n", path);
    return false;
  }
  return true;
}

torch::Tensor FromVec(std::vector<float> &v, std::vector<int64_t> shape) {
  return torch::from_blob(v.data(), shape, torch::kFloat32).clone();
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s NAME.pt NAME.check.bin [--tol T] [--threads N] [--max-ms M]\n",
                 argv[0]);
    return 2;
  }
  double tol = 1e-4, max_ms = 0;
  int threads = 0;
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--tol")
      tol = std::atof(argv[i + 1]);
    else if (k == "--threads")
      threads = std::atoi(argv[i + 1]);
    else if (k == "--max-ms")
      max_ms = std::atof(argv[i + 1]);
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  Check c;
  if (!ReadCheck(argv[2], c)) return 1;

  torch::jit::script::Module mod;
  try {
    mod = torch::jit::load(argv[1]);
  } catch (const c10::Error &e) {
    std::fprintf(stderr, "%s: cannot load: %s\n", argv[1], e.what());
    return 1;
  }
  mod.eval();
  torch::NoGradGuard no_grad;

  torch::Tensor fg = FromVec(c.fg, {c.b, c.d});
  torch::Tensor links = FromVec(c.links, {c.b, c.l, c.d});
  torch::Tensor mask = FromVec(c.mask, {c.b, c.l}).gt(0.5);
  torch::Tensor out = mod.forward({fg, links, mask}).toTensor().contiguous();
  if (out.dim() != 3 || out.size(0) != c.b || out.size(1) != c.o || out.size(2) != c.p) {
    std::fprintf(stderr, "output shape mismatch\n");
    return 1;
  }
  const float *y = out.data_ptr<float>();
  double worst = 0;
  size_t bad = 0, nonmono = 0, total = c.expected.size();
  for (size_t i = 0; i < total; i++) {
    double e = c.expected[i], r = std::fabs(y[i] - e) / std::max(std::fabs(e), 1e-12);
    if (!(r <= tol)) bad++;
    if (r > worst || std::isnan(r)) worst = r;
    bool first = i % c.p == 0;
    if (!(y[i] >= 1.0f) || (!first && y[i] < y[i - 1])) nonmono++;
  }
  std::printf("check: %zu outputs, max relative error %.3g (tol %.1g), %zu over, %zu not "
              "monotone/>=1\n", total, worst, tol, bad, nonmono);

  // 500 paths: the check rows repeated
  torch::Tensor idx = torch::arange(500, torch::kLong).remainder(c.b);
  torch::Tensor f5 = fg.index_select(0, idx), l5 = links.index_select(0, idx),
                m5 = mask.index_select(0, idx);
  double best = 1e300;
  for (int th = 1; th <= 2; th++) {
    if (threads > 0 && th != threads) continue;
    at::set_num_threads(th);
    std::vector<double> ms;
    for (int r = 0; r < 7; r++) {
      auto t0 = std::chrono::steady_clock::now();
      torch::Tensor o5 = mod.forward({f5, l5, m5}).toTensor();
      auto t1 = std::chrono::steady_clock::now();
      if (o5.size(0) != 500) {
        std::fprintf(stderr, "batch of 500: wrong output size\n");
        return 1;
      }
      if (r >= 2) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    best = std::min(best, ms[0]);
    std::printf("timing: 500 paths in %.1f ms (median of %zu; min %.1f ms; %d intra-op "
                "threads)\n", ms[ms.size() / 2], ms.size(), ms[0], th);
  }
  if (bad || nonmono) return 1;
  if (max_ms > 0 && best > max_ms) {
    std::fprintf(stderr, "too slow: %.1f ms > %.1f ms\n", best, max_ms);
    return 1;
  }
  std::printf("ok\n");
  return 0;
}
