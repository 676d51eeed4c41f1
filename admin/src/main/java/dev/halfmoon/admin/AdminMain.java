package dev.halfmoon.admin;

import dev.halfmoon.remoting.Durations;
import dev.halfmoon.remoting.TlsConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code halfmoon-admin}: the operator's tool. Global options say where the cluster is and how
 * to print, before or after the command ({@code topic list -n host:9876}, as with mqadmin);
 * subcommands do the work over the RocketMQ remoting protocol, so it needs nothing but the name
 * server (or one broker) to be reachable.
 */
@Command(name = "halfmoon-admin", mixinStandardHelpOptions = true, version = "halfmoon-admin 0.1",
        description = "Operate a Halfmoon cluster: pending transactions, topics, consumer groups, brokers, messages.",
        footer = ExitCodes.HELP,
        subcommands = {PendingCommand.class, TopicCommand.class, GroupCommand.class, ClusterCommand.class, AclCommand.class,
            MessageCommand.class, CommandLine.HelpCommand.class})
public final class AdminMain implements Callable<Integer> {
    @Option(names = {"-n", "--namesrv"}, scope = ScopeType.INHERIT, paramLabel = "HOST:PORT[;HOST:PORT]",
            description = "Name servers (default: $NAMESRV_ADDR).")
    String namesrv;

    @Option(names = "--broker", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT", description = "Talk to this one broker instead of the cluster.")
    String broker;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "table|json", defaultValue = "table",
            description = "Output format: table (for people, default) or json (one document, for scripts).")
    Output.Format output;

    @Option(names = "--access-key", scope = ScopeType.INHERIT, paramLabel = "KEY",
            description = "ACL access key to sign requests with (default: $HALFMOON_ACCESS_KEY); admin commands need an admin account.")
    String accessKey;

    @Option(names = "--secret-key", scope = ScopeType.INHERIT, paramLabel = "KEY", description = "ACL secret key (default: $HALFMOON_SECRET_KEY).")
    String secretKey;

    @Option(names = "--tls", scope = ScopeType.INHERIT, description = "Connect with TLS.")
    boolean tls;

    @Option(names = "--tls-trust-cert", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "CA certificates (PEM) to verify the servers with; without it any server certificate is accepted.")
    java.nio.file.Path trustCert;

    @Option(names = "--tls-client-cert", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Certificate (PEM) to present to servers that ask for client certificates; with --tls-client-key.")
    java.nio.file.Path clientCert;

    @Option(names = "--tls-client-key", scope = ScopeType.INHERIT, paramLabel = "FILE", description = "Private key (PEM, PKCS#8) of --tls-client-cert.")
    java.nio.file.Path clientKey;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION", defaultValue = "5s",
            description = "How long to wait for each answer (default ${DEFAULT-VALUE}).")
    String timeout;

    private final BufferedReader in;
    private final PrintStream out;
    private final PrintStream err;
    private final java.util.Map<String, String> env;
    private AdminClient client;

