// bertlab's optional native kernels: cblas_sgemm from OpenBLAS, plus BERT's LayerNorm and
// GELU as single loops, run directly on views of the tfjs wasm heap (an ArrayBuffer), so no
// tensor is copied in or out.
//
// The BLAS library is opened with dlopen at load time rather than linked, so building needs
// no BLAS headers or -dev package: only g++ and Node's headers. Loading fails with a message
// naming the library when it is missing, and bertlab falls back to the wasm matmul.
#include <dlfcn.h>
#include <node_api.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

enum CblasOrder { CblasRowMajor = 101 };
enum CblasTranspose { CblasNoTrans = 111, CblasTrans = 112 };
typedef void (*SgemmFn)(int order, int transA, int transB, int m, int n, int k, float alpha, const float* a,
                        int lda, const float* b, int ldb, float beta, float* c, int ldc);
typedef void (*SetThreadsFn)(int);
typedef int (*GetThreadsFn)(void);

SgemmFn sgemm = nullptr;
SetThreadsFn setThreads = nullptr;
GetThreadsFn getThreads = nullptr;
std::string libraryName;

bool openBlas(std::string* error) {
  std::vector<std::string> names;
  if (const char* forced = std::getenv("BERTLAB_BLAS")) names.push_back(forced);
  names.push_back("libopenblas.so.0");
  names.push_back("libopenblas.so");
  names.push_back("libopenblas.dylib");
  std::string tried;
  for (const std::string& name : names) {
    void* handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      tried += (tried.empty() ? "" : "; ") + std::string(dlerror());
      continue;
    }
    sgemm = reinterpret_cast<SgemmFn>(dlsym(handle, "cblas_sgemm"));
    if (!sgemm) {
      tried += "; " + name + " has no cblas_sgemm";
      continue;
    }
    setThreads = reinterpret_cast<SetThreadsFn>(dlsym(handle, "openblas_set_num_threads"));
    getThreads = reinterpret_cast<GetThreadsFn>(dlsym(handle, "openblas_get_num_threads"));
    libraryName = name;
    return true;
  }
  *error = "no OpenBLAS found (" + tried + ")";
  return false;
}

napi_value Throw(napi_env env, const std::string& message) {
  napi_throw_error(env, nullptr, message.c_str());
  return nullptr;
}

bool GetNumber(napi_env env, napi_value v, double* out) { return napi_get_value_double(env, v, out) == napi_ok; }

bool GetFloat64Array(napi_env env, napi_value v, double** data, size_t* length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  void* raw;
  if (napi_get_typedarray_info(env, v, &type, length, &raw, &buffer, &offset) != napi_ok) return false;
  if (type != napi_float64_array) return false;
  *data = static_cast<double*>(raw);
  return true;
}

// gemm(heap, transA, transB, m, n, k, aOffsets, bOffsets, cOffsets[, biasOffset])
// For each i: C_i[m,n] = op(A_i) op(B_i) (+ bias[n] on every row), row-major float32, at byte
// offsets into heap. The bias is written into C first and sgemm accumulates onto it (beta = 1),
// which saves the separate Add kernel a Linear layer would otherwise run.
napi_value Gemm(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value args[10];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc != 9 && argc != 10) return Throw(env, "gemm: expected 9 or 10 arguments");
  void* heap = nullptr;
  size_t heapBytes = 0;
  if (napi_get_arraybuffer_info(env, args[0], &heap, &heapBytes) != napi_ok) {
    return Throw(env, "gemm: heap must be an ArrayBuffer");
  }
  bool transA = false, transB = false;
  napi_get_value_bool(env, args[1], &transA);
  napi_get_value_bool(env, args[2], &transB);
  double m, n, k;
  if (!GetNumber(env, args[3], &m) || !GetNumber(env, args[4], &n) || !GetNumber(env, args[5], &k)) {
    return Throw(env, "gemm: m, n, k must be numbers");
  }
  double *aOff, *bOff, *cOff;
  size_t na, nb, nc;
  if (!GetFloat64Array(env, args[6], &aOff, &na) || !GetFloat64Array(env, args[7], &bOff, &nb) ||
      !GetFloat64Array(env, args[8], &cOff, &nc) || na != nc || nb != nc) {
    return Throw(env, "gemm: offsets must be three Float64Arrays of equal length");
  }
  const int M = static_cast<int>(m), N = static_cast<int>(n), K = static_cast<int>(k);
  double biasOffset = -1;
  if (argc == 10 && !GetNumber(env, args[9], &biasOffset)) return Throw(env, "gemm: the bias offset must be a number");
  if (argc == 10 && (biasOffset < 0 || biasOffset + 4.0 * N > heapBytes)) return Throw(env, "gemm: the bias lies outside the heap");
  const double aBytes = 4.0 * M * K, bBytes = 4.0 * K * N, cBytes = 4.0 * M * N;
  for (size_t i = 0; i < nc; i++) {
    if (aOff[i] < 0 || bOff[i] < 0 || cOff[i] < 0 || aOff[i] + aBytes > heapBytes || bOff[i] + bBytes > heapBytes ||
        cOff[i] + cBytes > heapBytes) {
      return Throw(env, "gemm: operand " + std::to_string(i) + " lies outside the heap");
    }
  }
  char* base = static_cast<char*>(heap);
  for (size_t i = 0; i < nc; i++) {
    const float* a = reinterpret_cast<const float*>(base + static_cast<size_t>(aOff[i]));
    const float* b = reinterpret_cast<const float*>(base + static_cast<size_t>(bOff[i]));
    float* c = reinterpret_cast<float*>(base + static_cast<size_t>(cOff[i]));
    float beta = 0.0f;
    if (biasOffset >= 0) {
      const float* bias = reinterpret_cast<const float*>(base + static_cast<size_t>(biasOffset));
      for (int row = 0; row < M; row++) std::memcpy(c + static_cast<size_t>(row) * N, bias, sizeof(float) * N);
      beta = 1.0f;
    }
    sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, M, N, K, 1.0f, a,
          transA ? M : K, b, transB ? K : N, beta, c, N);
  }
  return nullptr;
}


