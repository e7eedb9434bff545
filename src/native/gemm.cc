// bertlab's optional native GEMM: cblas_sgemm from OpenBLAS, run directly on views of the
// tfjs wasm heap (an ArrayBuffer), so no tensor is copied in or out.
//
// The BLAS library is opened with dlopen at load time rather than linked, so building needs
// no BLAS headers or -dev package: only g++ and Node's headers. Loading fails with a message
// naming the library when it is missing, and bertlab falls back to the wasm matmul.
#include <dlfcn.h>
#include <node_api.h>

#include <cstdint>
#include <cstdlib>
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

// gemm(heap, transA, transB, m, n, k, aOffsets, bOffsets, cOffsets)
// For each i: C_i[m,n] = op(A_i) op(B_i), row-major float32, at byte offsets into heap.
napi_value Gemm(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value args[9];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc != 9) return Throw(env, "gemm: expected 9 arguments");
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
    sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, M, N, K, 1.0f, a,
          transA ? M : K, b, transB ? K : N, 0.0f, c, N);
  }
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
  };
  napi_define_properties(env, exports, 3, props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
