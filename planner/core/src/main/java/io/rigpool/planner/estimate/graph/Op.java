package io.rigpool.planner.estimate.graph;

/** The ggml operations the simulated graphs use, with ggml-alloc's rule on which may overwrite a parent. */
enum Op {
    NONE(false),
    GET_ROWS(false),
    RMS_NORM(true),
    MUL(true),
    ADD(true),
    SCALE(true),
    UNARY(true),
    ROPE(true),
    SOFT_MAX(true),
    MUL_MAT(false),
    CONT(false),
    CPY(false),
    FLASH_ATTN_EXT(false),
    RESHAPE(false),
    VIEW(false),
    PERMUTE(false),
    TRANSPOSE(false);

    private final boolean canInplace;

    Op(boolean canInplace) {
        this.canInplace = canInplace;
    }

    /** ggml_op_can_inplace of ggml-alloc.c: ops whose result may reuse a dying parent's memory. */
    boolean canInplace() {
        return canInplace;
    }
}
