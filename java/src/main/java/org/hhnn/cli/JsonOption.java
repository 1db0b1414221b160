package org.hhnn.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import picocli.CommandLine.Option;

/** --json, shared by every command that can print its result for a program to read. */
public final class JsonOption {
    @Option(names = "--json", description = "print the result as JSON on standard output")
    boolean json;

    /** Prints o, indented, on standard output. */
    static void print(JsonElement o) { System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(o)); }
}