    AdminMain(InputStream in, PrintStream out, PrintStream err, java.util.Map<String, String> env) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err, System.getenv()));
    }

    /**
     * Runs one command line and returns its exit code (see {@link ExitCodes}).
     *
     * @param env where NAMESRV_ADDR, HALFMOON_ACCESS_KEY and HALFMOON_SECRET_KEY are looked up
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, java.util.Map<String, String> env) {
        AdminMain main = new AdminMain(in, out, err, env);
        CommandLine cmd = new CommandLine(main).setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setOut(new java.io.PrintWriter(out, true)).setErr(new java.io.PrintWriter(err, true));
        cmd.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof AdminException a) {
                err.println("halfmoon-admin: " + a.getMessage());
                return a.exitCode();
            }
            if (e instanceof IllegalArgumentException) { // a value the command's own checks refused (--queues 100000)
                err.println("halfmoon-admin: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            throw e;
        });
        try {
            return cmd.execute(args);
        } finally {
            if (main.client != null) {
                main.client.close();
            }
        }
    }

    @Override
    public Integer call() {
        err.println("halfmoon-admin: name a command; --help lists them");
        return ExitCodes.USAGE;
    }

    /** The cluster connection, opened on first use. */
    AdminClient client() {
        if (client == null) {
            String where = namesrv != null ? namesrv : env.get("NAMESRV_ADDR");
            List<String> namesrvs = where == null ? List.of() : Arrays.stream(where.split(";")).map(String::trim)
                    .filter(s -> !s.isEmpty()).toList();
            String ak = accessKey != null ? accessKey : env.get("HALFMOON_ACCESS_KEY");
            String sk = secretKey != null ? secretKey : env.get("HALFMOON_SECRET_KEY");
            if ((ak == null) != (sk == null)) {
                throw new AdminException(ExitCodes.USAGE, "give both --access-key and --secret-key, or neither");
            }
            client = new AdminClient(namesrvs, broker, timeoutMs());
            if (ak != null) {
                client.withCredentials(ak, sk);
            }
            if (tls || trustCert != null || clientCert != null || clientKey != null) {
                try {
                    client.withTls(trustCert, TlsConfig.ClientCertificate.of(clientCert, clientKey, null));
                } catch (IllegalArgumentException e) {
                    throw new AdminException(ExitCodes.USAGE, e.getMessage());
                }
            }
        }
        return client;
    }

    private long timeoutMs() {
        try {
            return Math.max(100, Durations.parseMs(timeout));
        } catch (IllegalArgumentException e) {
            throw new AdminException(ExitCodes.USAGE, "--timeout: " + e.getMessage());
        }
    }

    /** The output in the format asked for (checked while parsing, so a bad one refuses the command before it runs). */
    Output output() {
        return new Output(out, output);
    }

    /**
     * The exit code of a command that asked every master: {@link ExitCodes#PARTIAL} after naming the brokers whose
     * answers are missing, else {@link ExitCodes#OK}.
     */
    int finish(AdminClient.Reached<?> reached) {
        if (reached.unreachable().isEmpty()) {
            return ExitCodes.OK;
        }
        tell("not included, could not be reached: " + String.join(", ", reached.unreachable()));
        return ExitCodes.PARTIAL;
    }

    /**
     * Counts the steps of a command that may take long (one request per group and broker, say) and reports how far it
     * is on standard error every 2 s, once it has taken that long; quick commands print nothing.
     */
    final class Progress {
        private final String what;
        private final long startedNs = System.nanoTime();
        private long lastNs = startedNs;
        private int done;
        private int total;

        Progress(String what) {
            this.what = what;
        }

        /** More steps became known. */
        void add(int steps) {
            total += steps;
        }

        void step() {
            done++;
            long now = System.nanoTime();
            if (now - lastNs >= 2_000_000_000L) {
                lastNs = now;
                tell(what + ": " + done + "/" + total + " after " + (now - startedNs) / 1_000_000_000L + " s");
            }
        }
    }

    /** Reports progress or outcomes to a person (standard error, so JSON output stays clean). */
    void tell(String message) {
        err.println(message);
    }

    /**
     * The first line of standard input, for a secret that should not be seen in the process list ({@code --secret -}).
     *
     * @throws AdminException (usage) if there is none
     */
    String readSecret(String what) {
        String line;
        try {
            line = in.readLine();
        } catch (IOException e) {
            line = null;
        }
        if (line == null || line.isBlank()) {
            throw new AdminException(ExitCodes.USAGE, what + " was to come on standard input, but none came");
        }
        return line.trim();
    }

    /**
     * Asks before a change unless {@code yes}.
     *
     * @throws AdminException with {@link ExitCodes#NOT_CONFIRMED} unless the answer is yes
     */
    void confirm(String question, boolean yes) {
        if (yes) {
            return;
        }
        err.print(question + " [y/N] ");
        err.flush();
        String answer;
        try {
            answer = in.readLine();
        } catch (IOException e) {
            answer = null;
        }
        if (answer == null) {
            throw new AdminException(ExitCodes.NOT_CONFIRMED, "no answer on standard input; nothing changed "
                    + "(add --yes to confirm without asking)");
        }
        if (!answer.trim().equalsIgnoreCase("y") && !answer.trim().equalsIgnoreCase("yes")) {
            throw new AdminException(ExitCodes.NOT_CONFIRMED, "not confirmed; nothing changed");
        }
    }
}
