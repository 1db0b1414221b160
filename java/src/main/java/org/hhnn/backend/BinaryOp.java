package org.hhnn.backend;

/** Elementwise binary functions on equal-length buffers. Ordinal = native op code. */
public enum BinaryOp { ADD, SUB, MUL }
