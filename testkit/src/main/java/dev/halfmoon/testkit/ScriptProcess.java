package dev.halfmoon.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One of the {@code bin/} commands run as a user runs it: its combined output collected line by
 * line, stopped with SIGTERM. For tests of the scripts and the distribution.
 */
public final class ScriptProcess implements AutoCloseable {
    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private ScriptProcess(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (IOException e) {
                output.add("(output closed: " + e.getMessage() + ")");
            }
        }, "script-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code script} with {@code args}, adding {@code env} to the environment. */
    public static ScriptProcess start(Path script, List<String> args, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(args);
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        b.environment().putAll(env);
        return new ScriptProcess(b.start());
    }

    /** Runs to the end (at most 60 s) and returns the exit code and output. */
    public static Result run(Path script, List<String> args, Map<String, String> env) throws Exception {
        try (ScriptProcess p = start(script, args, env)) {
            if (!p.process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException(script + " did not finish in 60 s: " + p.text());
            }
            p.reader.join(5000);
            return new Result(p.process.exitValue(), p.text());
        }
    }

    /** Exit code and combined output. */
    public record Result(int code, String output) {
    }

    public List<String> output() {
        return output;
    }

    public String text() {
        return String.join("\n", output);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** The rest of the first output line starting with {@code prefix}'s last word, or null. */
    public String valueAfter(String prefix) {
        return output.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .findFirst().orElse(null);
    }

    /** SIGTERM, then waits up to 20 s; true if it stopped. Its last output is still read. */
    public boolean stop() throws InterruptedException {
        process.toHandle().destroy(); // Process.destroy() would also close the output pipe before it is read

        boolean stopped = process.waitFor(20, TimeUnit.SECONDS);
        reader.join(5000);
        return stopped;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
