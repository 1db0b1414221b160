// native/hostdrv/hostptx_main.cpp — build-time tool: writes hhnn-host.ptx, the module JCudaDevice hands the host
// driver where nvcc built no fatbin: one PTX .entry per kernel of kernels/*.cu, its parameters from the kernel's C++
// signature (the kernels/emu_shim.h registry, compiled into this tool from the same sources). Run by CMakeLists.txt.
// Tested by: HostDriverTest (the module loads; every kernel launches through it in the OnGpu runners).
#include <stdio.h>
#include <string>
#include "emu_shim.h"
#include "hostptx.h"

int main(int argc, char** argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUT.ptx\n", argv[0]);
        return 2;
    }
    const hhnn_emu::Registry& r = hhnn_emu::registry();
    if (r.overflow > 0 || r.count == 0) {
        fprintf(stderr, "hostptx: %d kernels registered, %d did not fit (raise kMaxKernels in kernels/emu_shim.h)\n", r.count, r.overflow);
        return 1;
    }
    std::string ptx = "// hhnn-host.ptx: written by native/hostdrv/hostptx_main.cpp from kernels/*.cu for the hhnn host driver\n"
                      ".version 8.0\n.target sm_90\n.address_size 64\n";
    for (int i = 0; i < r.count; i++) ptx += "\n" + hostptx::entry(r.kernels[i].name, r.kernels[i].signature);
    FILE* f = fopen(argv[1], "w");
    if (f == nullptr || fwrite(ptx.data(), 1, ptx.size(), f) != ptx.size() || fclose(f) != 0) {
        fprintf(stderr, "hostptx: could not write %s\n", argv[1]);
        return 1;
    }
    return 0;
}
