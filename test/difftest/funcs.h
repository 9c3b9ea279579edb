/*
 * funcs.h - the single list of suite functions.
 *
 * The harness builds its name table from this list and scripts/difftest-lib.ts
 * reads the names from it (one X(name) per line), so a function is added by
 * writing it in src/ and naming it here. Names start with dt_ so they never
 * collide with a libc symbol in the static binaries.
 */
#ifndef DT_FUNCS_H
#define DT_FUNCS_H

#define DIFFTEST_FUNCS(X) \
    /* arith.c: wrapping integer arithmetic */ \
    X(dt_add_wrap) \
    X(dt_mul_wrap) \
    X(dt_neg_sub) \
    X(dt_poly) \
    /* divide.c: division and remainder */ \
    X(dt_sdiv) \
    X(dt_udiv) \
    X(dt_div_const) \
    X(dt_div_pow2) \
    /* shifts.c: variable shifts and rotates */ \
    X(dt_shl_var) \
    X(dt_sar_var) \
    X(dt_shr_var) \
    X(dt_rotl) \
    X(dt_rotr32) \
    /* bits.c: bit tricks */ \
    X(dt_popcount_loop) \
    X(dt_popcount_builtin) \
    X(dt_clz_ctz) \
    X(dt_bswap) \
    X(dt_bit_tricks) \
    X(dt_bitfield) \
    /* loops.c */ \
    X(dt_sum_loop) \
    X(dt_product_loop) \
    X(dt_collatz) \
    X(dt_nested_loop) \
    X(dt_digits) \
    X(dt_isqrt) \
    /* arrays.c: arrays on the stack */ \
    X(dt_sort_small) \
    X(dt_prefix_sums) \
    X(dt_histogram) \
    X(dt_sort_bytes) \
    /* structs.c: structs on the stack */ \
    X(dt_struct_ptr) \
    X(dt_struct_copy) \
    X(dt_struct_return) \
    X(dt_struct_array) \
    /* strings.c: strings built on the stack */ \
    X(dt_str_len) \
    X(dt_str_reverse_hash) \
    X(dt_str_count) \
    X(dt_str_cmp) \
    /* switch.c */ \
    X(dt_switch_dense) \
    X(dt_switch_sparse) \
    X(dt_switch_loop) \
    /* recursion.c */ \
    X(dt_fib) \
    X(dt_gcd) \
    X(dt_ackermann) \
    X(dt_mutual) \
    X(dt_power) \
    /* wide.c: 64-bit arithmetic, also on 32-bit targets */ \
    X(dt_ll_mul) \
    X(dt_ll_udiv) \
    X(dt_ll_sdiv) \
    X(dt_ll_shift) \
    X(dt_ll_cmp) \
    /* extend.c: char/short sign and zero extension */ \
    X(dt_char_ext) \
    X(dt_narrow_arith) \
    /* select.c: conditional selects */ \
    X(dt_select) \
    X(dt_select_flags) \
    /* fnptr.c: indirect calls */ \
    X(dt_fnptr_table) \
    X(dt_fnptr_apply) \
    /* minmax.c: min/max/abs/clamp and saturation */ \
    X(dt_minmax) \
    X(dt_sat_add) \
    X(dt_sat_u8) \
    X(dt_overflow_builtins)

#endif
