// GPU memory bandwidth as decoding uses it: a kernel that only reads a buffer far larger than the L2 cache (weights
// are read once per token, never written), timed with CUDA events after a warm-up. Prints one line,
// "read_gbps <GB/s>", that device-check.sh passes to the benchmark as --gpu-bandwidth-gbps; and the copy figure
// (bytes read plus written) for comparison with published device-to-device copy numbers.
#include <cstdio>
#include <cuda_runtime.h>

#define CHECK(call) do { cudaError_t e = (call); if (e != cudaSuccess) { \
    fprintf(stderr, "membw: %s failed: %s\n", #call, cudaGetErrorString(e)); return 1; } } while (0)

__global__ void read_all(const float4 *data, size_t n, float *sink) {
    float acc = 0.f;
    for (size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x; i < n; i += (size_t) gridDim.x * blockDim.x) {
        float4 v = data[i];
        acc += v.x + v.y + v.z + v.w;
    }
    // Written only in a case that never happens, so the reads cannot be optimised away.
    if (acc == 12345.678f) {
        sink[0] = acc;
    }
}

int main() {
    const size_t bytes = size_t(2) << 30; // 2 GiB: far beyond any L2
    const size_t n = bytes / sizeof(float4);
    float4 *a, *b;
    float *sink;
    CHECK(cudaMalloc(&a, bytes));
    CHECK(cudaMalloc(&b, bytes));
    CHECK(cudaMalloc(&sink, sizeof(float)));
    CHECK(cudaMemset(a, 0, bytes));
    int sms = 0;
    CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
    cudaEvent_t start, stop;
    CHECK(cudaEventCreate(&start));
    CHECK(cudaEventCreate(&stop));
    const int reps = 20;
    read_all<<<sms * 8, 512>>>(a, n, sink);
    CHECK(cudaEventRecord(start));
    for (int r = 0; r < reps; r++) {
        read_all<<<sms * 8, 512>>>(a, n, sink);
    }
    CHECK(cudaEventRecord(stop));
    CHECK(cudaEventSynchronize(stop));
    float readMs = 0;
    CHECK(cudaEventElapsedTime(&readMs, start, stop));
    CHECK(cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice));
    CHECK(cudaEventRecord(start));
    for (int r = 0; r < reps; r++) {
        CHECK(cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice));
    }
    CHECK(cudaEventRecord(stop));
    CHECK(cudaEventSynchronize(stop));
    float copyMs = 0;
    CHECK(cudaEventElapsedTime(&copyMs, start, stop));
    printf("read_gbps %.1f\n", reps * (double) bytes / (readMs / 1e3) / 1e9);
    printf("copy_gbps %.1f\n", reps * 2.0 * bytes / (copyMs / 1e3) / 1e9);
    return 0;
}
