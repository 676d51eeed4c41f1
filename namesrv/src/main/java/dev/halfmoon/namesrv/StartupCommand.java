package dev.halfmoon.namesrv;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.help.HelpFormatter;
import org.apache.commons.cli.help.TextHelpAppendable;

/**
 * The command line of a server's start-up script (name server, broker, standalone): its own
 * options plus {@code -h/--help} and {@code -V/--version}. Built on commons-cli, whose classes
 * come from the scripts' class-data archive; picocli's cannot (they are compiled for Java 5), and
 * building its model from annotations took 0.15-0.2 s of every start on a 2-core machine
 * (BENCHMARKS.md). The admin tool and the benchmarks keep picocli. Not thread-safe.
 */
public final class StartupCommand {
    /** The exit code of a bad command line. */
    public static final int USAGE = 2;

    /** Reads the parsed line into the command's fields; a bad value is a {@link ParseException}. */
    @FunctionalInterface
    public interface Binder {
        void bind(CommandLine line) throws ParseException;
    }

    private final String name;
    private final String description;
    private final String footer;
    private final Options options = new Options();

    /**
     * @param footer printed after the options by {@code --help}; empty for none
     */
    public StartupCommand(String name, String description, String footer) {
        this.name = name;
        this.description = description;
        this.footer = footer;
        options.addOption(Option.builder("h").longOpt("help").desc("Shows this help and exits.").get());
        options.addOption(Option.builder("V").longOpt("version").desc("Prints the version and exits.").get());
    }

    /** An option with a value ({@code --name VALUE} or {@code --name=VALUE}); {@code shortName} may be null. */
    public StartupCommand value(String shortName, String longName, String valueName, String description) {
        options.addOption(Option.builder(shortName).longOpt(longName).hasArg().argName(valueName).desc(description).get());
        return this;
    }

    /** An option without a value. */
    public StartupCommand flag(String longName, String description) {
        options.addOption(Option.builder().longOpt(longName).desc(description).get());
        return this;
    }

    /** The command itself, run once its line is bound; returns its exit code. */
    @FunctionalInterface
    public interface Body {
        int run() throws Exception;
    }

    /**
     * A start-up script's {@code main}: parses and binds {@code args} ({@link #parse}), runs
     * {@code body} if the line asks for it, and exits the JVM with a non-zero code.
     */
    public void execute(String[] args, Binder binder, Body body) throws Exception {
        int code = parse(args, binder, System.out, System.err);
        if (code < 0) {
            code = body.run();
        }
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Parses {@code args} and binds them. Answers {@code --help} and {@code --version} on {@code out},
     * and a bad line (unknown option, missing or bad value, stray argument) on {@code err} with a
     * hint to try {@code --help}.
     *
     * @return -1 to go on and run the command, else the exit code to end with at once
     */
    public int parse(String[] args, Binder binder, PrintStream out, PrintStream err) {
        try {
            CommandLine line = DefaultParser.builder().setAllowPartialMatching(false).get().parse(options, args);
            if (line.hasOption("help")) {
                printHelp(out);
                return 0;
            }
            if (line.hasOption("version")) {
                out.println(name + " " + version());
                return 0;
            }
            if (!line.getArgList().isEmpty()) {
                throw new ParseException("unexpected argument '" + line.getArgList().get(0) + "'");
            }
            binder.bind(line);
            return -1;
        } catch (ParseException e) {
            err.println(name + ": " + e.getMessage());
            err.println("Try '" + name + " --help' for the options.");
            return USAGE;
        }
    }

    /** The integer value of {@code longName}, or {@code absent} if it was not given. */
    public static Integer intValue(CommandLine line, String longName, Integer absent) throws ParseException {
        String value = line.getOptionValue(longName);
        if (value == null) {
            return absent;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw new ParseException("--" + longName + " takes a whole number, got '" + value + "'");
        }
    }

    /**
     * Notes that this run got as far as serving, if the start-up script asked
     * ({@code -Dhalfmoon.cds.served=FILE}): the class-data archive its JVM writes at exit then holds
     * the classes a start needs, and the script uses it from the next start on.
     */
    public static void served() {
        String marker = System.getProperty("halfmoon.cds.served");
        if (marker != null) {
            try {
                java.nio.file.Files.write(java.nio.file.Path.of(marker), new byte[0]);
            } catch (IOException | RuntimeException e) {
                // no archive next time: a slower start, nothing else
            }
        }
    }

    private void printHelp(PrintStream out) {
        try {
            HelpFormatter.builder().setShowSince(false).setHelpAppendable(new TextHelpAppendable(out)).get()
                    .printHelp(name, description, options, footer, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String version() {
        String v = StartupCommand.class.getPackage().getImplementationVersion();
        return v == null ? "(version unknown: not run from a packaged jar)" : v;
    }
}
