/*
 * coroutine-switch.S - x86-64 System V context switch.
 *   void KcoSwitch(void **saveSp, void *loadSp)
 * Saves the callee-saved registers, MXCSR and the x87 control word on the current stack, stores the stack
 * pointer in *saveSp, loads loadSp and restores the same set from there.
 */
    .text
    .globl KcoSwitch
    .hidden KcoSwitch
    .type KcoSwitch, @function
KcoSwitch:
    .cfi_startproc
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .cfi_endproc
    .size KcoSwitch, .-KcoSwitch

/* First frame of every coroutine: r12 = entry, r13 = argument. */
    .globl KcoTrampoline
    .hidden KcoTrampoline
    .type KcoTrampoline, @function
KcoTrampoline:
    .cfi_startproc
    .cfi_undefined rip
    movq %r13, %rdi
    andq $-16, %rsp
    callq *%r12
    ud2
    .cfi_endproc
    .size KcoTrampoline, .-KcoTrampoline

    .section .note.GNU-stack,"",@progbits
