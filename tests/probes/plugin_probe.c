/* Run by tests/core/test_lazy_plugins.cpp in a fresh process: creates a
 * context of one kind, then checks which plugins the process has mapped.
 *   plugin_probe <cpu|cuda|opencl> <own plugin stem or -> <plugin stem that must not be loaded>
 * Exit 0 when the plugins were loaded lazily; otherwise a code naming the
 * failed check (2: the other plugin was loaded by the context, 3: the own
 * one was not, 4: enumeration failed, 5/6: enumeration did not load all). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tessera/tessera.h"

static int mapped(const char* stem) {
  char want[128], line[4096];
  snprintf(want, sizeof want, "lib%s", stem);
  FILE* f = fopen("/proc/self/maps", "r");
  if (!f) return -1;
  int found = 0;
  while (!found && fgets(line, sizeof line, f)) found = strstr(line, want) != NULL;
  fclose(f);
  return found;
}

int main(int argc, char** argv) {
  if (argc != 4) return 64;
  tsr_context_options options = {sizeof options, TSR_DEVICE_CPU, 0, 0, 0, 0};
  if (strcmp(argv[1], "cuda") == 0) options.device_kind = TSR_DEVICE_CUDA;
  if (strcmp(argv[1], "opencl") == 0) options.device_kind = TSR_DEVICE_OPENCL;
  tsr_context ctx = NULL;
  const int made = tsr_context_create(&options, &ctx) == TSR_OK;
  if (mapped(argv[3])) return 2;
  /* A request for an absent device still tries (and loads) its plugin,
   * unless this build has no such plugin (the sanitizer build has none). */
  if (strcmp(argv[2], "-") != 0 && !mapped(argv[2])) {
    int32_t available = 0;
    const char* reason = NULL;
    if (tsr_backend_available(options.device_kind, &available, &reason) != TSR_OK || available ||
        !reason || !strstr(reason, "not found"))
      return 3;
  }
  if (made) tsr_context_release(ctx);
  int32_t n = 0, available = 0;
  if (tsr_device_count(&n) != TSR_OK || n < 1) return 4;
  if (tsr_backend_available(TSR_DEVICE_OPENCL, &available, NULL) != TSR_OK) return 5;
  if (available && !mapped("tessera_opencl")) return 6;
  printf("context of kind %s: %s\n", argv[1], made ? "created" : "unavailable");
  return 0;
}
