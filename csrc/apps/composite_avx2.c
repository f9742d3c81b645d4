/* composite_avx2.c: the stages of composite_tmpl.h compiled with AVX2 (setup.py
 * gives this file its flags; dispatch picks it at run time). Nothing elsewhere. */
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#define FL_PX_ROWS fl_px_rows_avx2
#include "composite_tmpl.h"
#endif
