package org.hhnn.cli;

import org.hhnn.HhnnVersion;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the POM's version (see {@link HhnnVersion}). */
public final class Version implements IVersionProvider {
    public static String get() { return HhnnVersion.get(); }

    @Override public String[] getVersion() { return new String[] {"hhnn " + get()}; }
}
