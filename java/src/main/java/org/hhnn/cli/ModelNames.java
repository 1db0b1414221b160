package org.hhnn.cli;

import java.util.Arrays;
import java.util.Iterator;
import org.hhnn.nn.Models;

/** The model names, for --model's help text. */
final class ModelNames implements Iterable<String> {
    @Override public Iterator<String> iterator() { return Arrays.asList(Models.NAMES).iterator(); }
}
