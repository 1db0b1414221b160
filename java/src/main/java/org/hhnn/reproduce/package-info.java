/**
 * The papers' experiments as one command each ({@code hhnn reproduce NAME}): {@link org.hhnn.reproduce.Presets} holds
 * each table's protocol and {@link org.hhnn.reproduce.Published} the figures the papers print, with the section they
 * come from; {@link org.hhnn.reproduce.Reproduction} trains the runs (one {@link org.hhnn.stats.Comparison} per model
 * setting, so finished runs are kept and an interrupted reproduction resumes) and {@link org.hhnn.reproduce.Report}
 * writes REPORT.md and report.json with the published figures beside the measured ones.
 */
package org.hhnn.reproduce;
