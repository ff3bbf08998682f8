/*
 * sal.h - source-annotation language (SAL) markers used by Windows driver code.
 *
 * The Microsoft compiler uses these for static analysis only; here they expand to nothing so that
 * annotated driver source compiles unchanged with GCC and Clang.
 */
#ifndef WSKNS3_SAL_H
#define WSKNS3_SAL_H

/* Parameter direction */
#define _In_
#define _In_opt_
#define _In_z_
#define _In_opt_z_
#define _Out_
#define _Out_opt_
#define _Inout_
#define _Inout_opt_
#define _Inout_z_
#define _Inout_opt_z_
#define _In_reads_(n)
#define _In_reads_opt_(n)
#define _In_reads_bytes_(n)
#define _In_reads_bytes_opt_(n)
#define _In_reads_z_(n)
#define _In_reads_or_z_(n)
#define _Out_writes_(n)
#define _Out_writes_opt_(n)
#define _Out_writes_bytes_(n)
#define _Out_writes_bytes_opt_(n)
#define _Out_writes_z_(n)
#define _Out_writes_to_(n, c)
#define _Out_writes_to_opt_(n, c)
#define _Out_writes_bytes_to_(n, c)
#define _Out_writes_bytes_to_opt_(n, c)
#define _Out_writes_bytes_all_(n)
#define _Out_writes_all_(n)
#define _Inout_updates_(n)
#define _Inout_updates_opt_(n)
#define _Inout_updates_bytes_(n)
#define _Inout_updates_bytes_opt_(n)
#define _Inout_updates_z_(n)
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Outptr_opt_result_maybenull_
#define _Outptr_result_buffer_(n)
#define _Outptr_result_bytebuffer_(n)
#define _Outptr_result_nullonfailure_
#define _Deref_out_
#define _Deref_out_opt_
#define _Deref_out_range_(a, b)
#define _Deref_pre_maybenull_
#define _Deref_post_maybenull_
#define _Reserved_
#define _Pre_
#define _Post_
#define _Pre_notnull_
#define _Pre_maybenull_
#define _Pre_null_
#define _Post_z_
#define _Post_invalid_
#define _Post_ptr_invalid_
#define _Post_satisfies_(e)
#define _Post_equal_to_(e)
#define _Post_writable_byte_size_(n)
#define _Post_readable_byte_size_(n)
#define _Pre_satisfies_(e)
#define _Pre_writable_size_(n)
#define _Pre_readable_size_(n)
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _Field_size_(n)
#define _Field_size_opt_(n)
#define _Field_size_bytes_(n)
#define _Field_size_bytes_opt_(n)
#define _Field_size_part_(n, c)
#define _Field_size_bytes_part_(n, c)
#define _Field_range_(a, b)
#define _Field_z_
#define _Null_terminated_
#define _NullNull_terminated_
#define _Printf_format_string_
#define _Printf_format_string_params_(n)
#define _Scanf_format_string_
#define _Strict_type_match_
#define _Literal_
#define _Notliteral_
#define _Const_
#define _Points_to_data_
#define _In_range_(a, b)
#define _Out_range_(a, b)
#define _Ret_range_(a, b)
#define _Struct_size_bytes_(n)
#define _Writable_bytes_(n)
#define _Writable_elements_(n)
#define _Readable_bytes_(n)
#define _Readable_elements_(n)

/* Return values and functions */
#define _Ret_
#define _Ret_z_
#define _Ret_maybenull_
#define _Ret_notnull_
#define _Ret_writes_(n)
#define _Ret_writes_bytes_(n)
#define _Ret_writes_maybenull_(n)
#define _Ret_writes_bytes_maybenull_(n)
#define _Ret_maybenull_z_
#define _Result_nullonfailure_
#define _Result_zeroonfailure_
#define _Must_inspect_result_
#define _Check_return_
#define _Success_(e)
#define _Return_type_success_(e)
#define _Function_class_(n)
#define _Use_decl_annotations_
#define _Maybe_raises_SEH_exception_
#define _Raises_SEH_exception_
#define _Analysis_assume_(e)
#define _Analysis_noreturn_
#define _Analysis_mode_(m)
#define _Analysis_assume_lock_held_(l)
#define _Analysis_assume_lock_not_held_(l)
#define _Analysis_assume_same_lock_(a, b)
#define _Benign_race_begin_
#define _Benign_race_end_
#define _When_(c, a)
#define _At_(t, a)
#define _At_buffer_(t, i, n, a)
#define _On_failure_(a)
#define _Always_(a)
#define _Group_(a)
#define _Kernel_float_saved_
#define _Kernel_float_restored_
#define _Kernel_float_used_
#define _Kernel_requires_resource_held_(r)
#define _Kernel_requires_resource_not_held_(r)
#define _Kernel_acquires_resource_(r)
#define _Kernel_releases_resource_(r)
#define _Kernel_clear_do_init_(y)
#define _Enum_is_bitflag_
#define _Strict_type_match_

