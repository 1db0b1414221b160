/** The {@code hhnn} command line (picocli): train, eval, info, demo, bench. A thin layer over the Java API. */
package org.hhnn.cli;
