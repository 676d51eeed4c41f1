package dev.halfmoon.admin;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Headless Chromium, run as a process with bounded time, for tests of the web console. */
final class Browser {
    private Browser() {
    }

    /** The first of chromium, chromium-browser, google-chrome on PATH, or null. */
    static String find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        return null;
    }

    /** The page's DOM after its scripts ran (a few seconds of virtual time). */
    static String dumpDom(String chromium, String url, Path profile) throws IOException, InterruptedException {
        return run(chromium, profile, List.of("--dump-dom", url), null);
    }

    static void screenshot(String chromium, String url, Path png, Path profile) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        run(chromium, profile, List.of("--window-size=1280,1500", "--screenshot=" + png.toAbsolutePath(), url), png);
    }

    private static String run(String chromium, Path profile, List<String> args, Path expected)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-extensions", "--no-first-run",
                "--hide-scrollbars", "--user-data-dir=" + profile.toAbsolutePath(), "--virtual-time-budget=8000"));
        command.addAll(args);
        Path out = Files.createTempFile("chromium", ".out");
        Path err = Files.createTempFile("chromium", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                throw new IllegalStateException("chromium did not finish in 90 s: " + Files.readString(err));
            }
            if (p.exitValue() != 0 || (expected != null && !Files.exists(expected))) {
                throw new IllegalStateException("chromium failed (exit " + p.exitValue() + "): " + Files.readString(err));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
