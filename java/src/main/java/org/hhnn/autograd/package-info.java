/**
 * The autodiff tape: {@link org.hhnn.autograd.Ops} are the differentiable ops (one small
 * {@link org.hhnn.autograd.Function} class each, forward and backward side by side),
 * {@link org.hhnn.autograd.Tape} records and walks them, {@link org.hhnn.autograd.GradMode} turns recording off.
 */
package org.hhnn.autograd;