// Reads a byte offset argument and checks that `bytes` from it lie inside the heap.
bool GetRange(napi_env env, napi_value v, size_t heapBytes, double bytes, size_t* offset) {
  double value;
  if (!GetNumber(env, v, &value) || value < 0 || value + bytes > static_cast<double>(heapBytes)) return false;
  *offset = static_cast<size_t>(value);
  return true;
}

// layerNorm(heap, xOffset, gammaOffset, betaOffset, outOffset, rows, cols, eps)
// Each row of x: (x - mean) / sqrt(var + eps) * gamma + beta, var the biased variance, as
// BERT's LayerNorm. One call instead of the nine tfjs kernels the composed form runs.
napi_value LayerNorm(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value args[8];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc != 8) return Throw(env, "layerNorm: expected 8 arguments");
  void* heap = nullptr;
  size_t heapBytes = 0;
  if (napi_get_arraybuffer_info(env, args[0], &heap, &heapBytes) != napi_ok) return Throw(env, "layerNorm: heap must be an ArrayBuffer");
  double rowsD, colsD, eps;
  if (!GetNumber(env, args[5], &rowsD) || !GetNumber(env, args[6], &colsD) || !GetNumber(env, args[7], &eps) || rowsD < 0 || colsD < 1) {
    return Throw(env, "layerNorm: rows, cols and eps must be numbers, cols at least 1");
  }
  const size_t rows = static_cast<size_t>(rowsD), cols = static_cast<size_t>(colsD);
  size_t xOff, gOff, bOff, oOff;
  if (!GetRange(env, args[1], heapBytes, 4.0 * rowsD * colsD, &xOff) || !GetRange(env, args[2], heapBytes, 4.0 * colsD, &gOff) ||
      !GetRange(env, args[3], heapBytes, 4.0 * colsD, &bOff) || !GetRange(env, args[4], heapBytes, 4.0 * rowsD * colsD, &oOff)) {
    return Throw(env, "layerNorm: an operand lies outside the heap");
  }
  char* base = static_cast<char*>(heap);
  const float* gamma = reinterpret_cast<const float*>(base + gOff);
  const float* beta = reinterpret_cast<const float*>(base + bOff);
  for (size_t r = 0; r < rows; r++) {
    const float* x = reinterpret_cast<const float*>(base + xOff) + r * cols;
    float* out = reinterpret_cast<float*>(base + oOff) + r * cols;
    float sum = 0.0f;
    for (size_t c = 0; c < cols; c++) sum += x[c];
    const float mean = sum / static_cast<float>(cols);
    float squares = 0.0f;
    for (size_t c = 0; c < cols; c++) squares += (x[c] - mean) * (x[c] - mean);
    const float inverseStd = 1.0f / std::sqrt(squares / static_cast<float>(cols) + static_cast<float>(eps));
    for (size_t c = 0; c < cols; c++) out[c] = (x[c] - mean) * inverseStd * gamma[c] + beta[c];
  }
  return nullptr;
}

