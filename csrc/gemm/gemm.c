/* gemm.c: fl_gemm for float64 and float32, from one template. */
#include "../internal.h"

#define FL_TYPED(name) name##_f64
#define FL_T double
#define fl_ukr_t fl_ukr_f64
#define fl_ukr_sup_t fl_ukr_sup_f64
#define fl_ukr_rows_t fl_ukr_rows_f64
#define FL_GEMM_KC FL_GEMM_KC_F64
#define FL_GEMM_MC FL_GEMM_MC_F64
#define FL_GEMM_NC FL_GEMM_NC_F64
#include "gemm_tmpl.h"
#undef FL_TYPED
#undef FL_T
#undef fl_ukr_t
#undef fl_ukr_sup_t
#undef fl_ukr_rows_t
#undef FL_GEMM_KC
#undef FL_GEMM_MC
#undef FL_GEMM_NC

#define FL_TYPED(name) name##_f32
#define FL_T float
#define fl_ukr_t fl_ukr_f32
#define fl_ukr_sup_t fl_ukr_sup_f32
#define fl_ukr_rows_t fl_ukr_rows_f32
#define FL_GEMM_KC FL_GEMM_KC_F32
#define FL_GEMM_MC FL_GEMM_MC_F32
#define FL_GEMM_NC FL_GEMM_NC_F32
#include "gemm_tmpl.h"
