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
              domain     add, list, show, rm, stop, start, map, unmap domains (see below)
              auth       show or set a domain's URL authentication
              urls       signed push and play URLs for a stream
              streams    live streams, viewers, forbid/resume a stream, the block list, publish history
              stats      a domain's traffic, bandwidth and viewers (1- and 5-minute statistics)
              usage      a domain's month for billing: traffic (GB), daily bandwidth peaks, 95th percentile
              snapshot   snapshot configurations of a domain's apps, and the snapshots taken of a stream
              record     recording configurations and the recorded files
              version    print the version
              help       print this text

            Options of serve (each overrides the config file, which overrides the defaults):
              --config FILE       YAML configuration (see README, "Configuration")
              --rtmp-port N       RTMP port (default 1935)
              --http-port N       media HTTP port for HTTP-FLV and HLS (default 8080)
              --api-port N        API / console port (default 8090)
              --bind ADDRESS      address to listen on (default 0.0.0.0)
              --data-dir DIR      where the node keeps its data (default ./data)
              --db JDBC_URL       the control store (default: embedded H2 under the data dir),
                                  e.g. jdbc:postgresql://127.0.0.1:5432/livecloud
              --db-user NAME      database user (also db.user in the config file)
              --db-password PW    database password (also db.password; or use the config file)
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
                case "domain", "auth", "urls", "streams", "stats", "usage", "transcode", "snapshot", "record" -> {
                    return io.livecloud.server.cli.Cli.run(command, rest, out, err);
                }
                case "version", "--version" -> {
                    out.println("livecloud " + version());
                    return 0;
                }
                case "help", "--help", "-h" -> {
                    out.print(USAGE);
                    out.print("\n" + io.livecloud.server.cli.Cli.USAGE);
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
        String db = null;
        String dbUser = null;
        String dbPassword = null;
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
                case "--db" -> db = value;
                case "--db-user" -> dbUser = value;
                case "--db-password" -> dbPassword = value;
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
        if (db != null || dbUser != null || dbPassword != null) {
            ServerConfig.Database d = config.db();
            String url = db != null ? db : d.url();
            if (url != null && !url.startsWith("jdbc:")) {
                throw new IllegalArgumentException("--db must be a JDBC URL like jdbc:postgresql://host:5432/livecloud, got: " + url);
            }
            config = config.withDatabase(url, dbUser != null ? dbUser : d.user(), dbPassword != null ? dbPassword : d.password());
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
        out.print(banner(server));
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * What to paste into OBS and a player right now: URLs for the default (demo) domains, where connections to
     * 127.0.0.1 go, signed with their current keys.
     */
    static String banner(LiveCloudServer server) {
        StringBuilder b = new StringBuilder();
        b.append("LiveCloud ").append(version()).append(" is running.\n");
        b.append(String.format("  RTMP port %d, media HTTP port %d, API http://127.0.0.1:%d (health: /health)%n",
                server.rtmpPort(), server.httpPort(), server.apiPort()));
        b.append(String.format("  Console http://127.0.0.1:%d/ — sign in with the admin AccessKey%s%n", server.apiPort(),
                server.accessKey().file() == null ? " (from LIVECLOUD_ACCESS_KEY_ID / _SECRET)"
                        : " in " + server.accessKey().file().toAbsolutePath()));
        var settings = server.catalog().settings();
        String play = settings.defaultPlayDomain();
        try {
            var a = server.addresses().generate(play, "live", "demo", null);
            String local = "127.0.0.1";
            if (server.firstStart()) {
                b.append("  First start: created the demo push domain ").append(a.pushDomain())
                        .append(" and play domain ").append(play).append(" (mapped, URL auth on).\n");
            }
            if (a.pushUrl() != null) {
                b.append("  Push (OBS: Server = this URL, Stream Key empty; or ffmpeg -f flv <URL>):\n    ")
                        .append(a.pushUrl().replace("//" + a.pushDomain(), "//" + local)).append('\n');
            }
            b.append("  Play RTMP:     ").append(a.rtmpPlayUrl().replace("//" + play, "//" + local)).append('\n');
            b.append("  Play HTTP-FLV: ").append(a.flvPlayUrl().replace("//" + play, "//" + local)).append('\n');
            b.append("  Play HLS:      ").append(a.hlsPlayUrl().replace("//" + play, "//" + local)).append('\n');
            b.append("  Play LL-HLS:   ").append(a.llHlsPlayUrl().replace("//" + play, "//" + local)).append('\n');
            if (a.playExpiresAt() > 0) {
                b.append("  These URLs can start sessions for ").append((a.playExpiresAt() - a.timestamp()) / 60)
                        .append(" minutes; fresh ones: ./livecloud urls --play-domain ").append(play)
                        .append(" --app live --stream demo\n");
            }
        } catch (io.livecloud.control.ControlException e) {
            b.append("  (no demo URLs: ").append(e.getMessage()).append(")\n");
        }
        b.append("Press Ctrl-C to stop.\n");
        return b.toString();
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
