/* dispatch.c: which SIMD path this machine can run, decided once.
 *
 * cpuid says what the CPU has; xgetbv says whether the OS saves the wider
 * registers on a context switch (without that, AVX code would corrupt state).
 * The best usable table is selected at import; fl_set_isa forces another. */
#include "internal.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64) || defined(_M_IX86)
#define FL_X86 1
#if defined(_MSC_VER)
#include <intrin.h>
static void cpuid(int leaf, int sub, unsigned r[4])
{
    int out[4];
    __cpuidex(out, leaf, sub);
    for (int i = 0; i < 4; i++) r[i] = (unsigned)out[i];
}
static unsigned long long xgetbv0(void) { return _xgetbv(0); }
#else
#include <cpuid.h>
static void cpuid(int leaf, int sub, unsigned r[4])
{
    r[0] = r[1] = r[2] = r[3] = 0;
    __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
}
static unsigned long long xgetbv0(void)
{
    unsigned lo, hi;
    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}
#endif
#endif

void fl_threads_init(void);

typedef const fl_kernel_table *fl_table_ptr;

static int usable[FL_ISA_COUNT];
static int avx512bw = 0; /* byte and word instructions on top of AVX-512F */
static int avx512vbmi = 0; /* byte permutes on top of AVX-512BW */
static int vbmi_on = 1;    /* fl_set_vbmi */
static fl_table_ptr current = &fl_kernels_generic; /* read by kernels while set_isa may run */
static int current_isa = FL_ISA_GENERIC;
static int initialised = 0;

static void detect(void)
{
    usable[FL_ISA_GENERIC] = 1;
#ifdef FL_X86
    unsigned r[4];
    cpuid(0, 0, r);
    unsigned max_leaf = r[0];
    if (max_leaf < 7) return;
    cpuid(1, 0, r);
    int osxsave = (r[2] >> 27) & 1, avx = (r[2] >> 28) & 1, fma = (r[2] >> 12) & 1;
    if (!osxsave || !avx) return;
    unsigned long long xcr0 = xgetbv0();
    int os_ymm = (xcr0 & 0x6) == 0x6;            /* XMM and YMM state */
    int os_zmm = (xcr0 & 0xE6) == 0xE6;          /* plus opmask, ZMM_Hi256, Hi16_ZMM */
    cpuid(7, 0, r);
    int avx2 = (r[1] >> 5) & 1, avx512f = (r[1] >> 16) & 1;
    usable[FL_ISA_AVX2] = os_ymm && avx2 && fma && fl_kernels_avx2.name != NULL;
    usable[FL_ISA_AVX512] = os_zmm && avx512f && usable[FL_ISA_AVX2] &&
                            fl_kernels_avx512.name != NULL;
    avx512bw = usable[FL_ISA_AVX512] && ((r[1] >> 30) & 1);
    avx512vbmi = avx512bw && ((r[2] >> 1) & 1);
#endif
}

static const fl_kernel_table *table_of(fl_isa isa)
{
    switch (isa) {
    case FL_ISA_AVX512: return &fl_kernels_avx512;
    case FL_ISA_AVX2: return &fl_kernels_avx2;
    default: return &fl_kernels_generic;
    }
}

void fl_init(void)
{
    if (initialised) return;
    detect();
    for (int isa = FL_ISA_COUNT - 1; isa >= 0; isa--) {
        if (usable[isa]) {
            FL_STORE(int, &current_isa, isa);
            FL_STORE(fl_table_ptr, &current, table_of((fl_isa)isa));
            break;
        }
    }
    fl_threads_init();
    initialised = 1;
}

int fl_isa_usable(fl_isa isa)
{
    fl_init();
    return isa >= 0 && isa < FL_ISA_COUNT && usable[isa];
}

int fl_set_isa(fl_isa isa)
{
    if (!fl_isa_usable(isa)) return FL_EINVAL;
    FL_STORE(int, &current_isa, (int)isa);
    FL_STORE(fl_table_ptr, &current, table_of(isa));
    return FL_OK;
}

fl_isa fl_get_isa(void)
{
    fl_init();
    return (fl_isa)FL_LOAD(int, &current_isa);
}

int fl_avx512bw_in_use(void) { return fl_get_isa() >= FL_ISA_AVX512 && avx512bw; }

int fl_vbmi_usable(void)
{
    fl_init();
    return avx512vbmi;
}

void fl_set_vbmi(int on) { FL_STORE(int, &vbmi_on, on != 0); }

int fl_avx512vbmi_in_use(void) { return fl_avx512bw_in_use() && avx512vbmi && FL_LOAD(int, &vbmi_on); }

const fl_kernel_table *fl_kernels(void) { return FL_LOAD(fl_table_ptr, &current); }

static const char *const names[FL_ISA_COUNT] = {"generic", "avx2", "avx512"};

const char *fl_isa_name(fl_isa isa)
{
    return isa >= 0 && isa < FL_ISA_COUNT ? names[isa] : "unknown";
}

int fl_isa_from_name(const char *name)
{
    for (int i = 0; i < FL_ISA_COUNT; i++)
        if (strcmp(name, names[i]) == 0) return i;
    return -1;
}