/* Locks */
#define _Acquires_lock_(l)
#define _Releases_lock_(l)
#define _Acquires_exclusive_lock_(l)
#define _Releases_exclusive_lock_(l)
#define _Acquires_shared_lock_(l)
#define _Releases_shared_lock_(l)
#define _Requires_lock_held_(l)
#define _Requires_lock_not_held_(l)
#define _Requires_exclusive_lock_held_(l)
#define _Requires_shared_lock_held_(l)
#define _Requires_no_locks_held_
#define _Guarded_by_(l)
#define _Write_guarded_by_(l)
#define _Interlocked_
#define _Interlocked_operand_
#define _No_competing_thread_
#define _Lock_kind_mutex_
#define _Lock_kind_event_
#define _Lock_kind_semaphore_
#define _Lock_kind_spin_lock_
#define _Has_lock_kind_(k)
#define _Create_lock_level_(l)
#define _Has_lock_level_(l)

/* IRQL and driver annotations */
#define _IRQL_requires_(i)
#define _IRQL_requires_max_(i)
#define _IRQL_requires_min_(i)
#define _IRQL_requires_same_
#define _IRQL_raises_(i)
#define _IRQL_saves_
#define _IRQL_restores_
#define _IRQL_saves_global_(k, p)
#define _IRQL_restores_global_(k, p)
#define _IRQL_always_function_min_(i)
#define _IRQL_always_function_max_(i)
#define _IRQL_uses_cancel_
#define _IRQL_is_cancel_
#define _IRQL_lowers_(i)
#define _Dispatch_type_(t)
#define _Kernel_IoGetDmaAdapter_
#define __drv_aliasesMem
#define __drv_allocatesMem(k)
#define __drv_freesMem(k)
#define __drv_when(c, a)
#define __drv_at(t, a)
#define __drv_dispatchType(t)
#define __drv_dispatchType_other
#define __drv_functionClass(c)
#define __drv_maxIRQL(i)
#define __drv_minIRQL(i)
#define __drv_requiresIRQL(i)
#define __drv_raisesIRQL(i)
#define __drv_savesIRQL
#define __drv_restoresIRQL
#define __drv_savesIRQLGlobal(k, p)
#define __drv_restoresIRQLGlobal(k, p)
#define __drv_setsIRQL(i)
#define __drv_sameIRQL
#define __drv_useCancelIRQL
#define __drv_isCancelIRQL
#define __drv_strictTypeMatch(m)
#define __drv_strictType(t, m)
#define __drv_valueIs(v)
#define __drv_reportError(e)
#define __drv_preferredFunction(f, r)
#define __drv_mustHold(k)
#define __drv_mustHoldCriticalRegion
#define __drv_neverHold(k)
#define __drv_acquiresResource(k)
#define __drv_releasesResource(k)
#define __drv_acquiresCancelSpinLock
#define __drv_releasesCancelSpinLock
#define __drv_inTry
#define __drv_notPointer
#define __drv_isObjectPointer
#define __drv_in(a)
#define __drv_out(a)
#define __drv_deref(a)
#define __drv_constant
#define __drv_nonConstant
#define __drv_formatString(k)
#define __drv_completionType(t)
#define __drv_clearDoInit(v)
#define __drv_floatUsed
#define __drv_floatSaved
#define __drv_floatRestored
#define __drv_interlocked
#define __drv_allocatesMem(k)

/* Old-style (pre-2010) annotations still found in driver code */
#define __in
#define __in_opt
#define __out
#define __out_opt
#define __inout
#define __inout_opt
#define __in_bcount(n)
#define __in_bcount_opt(n)
#define __in_ecount(n)
#define __out_bcount(n)
#define __out_bcount_opt(n)
#define __out_ecount(n)
#define __out_ecount_opt(n)
#define __inout_bcount(n)
#define __inout_ecount(n)
#define __deref_out
#define __deref_out_opt
#define __deref_opt_out
#define __checkReturn
#define __success(e)
#define __reserved
#define __nullterminated
#define __in_z
#define __in_opt_z
#define __field_bcount(n)
#define __field_ecount(n)
#define __callback
#define __bcount(n)
#define __ecount(n)
#define __out_xcount(n)
#define __typefix(t)
#define __analysis_assume(e)
#define __assume_bound(e)

#endif /* WSKNS3_SAL_H */
