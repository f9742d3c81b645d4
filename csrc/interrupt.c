/* interrupt.c: a stop request that long kernels poll between sweeps, tiles and
 * blocks. The binding sets it from a Ctrl-C handler; storing one int atomically
 * is safe inside a signal handler. A kernel that sees it frees its workspace and
 * returns FL_EINTR. */
#include "internal.h"

static int stop_requested;

void fl_request_stop(void) { FL_STORE(int, &stop_requested, 1); }

void fl_clear_stop(void) { FL_STORE(int, &stop_requested, 0); }

int fl_stop_requested(void) { return FL_LOAD(int, &stop_requested); }