// erf(x) for float by a rational function of x² on [-4, 4] (erf is ±1 to float precision
// beyond), the approximation TensorFlow/Eigen use for float erf: no exp, so the loop
// vectorises. Absolute error below 1e-6 (checked against std::erf by the tests).
inline float FastErf(float x) {
  x = x < -4.0f ? -4.0f : (x > 4.0f ? 4.0f : x);
  const float x2 = x * x;
  float p = -2.72614225801306e-10f;
  p = p * x2 + 2.77068142495902e-08f;
  p = p * x2 - 2.10102402082508e-06f;
  p = p * x2 - 5.69250639462346e-05f;
  p = p * x2 - 7.34990630326855e-04f;
  p = p * x2 - 2.95459980854025e-03f;
  p = p * x2 - 1.60960333262415e-02f;
  float q = -1.45660718464996e-05f;
  q = q * x2 - 2.13374055278905e-04f;
  q = q * x2 - 1.68282697438203e-03f;
  q = q * x2 - 7.37332916720468e-03f;
  q = q * x2 - 1.42647390514189e-02f;
  return x * p / q;
}

// gelu(heap, xOffset, outOffset, n): x * Φ(x) = 0.5 x (1 + erf(x / √2)), BERT's exact GELU.
napi_value Gelu(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc != 4) return Throw(env, "gelu: expected 4 arguments");
  void* heap = nullptr;
  size_t heapBytes = 0;
  if (napi_get_arraybuffer_info(env, args[0], &heap, &heapBytes) != napi_ok) return Throw(env, "gelu: heap must be an ArrayBuffer");
  double nD;
  if (!GetNumber(env, args[3], &nD) || nD < 0) return Throw(env, "gelu: n must be a non-negative number");
  size_t xOff, oOff;
  if (!GetRange(env, args[1], heapBytes, 4.0 * nD, &xOff) || !GetRange(env, args[2], heapBytes, 4.0 * nD, &oOff)) {
    return Throw(env, "gelu: an operand lies outside the heap");
  }
  char* base = static_cast<char*>(heap);
  const float* x = reinterpret_cast<const float*>(base + xOff);
  float* out = reinterpret_cast<float*>(base + oOff);
  const size_t n = static_cast<size_t>(nD);
  for (size_t i = 0; i < n; i++) out[i] = 0.5f * x[i] * (1.0f + FastErf(x[i] * 0.70710678118654752f));
  return nullptr;
}

// erf(heap, xOffset, outOffset, n): the approximation above, exposed so tests can check it.
napi_value Erf(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  void* heap = nullptr;
  size_t heapBytes = 0;
  double nD;
  size_t xOff, oOff;
  if (argc != 4 || napi_get_arraybuffer_info(env, args[0], &heap, &heapBytes) != napi_ok || !GetNumber(env, args[3], &nD) || nD < 0 ||
      !GetRange(env, args[1], heapBytes, 4.0 * nD, &xOff) || !GetRange(env, args[2], heapBytes, 4.0 * nD, &oOff)) {
    return Throw(env, "erf: expected (heap, xOffset, outOffset, n) with both operands inside the heap");
  }
  char* base = static_cast<char*>(heap);
  const float* x = reinterpret_cast<const float*>(base + xOff);
  float* out = reinterpret_cast<float*>(base + oOff);
  for (size_t i = 0; i < static_cast<size_t>(nD); i++) out[i] = FastErf(x[i]);
  return nullptr;
}

// setThreads(n): OpenBLAS' thread count (ignored by BLAS builds without threads).
napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  double n;
  if (argc != 1 || !GetNumber(env, arg, &n) || n < 1) return Throw(env, "setThreads: expected a positive number");
  if (setThreads) setThreads(static_cast<int>(n));
  return nullptr;
}

napi_value Describe(napi_env env, napi_callback_info) {
  napi_value out, library, threads;
  napi_create_object(env, &out);
  napi_create_string_utf8(env, libraryName.c_str(), libraryName.size(), &library);
  napi_create_int32(env, getThreads ? getThreads() : 1, &threads);
  napi_set_named_property(env, out, "library", library);
  napi_set_named_property(env, out, "threads", threads);
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  std::string error;
  if (!openBlas(&error)) return Throw(env, error);
  napi_property_descriptor props[] = {
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"describe", nullptr, Describe, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"layerNorm", nullptr, LayerNorm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gelu", nullptr, Gelu, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"erf", nullptr, Erf, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, 6, props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
