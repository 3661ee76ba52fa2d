package io.livecloud.server;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;

/** The {@code livecloud} command line. */
public final class Main {
    private static final String USAGE = """
            Usage: livecloud <command> [options]

            Commands:
              serve      run a LiveCloud node (RTMP, media HTTP, API)
              version    print the version
              help       print this text

            Options of serve (each overrides the config file, which overrides the defaults):
              --config FILE       YAML configuration (see README, "Configuration")
              --rtmp-port N       RTMP port (default 1935)
              --http-port N       media HTTP port for HTTP-FLV (default 8080)
              --api-port N        API / console port (default 8090)
              --bind ADDRESS      address to listen on (default 0.0.0.0)
              --data-dir DIR      where the node keeps its data (default ./data)
            """;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Deque<String> rest = new ArrayDeque<>(Arrays.asList(args));
        String command = rest.isEmpty() ? "help" : rest.poll();
        try {
            switch (command) {
                case "serve" -> {
                    return serve(parseServeOptions(rest), out);
                }
                case "version", "--version" -> {
                    out.println("livecloud " + version());
                    return 0;
                }
                case "help", "--help", "-h" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> throw new IllegalArgumentException("unknown command: " + command);
            }
        } catch (IllegalArgumentException e) {
            err.println("livecloud: " + e.getMessage());
            err.println("Run 'livecloud help' for usage.");
            return 2;
        }
    }

    static ServerConfig parseServeOptions(Deque<String> args) {
        ServerConfig config = ServerConfig.defaults();
        Path file = null;
        Integer rtmp = null;
        Integer http = null;
        Integer api = null;
        String bind = null;
        Path dataDir = null;
        while (!args.isEmpty()) {
            String opt = args.poll();
            String value = args.poll();
            if (value == null) {
                throw new IllegalArgumentException(opt + " needs a value");
            }
            switch (opt) {
                case "--config" -> file = Path.of(value);
                case "--rtmp-port" -> rtmp = port(opt, value);
                case "--http-port" -> http = port(opt, value);
                case "--api-port" -> api = port(opt, value);
                case "--bind" -> bind = value;
                case "--data-dir" -> dataDir = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option: " + opt);
            }
        }
        if (file != null) {
            try {
                config = config.withYamlFile(file);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
            }
        }
        config = config.withPorts(rtmp != null ? rtmp : config.rtmpPort(), http != null ? http : config.httpPort(),
                api != null ? api : config.apiPort());
        if (bind != null) {
            config = config.withBindAddress(bind);
        }
        if (dataDir != null) {
            config = config.withDataDir(dataDir);
        }
        return config;
    }

    private static int port(String opt, String value) {
        try {
            int p = Integer.parseInt(value);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " must be a port number 0-65535, got: " + value);
        }
    }

    private static int serve(ServerConfig config, PrintStream out) {
        LiveCloudServer server;
        try {
            server = LiveCloudServer.start(config);
        } catch (RuntimeException e) {
            System.err.println("livecloud: cannot start: " + describe(e));
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "livecloud-shutdown"));
        out.printf("""
                LiveCloud %s is running.
                  Publish (OBS Server / ffmpeg):  rtmp://127.0.0.1:%d/live/<stream>
                  Play RTMP:                      rtmp://127.0.0.1:%d/live/<stream>
                  Play HTTP-FLV:                  http://127.0.0.1:%d/live/<stream>.flv
                  Health:                         http://127.0.0.1:%d/health
                Press Ctrl-C to stop.
                """, version(), server.rtmpPort(), server.rtmpPort(), server.httpPort(), server.apiPort());
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            sb.append(": ").append(c.getMessage());
        }
        return sb.toString();
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }
}
