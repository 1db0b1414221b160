package org.hhnn;

/**
 * The seed of a randomised test: fresh each run (every such test prints it on failure), or the one given with
 * {@code -Dhhnn.test.seed=N} to replay a failure, e.g. {@code mvn -B -o surefire:test@default-test -pl java
 * -Dtest=HHLayerTest -Dhhnn.test.seed=10340611878225}.
 */
public final class TestSeeds {
    private TestSeeds() {}

    public static long fresh() { return Long.getLong("hhnn.test.seed", System.nanoTime()); }
}
