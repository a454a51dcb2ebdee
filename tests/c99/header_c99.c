/* Compiled with -std=c99 -pedantic -Werror: the public header is plain C99. */
#include <tessera/tessera.h>

int tessera_header_is_c99(void);
int tessera_header_is_c99(void) {
  tsr_context_options options = {sizeof(tsr_context_options), TSR_DEVICE_CPU, 0, 0, 0, 0};
  tsr_tensor t = 0;
  (void)t;
  return (int)options.device_kind + TSR_MAX_DIMS;
}
